from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    # Pages that are not ours (Swagger UI) make browsers ask for /favicon.ico.
    path("favicon.ico", login_not_required(RedirectView.as_view(url=settings.STATIC_URL + "favicon.svg"))),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switch is in the header of the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("households/", include("households.urls")),
    path("data/", include("households.data_urls")),
    path("funds/", include("funds.urls")),
    path("procedures/", include("procedures.urls")),
    path("audit/", include("audit.urls")),
    path("print/", include("printables.urls")),
    path("quality/", include("quality.urls")),
    path("jobs/", include("jobs.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/metrics/", include("metrics.api_urls")),
    path("api/funds/", include("funds.api_urls")),
    path("api/quality/", include("quality.api_urls")),
    path("api/", include("households.api_urls")),
    path("", include("metrics.urls")),
]

handler400 = "gannan.errors.bad_request"
handler403 = "gannan.errors.permission_denied"
handler404 = "gannan.errors.page_not_found"
handler500 = "gannan.errors.server_error"
