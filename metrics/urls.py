from django.urls import path
from django.views.generic import RedirectView

app_name = "metrics"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="households:list"), name="overview"),
]
