"""Django settings for Tongban. Everything a deployment changes comes from the environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("TONGBAN_HOME", SRC_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("TONGBAN_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("TONGBAN_DEBUG")
# Demo mode allows the demo data and its published passwords. Never on a real deployment.
DEMO_MODE = env_flag("TONGBAN_DEMO_MODE")

SECRET_KEY = os.environ.get("TONGBAN_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO_MODE or os.environ.get("TONGBAN_TESTING"):
        SECRET_KEY = "tongban-insecure-demo-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "TONGBAN_SECRET_KEY 未设置：生产部署必须提供密钥（或以 TONGBAN_DEMO_MODE=1 运行演示）。"
        )

ALLOWED_HOSTS = [h for h in os.environ.get("TONGBAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "tongban.core",
    "tongban.outbox",
    "tongban.jurisdictions",
    "tongban.accounts",
    "tongban.catalogue",
    "tongban.bundles",
    "tongban.search",
    "tongban.workdays",
    "tongban.audit",
    "tongban.notifications",
    "tongban.delivery",
    "tongban.cases",
    "tongban.portal",
    "tongban.demo",
    # The project package itself, for its composition-level commands (tongban export_openapi): no models.
    "tongban",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# The API (bearer tokens, JSON) through a lean chain: no sessions, CSRF cookie, messages or language
# negotiation (core/handlers.py). Axes stays: it answers a locked-out token request.
API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tongban.urls"
WSGI_APPLICATION = "tongban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tongban.core.context_processors.platform",
                "tongban.cases.context_processors.desk",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tongban.sqlite3'}"),
        conn_max_age=int(os.environ.get("TONGBAN_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL and a busy timeout let the embedded database serve concurrent readers and one writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tongban.accounts.backends.DemoAwareModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace"  # each role's own workspace (cases.workspace)
LOGOUT_REDIRECT_URL = "portal:home"

# Lock an account (per username) after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("TONGBAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Locking by IP too would lock out every citizen behind a service centre's shared address (docs/adr/0004).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TONGBAN_LOG_LEVEL", "WARNING")},
}

TONGBAN_NOTIFIER = os.environ.get("TONGBAN_NOTIFIER", "local_sms")  # notifications/contrib/<name>
TONGBAN_COURIER = os.environ.get("TONGBAN_COURIER", "local_courier")  # delivery/contrib/<name>
TONGBAN_NODE_ID = os.environ.get("TONGBAN_NODE_ID", "local")
TONGBAN_PLATFORM_NAME = os.environ.get("TONGBAN_PLATFORM_NAME", "通办 · 一体化政务服务平台")
# Absolute base of the public progress page printed as a QR code on notices (cases/notices.py).
TONGBAN_PUBLIC_BASE_URL = os.environ.get("TONGBAN_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Lifetime of an API token issued by POST /api/v1/auth/token (accounts/tokens.py).
TONGBAN_API_TOKEN_HOURS = float(os.environ.get("TONGBAN_API_TOKEN_HOURS", "8"))
# A token's owner is kept this long per process (a revocation elsewhere takes effect within it); 0: off.
TONGBAN_API_TOKEN_CACHE_SECONDS = float(os.environ.get("TONGBAN_API_TOKEN_CACHE_SECONDS", "5"))
# How often each process looks whether the catalogue published something new (a new version to apply for).
TONGBAN_CATALOGUE_RECHECK_SECONDS = float(os.environ.get("TONGBAN_CATALOGUE_RECHECK_SECONDS", "1"))
# Public progress queries (/progress/) allowed per client address per minute (cases/views_public.py).
TONGBAN_PROGRESS_RATE_LIMIT = int(os.environ.get("TONGBAN_PROGRESS_RATE_LIMIT", "20"))
# How often a process looks whether administrators changed the working calendar (workdays/selectors.py).
TONGBAN_CALENDAR_RECHECK_SECONDS = float(os.environ.get("TONGBAN_CALENDAR_RECHECK_SECONDS", "1"))
# The local courier (delivery/contrib/local_courier) moves a parcel one state per this many hours.
TONGBAN_LOCAL_COURIER_STEP_HOURS = float(os.environ.get("TONGBAN_LOCAL_COURIER_STEP_HOURS", "24"))

# ---- task queue and outbox (docs/adr/0006-task-queue-and-outbox.md) ----------------------------------------
# Django's Tasks API (django-tasks backport). The embedded default keeps tasks in this database and runs them in
# `tongban worker`; a larger deployment names another backend here (django_tasks_rq.RQBackend …).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TONGBAN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
        "OPTIONS": json.loads(os.environ.get("TONGBAN_TASKS_OPTIONS", "{}")),
    }
}
# Failed deliveries wait base, 2 × base, 4 × base … seconds (at most the cap); after the last attempt the
# message is a dead letter (admin: 发件箱消息, 重新发送).
TONGBAN_OUTBOX_RETRY_BASE_SECONDS = float(os.environ.get("TONGBAN_OUTBOX_RETRY_BASE_SECONDS", "30"))
TONGBAN_OUTBOX_RETRY_CAP_SECONDS = float(os.environ.get("TONGBAN_OUTBOX_RETRY_CAP_SECONDS", "3600"))
TONGBAN_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("TONGBAN_OUTBOX_MAX_ATTEMPTS", "10"))
# How long a worker holds a message it delivers; a worker killed meanwhile leaves it to another after that.
TONGBAN_OUTBOX_LEASE_SECONDS = float(os.environ.get("TONGBAN_OUTBOX_LEASE_SECONDS", "300"))
# Periodic jobs' intervals in seconds, by job name: "outbox.sweep=30,delivery.tracking=600".
TONGBAN_PERIODIC_INTERVALS = {
    name.strip(): float(seconds)
    for name, _, seconds in (
        item.partition("=") for item in os.environ.get("TONGBAN_PERIODIC_INTERVALS", "").split(",") if item.strip()
    )
}
# Finished task results and delivered outbox messages are pruned after this many days.
TONGBAN_TASK_RESULTS_KEEP_DAYS = float(os.environ.get("TONGBAN_TASK_RESULTS_KEEP_DAYS", "14"))
