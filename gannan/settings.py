"""Settings for the Gannan poverty-alleviation platform.

One file, driven by environment variables. Absent DATABASE_URL means the
embedded SQLite file; set it to a postgres:// URL for PostgreSQL.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


DEBUG = envbool("DJANGO_DEBUG", "False")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production, "
            "or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG"

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts.apps.LoginLockoutConfig",  # django-axes, named in Chinese
    "csp",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "audit",
    "villages",
    "households",
    "funds",
    "metrics",
    "procedures",
    "printables",
    "quality",
    "jobs",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gannan.headers.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gannan.timeouts.StatementTimeoutMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "gannan.errors.ErrorPagesMiddleware",
]

ROOT_URLCONF = "gannan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "gannan.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Dashboard aggregates cross PostgreSQL's JIT cost threshold and then spend more time
    # compiling than running (measured: ~470 ms of a 500 ms query at demo scale 1).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dashboard read while a clerk writes.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A persistent connection broken by a database restart is noticed and replaced at the next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Failed-login throttling (docs/SECURITY.md): AXES_FAILURE_LIMIT failures lock the username+IP pair
# for 15 minutes, so one user guessing cannot lock another out from another desk; AXES_IP_FAILURE_LIMIT
# failures from one address (any usernames) lock that address, so one machine cannot try every account.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_HANDLER = "accounts.throttling.LoginThrottle"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client address: REMOTE_ADDR, unless the county's reverse proxy is declared. With
# DJANGO_PROXY_COUNT=n (n trusted proxies in front of gunicorn), the address is read from
# X-Forwarded-For, counting n entries from the right: entries a client wrote itself are ignored.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if PROXY_COUNT else ["REMOTE_ADDR"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Background jobs (long exports, imports, print runs): Django's tasks API with the
# database backend, so no new service; `manage.py db_worker` runs them (`make run` starts it).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Files with personal data (job results): never under a served folder.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "media" / "private"))

# Uploads: spreadsheets are read in memory up to this size; imports check it themselves.
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# Uploads waiting for confirmation stay (in PRIVATE_MEDIA_ROOT/imports) at most this long.
IMPORT_PENDING_HOURS = float(os.environ.get("IMPORT_PENDING_HOURS", "24"))
# A confirmed import larger than this is applied by the background worker (a progress page), not the request.
IMPORT_BACKGROUND_BYTES = int(os.environ.get("IMPORT_BACKGROUND_BYTES", str(512 * 1024)))

SESSION_COOKIE_HTTPONLY = True
# A session lasts a working day (10 hours by default) and ends with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_HOURS", "10")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", "True")
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # HTTPS only. Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=true: the proxy
    # must then set X-Forwarded-Proto (and strip one sent by a client).
    SECURE_SSL_REDIRECT = envbool("DJANGO_SSL_REDIRECT", "True")
    if envbool("DJANGO_SECURE_PROXY_SSL_HEADER", "False"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Browsers remember "HTTPS only" for this long (default one year; 0 turns HSTS off).
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_HSTS_SUBDOMAINS", "True")
    SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", "True")

# Content-Security-Policy: everything from this site, no inline script anywhere. Styles allow
# inline attributes: plotly.js positions chart elements with them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

REST_FRAMEWORK = {
    # Token first: a missing or wrong token answers 401 with `WWW-Authenticate: Token`, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.throttling.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The browsable API lists related objects in its forms: JSON only (the docs are at /api/docs/).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Wrong API tokens from one address are counted; past this rate the address waits (429).
    "DEFAULT_THROTTLE_RATES": {"failed_token": os.environ.get("API_FAILED_TOKEN_RATE", "20/min")},
    "NUM_PROXIES": PROXY_COUNT or None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gannan 精准扶贫 API",
    "DESCRIPTION": "Households, divisions, metrics and funds of the Gannan targeted poverty-alleviation platform.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its viewers are for signed-in users (the header links them for admins).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # One name per choice set used by several fields (Household.status, StatusChange.status/previous_status).
    "ENUM_NAME_OVERRIDES": {
        "HouseholdStatusEnum": "households.models.Status",
        "ProjectStatusEnum": "funds.models.ProjectStatus",
        "LoanStatusEnum": "funds.models.LoanStatus",
        "CaseKindEnum": "procedures.models.Kind",
    },
}

# Checks that may refuse closing a year (metrics/closing.py): dotted paths of functions
# `check(*, year: int) -> list[str]` returning what is wrong; the close happens only when all are empty.
YEAR_CLOSE_CHECKS: list[str] = ["quality.selectors.year_close_check"]

# 疑点 rule RG03: a cadre (帮扶责任人) paired with more households than this is flagged.
QUALITY_CADRE_MAX_HOUSEHOLDS = int(os.environ.get("QUALITY_CADRE_MAX_HOUSEHOLDS", "5"))

# The cache every worker shares (dashboards, drawn charts, the API's failed-token counts): by default
# Django's database cache in the table below (no new service; every `migrate` makes it, metrics/apps.py,
# and Django's test runner makes it in test databases).
# With CACHE_URL=redis://host:6379/0, Django's Redis backend instead; CACHE_KEY_PREFIX keeps several
# sites apart on one Redis.
CACHE_TABLE = "gannan_cache"
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
CACHES: dict[str, dict[str, Any]]
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"CACHE_URL must be a redis://, rediss:// or unix:// URL, not {CACHE_URL!r}")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "gannan"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "gannan"),
            # Dashboards are keyed by region, year, language and data stamp: room for every county's and
            # township's of a few years; past this the oldest third is dropped (Django's culling).
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "5000"))},
        }
    }
# Dashboards are cached for this many seconds (0: off). The key includes the newest audit entry of the
# region (metrics/cache.py), so an audited write shows at the region's next request in every worker.
METRICS_CACHE_SECONDS = int(os.environ.get("METRICS_CACHE_SECONDS", "60"))

# PostgreSQL: every statement of a web request is cancelled after this many milliseconds
# (gannan/timeouts.py), below gunicorn's 30 s worker timeout, so a killed worker leaves no query running
# on the server; the page answers 503 "查询超时". Background jobs and management commands have no limit.
# 0 turns it off; SQLite ignores it (its queries run inside the worker and die with it).
REQUEST_STATEMENT_TIMEOUT_MS = int(os.environ.get("REQUEST_STATEMENT_TIMEOUT_MS", "25000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

APP_NAME = _("甘南州精准扶贫大数据平台")
