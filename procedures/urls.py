from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    path("", views.worklists, name="worklists"),
    path("open/<int:household>/", views.case_open_view, name="open"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/objections/", views.objection_add, name="objection_add"),
    path("<int:pk>/objections/<int:objection>/", views.objection_done, name="objection_done"),
    path("<int:pk>/withdraw/", views.case_withdraw_view, name="withdraw"),
    path("villages/", views.villages_ready, name="villages"),
    path("counties/", views.counties_ready, name="counties"),
    path("notice/<str:village>/<str:kind>/", views.notice_page, name="notice"),
]
