from django.urls import path

from . import api

app_name = "metrics_api"
urlpatterns = [
    path("summary/", api.SummaryView.as_view(), name="summary"),
    path("timeseries/", api.TimeseriesView.as_view(), name="timeseries"),
    path("breakdown/", api.BreakdownView.as_view(), name="breakdown"),
]
