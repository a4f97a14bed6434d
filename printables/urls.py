from django.urls import path, re_path

from procedures.steps import HOUSEHOLD_KINDS

from . import views

app_name = "printables"
REGION = r"^region/(?P<code>\d{6}|\d{9}|\d{12})/"
VILLAGE = r"^village/(?P<code>\d{12})/"
urlpatterns = [
    re_path(REGION + r"$", views.index, name="index"),
    re_path(REGION + r"wall-chart\.pdf$", views.wall_chart, name="wall_chart"),
    re_path(REGION + r"report\.pdf$", views.year_report, name="year_report"),
    re_path(REGION + r"cards/$", views.region_cards, name="region_cards"),
    re_path(VILLAGE + r"five-charts\.pdf$", views.village_charts, name="village_charts"),
    re_path(VILLAGE + r"five-charts/(?P<number>[1-5])\.pdf$", views.village_charts, name="village_chart"),
    re_path(
        VILLAGE + r"publicity/(?P<kind>" + "|".join(HOUSEHOLD_KINDS) + r")\.pdf$", views.publicity, name="publicity"
    ),
    re_path(VILLAGE + r"announcement\.pdf$", views.announcement, name="announcement"),
    path("household/<int:pk>/card.pdf", views.household_card, name="household_card"),
]
