from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.index, name="index"),
    path("worklist/", views.worklist, name="worklist"),
    path("rules/", views.catalogue, name="catalogue"),
    path("region/<str:code>/", views.region_page, name="region"),
    path("region/<str:code>/csv/<str:table>/", views.region_csv, name="region_csv"),
]
