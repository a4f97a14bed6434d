from django.urls import path

from . import views

app_name = "funds"
# The funds page itself (/funds/, /funds/region/<code>/) is drawn by metrics, with the other dashboards.
urlpatterns = [
    path("region/<str:code>/gaps/", views.gaps, name="gaps"),
    path("add/<str:kind>/", views.add, name="add"),
]
