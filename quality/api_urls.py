from django.urls import path

from . import api

urlpatterns = [
    path("summary/", api.Summary.as_view(), name="quality-summary"),
    path("issues/", api.IssueList.as_view(), name="quality-issues"),
]
