from django.urls import path, re_path

from . import views

app_name = "metrics"
urlpatterns = [
    path("", views.overview, name="overview"),
    re_path(r"^region/(?P<code>\d{6}|\d{9}|\d{12})/$", views.overview, name="region"),
    re_path(r"^region/(?P<code>\d{6}|\d{9}|\d{12})/chart/(?P<key>[a-z_]+)\.csv$", views.chart_csv, name="chart_csv"),
    re_path(r"^region/(?P<code>\d{6}|\d{9}|\d{12})/export\.xlsx$", views.export_xlsx, name="export"),
    # The funds page: its URL stays under /funds/, the rest of which (forms, gap lists) the funds app serves.
    path("funds/", views.funds_overview, name="funds"),
    re_path(r"^funds/region/(?P<code>\d{6}|\d{9}|\d{12})/$", views.funds_overview, name="funds_region"),
]
