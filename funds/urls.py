from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("", views.index, name="index"),
    path("region/<str:code>/", views.region, name="region"),
    path("region/<str:code>/gaps/", views.gaps, name="gaps"),
    path("region/<str:code>/csv/<str:chart>/", views.chart_csv, name="chart_csv"),
    path("add/<str:kind>/", views.add, name="add"),
]
