"""Settings for povertymgmt, read from the environment.

With nothing set the system runs on SQLite with Celery tasks executed in-process, which is what
`make run` and the first `make test` pass use. Production sets DATABASE_URL (PostgreSQL) and
REDIS_URL (Celery broker and result backend); see README.md and .env.example.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("ALLOWED_HOSTS"):
        raise RuntimeError("SECRET_KEY must be set in production (when ALLOWED_HOSTS is set).")
    SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 - development default only
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

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
    "simple_history",
    "accounts",
    "villages",
    "households",
    "eligibility",
    "projects",
    "funds",
    "assistance",
    "monitoring",
    "imports",
    "workflows",
    "simulations",
    "reports",
    "demo",  # the demo seeder writes every app's rows: last, at the top of the graph
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "povertymgmt.api_errors.ApiErrorMiddleware",  # Django's own error answers under /api/ as the API's JSON
    "povertymgmt.middleware.NulCharacterMiddleware",  # ?x=%00 is a 400, not a PostgreSQL error
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.audit.ActingUserMiddleware",  # who made a tracked change (§9)
    "povertymgmt.middleware.PrivateResponseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "povertymgmt.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.user_scope",
            ],
        },
    },
]

WSGI_APPLICATION = "povertymgmt.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # JIT off for every connection, pages included (povertymgmt/db.py says why for the nightly run and the
    # exports): the dashboard's exit counts compiled for 960 ms to run for 30 ms (issue 16).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several threads (the dev server, a browser test) write to one file: wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Sessions made before this backend was named sign in again once (Django checks the backend's path).
AUTHENTICATION_BACKENDS = ["accounts.backends.ScopedModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.DateLikePasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first: Simplified Chinese is the default, English is available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["povertymgmt.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# WhiteNoise serves static files from the app folders too, so `make run` works without DEBUG and
# without collectstatic; in production nginx may serve STATIC_ROOT directly instead.
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Nothing under MEDIA_ROOT is public: files go out only through views that check scope and audit. With
# MEDIA_ACCEL_REDIRECT on, those views answer with `X-Accel-Redirect: /protected/<name>` and nginx sends
# the file from its `internal` location (README); off, Django streams it.
MEDIA_ACCEL_REDIRECT = envbool("MEDIA_ACCEL_REDIRECT", False)

# API tokens expire this many days after they were issued; a password change revokes them at once.
TOKEN_TTL_DAYS = envint("TOKEN_TTL_DAYS", 30)

DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "povertymgmt.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "povertymgmt API",
    "DESCRIPTION": "精准扶贫管理系统 REST API (v1). Scoped by the user's region, personal data masked per §9.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The system runs on networks without internet: Swagger UI and ReDoc are served from static/.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
    # Every operation documents its error answers (povertymgmt.api_errors) with the Error components.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "povertymgmt.api_schema.document_error_responses",
    ],
    # Several models have a field named "category": give each choice set its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "AssistanceCategoryEnum": "projects.choices.AssistanceCategory",
        "ProjectCategoryEnum": "projects.choices.PROJECT_CATEGORIES",
        "AlertCategoryEnum": "monitoring.models.AlertCategory",
    },
}

# Celery: eager (in-process) when no broker is configured, Redis otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # a killed worker's task is redelivered, not lost
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis down must not hold a request (issue 12): connecting and publishing wait a few seconds at most,
# then povertymgmt.tasks.enqueue records the job as failed. The worker itself keeps retrying its broker.
BROKER_WAIT_SECONDS = envint("BROKER_WAIT_SECONDS", 3)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_WAIT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_WAIT_SECONDS,
    "socket_timeout": 30,  # a live broker answers well within this; never an endless read
    "max_retries": 1,
}
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_WAIT_SECONDS
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
}
CELERY_BEAT_SCHEDULE: dict = {
    "nightly-recompute": {
        "task": "eligibility.tasks.nightly_recompute",
        "schedule": crontab(hour=1, minute=0),
    },
    "exports-expire": {
        "task": "reports.tasks.exports_expire",
        "schedule": crontab(hour=4, minute=30),
    },
    "imports-clean-staging": {
        "task": "imports.tasks.staging_clean",
        "schedule": crontab(hour=4, minute=45),
    },
}
# Background export files are deleted this many days after they were written; the export log stays.
EXPORT_KEEP_DAYS = envint("EXPORT_KEEP_DAYS", 7)

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Passed to redis-py's pool: a cache outage fails fast (callers that can do without the
            # cache use povertymgmt.cache) instead of holding the request.
            "OPTIONS": {"socket_connect_timeout": BROKER_WAIT_SECONDS, "socket_timeout": BROKER_WAIT_SECONDS},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# §9: roles that may see ID numbers, phones, bank accounts and health details unmasked.
# The working year on a database where province staff never opened one (issue 13, villages.working_year):
# 2020, the last year of the three-year action the system serves.
WORKING_YEAR_DEFAULT = envint("WORKING_YEAR_DEFAULT", 2020)

SENSITIVE_ROLES = envlist("SENSITIVE_ROLES", "village_clerk,county_official,auditor")

# Security headers for production behind a TLS-terminating web server (`manage.py check --deploy` is clean
# with the README's production environment: tests/test_deploy_check.py).
BEHIND_TLS_PROXY = envbool("BEHIND_TLS_PROXY")
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", BEHIND_TLS_PROXY)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# Behind TLS a request that reached Django over plain HTTP (X-Forwarded-Proto not https) is sent to HTTPS.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", BEHIND_TLS_PROXY)
SECURE_CONTENT_TYPE_NOSNIFF = True
# HSTS only where the site is served over TLS: a browser that saw it could not reach a plain-HTTP install.
# The system has a host name of its own (poverty.example.gov.cn), so its subdomains are its own too.
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000) if BEHIND_TLS_PROXY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = BEHIND_TLS_PROXY and envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Browsers' preload list takes whole registrable domains (example.gov.cn), submitted by the domain's owner,
# not one application's host: opt in with SECURE_HSTS_PRELOAD=1, else its deploy warning (W021) is silenced.
SECURE_HSTS_PRELOAD = BEHIND_TLS_PROXY and envbool("SECURE_HSTS_PRELOAD")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
