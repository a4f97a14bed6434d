from django.urls import path  # noqa: F401

app_name = "funds_api"
urlpatterns: list = []
