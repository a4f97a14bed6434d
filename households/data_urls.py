from django.urls import path

from . import data_views

app_name = "households_data"
urlpatterns = [
    path("", data_views.index, name="index"),
    path("import/<str:kind>/", data_views.upload, name="upload"),
    path("import/<str:kind>/confirm/", data_views.confirm, name="confirm"),
    path("import/<str:kind>/preview/<str:token>/", data_views.preview, name="preview"),
    path("templates/<str:kind>.xlsx", data_views.template, name="template"),
    path("export/households.<str:fmt>", data_views.export, name="export"),
    path("export/events.csv", data_views.events_export, name="events_export"),
]
