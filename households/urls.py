from django.urls import path

from . import views

app_name = "households"
urlpatterns = [
    path("", views.household_list_view, name="list"),
    path("new/", views.household_create, name="create"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("<int:pk>/years/new/", views.household_year_edit, name="year_add"),
    path("<int:pk>/years/<int:year>/", views.household_year_edit, name="year_edit"),
]
