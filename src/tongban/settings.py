"""Django settings for Tongban. Everything a deployment changes comes from the environment."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tongban.core.net import parse_networks

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

TESTING = bool(os.environ.get("TONGBAN_TESTING"))
# A real deployment: neither the demo nor Django's debug pages. Secure cookies, HSTS and the HTTPS redirect are
# on by default, and the keys must come from the environment.
PRODUCTION = not (DEBUG or DEMO_MODE or TESTING)


def installation_secret(filename: str) -> str:
    """A random secret for a demo or debug installation, made once under var/ (mode 0600) and kept: never a
    value published with the code. Each test process makes its own."""
    if TESTING:
        return secrets.token_urlsafe(50)
    path = VAR_DIR / filename
    if path.exists() and (kept := path.read_text(encoding="utf-8").strip()):
        return kept
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of this installation made it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(value)
    return value


SECRET_KEY = os.environ.get("TONGBAN_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "TONGBAN_SECRET_KEY 未设置：生产部署必须提供密钥（或以 TONGBAN_DEMO_MODE=1 运行演示）。"
        )
    SECRET_KEY = installation_secret("secret_key")

# The audit log's checkpoints are signed with keys kept outside the database (audit/chain.py). The first signs;
# the others (after a comma) are older keys that still verify the checkpoints they signed.
TONGBAN_AUDIT_KEYS = [k.strip() for k in os.environ.get("TONGBAN_AUDIT_KEY", "").split(",") if k.strip()]
if not TONGBAN_AUDIT_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "TONGBAN_AUDIT_KEY 未设置：审计日志检查点的签名密钥必须来自环境变量，不能存放在数据库中。"
        )
    TONGBAN_AUDIT_KEYS = [installation_secret("audit_key")]
# Where the latest signed checkpoint is also written: outside the database, ideally another disk or host.
TONGBAN_AUDIT_ANCHOR_DIR = Path(os.environ.get("TONGBAN_AUDIT_ANCHOR_DIR", VAR_DIR / "audit"))

# E-licence signing keys (licences/keystore.py) are stored encrypted under a key derived from this secret, kept
# outside the database. Comma-separated: the first encrypts, the others still decrypt (rotation).
TONGBAN_LICENCE_KEY_SECRETS = [
    k.strip() for k in os.environ.get("TONGBAN_LICENCE_KEY_SECRET", "").split(",") if k.strip()
]
if not TONGBAN_LICENCE_KEY_SECRETS:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "TONGBAN_LICENCE_KEY_SECRET 未设置：电子证照签名私钥的加密密钥必须来自环境变量，不能存放在数据库中。"
        )
    TONGBAN_LICENCE_KEY_SECRETS = [installation_secret("licence_key_secret")]
# Where e-licence keys live and sign: "software" (in process) or a hardware module's plugin (licences/contrib/).
TONGBAN_LICENCE_SIGNER = os.environ.get("TONGBAN_LICENCE_SIGNER", "software")
# Public licence checks (/licences/verify/, /lv/…) allowed per client address per minute.
TONGBAN_LICENCE_CHECK_RATE_LIMIT = int(os.environ.get("TONGBAN_LICENCE_CHECK_RATE_LIMIT", "30"))
# 好差评: the working days a bad rating may be given to be put right (local rules), the channels that take
# anonymous ratings, and the limits on ratings per account or address per day and per address per minute.
TONGBAN_EVALUATION_RECTIFY_DAYS = os.environ.get("TONGBAN_EVALUATION_RECTIFY_DAYS", "5,15")
TONGBAN_EVALUATION_ANONYMOUS_CHANNELS = os.environ.get("TONGBAN_EVALUATION_ANONYMOUS_CHANNELS", "social")
TONGBAN_EVALUATION_DAILY_LIMIT = int(os.environ.get("TONGBAN_EVALUATION_DAILY_LIMIT", "20"))
TONGBAN_EVALUATION_BURST_LIMIT = int(os.environ.get("TONGBAN_EVALUATION_BURST_LIMIT", "5"))
# A signed status list tells verifiers to fetch a newer one after this many hours (it is re-signed before).
TONGBAN_LICENCE_STATUS_LIST_HOURS = float(os.environ.get("TONGBAN_LICENCE_STATUS_LIST_HOURS", "24"))
# Data sharing (数据共享): the provincial exchange every provider is asked through (empty: the local tables),
# its bearer token, and how many look-ups one staff member may make per minute.
TONGBAN_SHARING_EXCHANGE_URL = os.environ.get("TONGBAN_SHARING_EXCHANGE_URL", "")
TONGBAN_SHARING_EXCHANGE_TOKEN = os.environ.get("TONGBAN_SHARING_EXCHANGE_TOKEN", "")
# Serving the local providers to other nodes over HTTP (/sharing/exchange/…): the token callers present; empty: off.
TONGBAN_SHARING_SERVE_TOKEN = os.environ.get("TONGBAN_SHARING_SERVE_TOKEN", "")
TONGBAN_SHARING_RATE_LIMIT = int(os.environ.get("TONGBAN_SHARING_RATE_LIMIT", "60"))

ALLOWED_HOSTS = [h for h in os.environ.get("TONGBAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated): rate limits,
# lock-outs and the audit log then see the real client's address (core/net.py). Nobody else's is.
TONGBAN_TRUSTED_PROXIES = parse_networks(os.environ.get("TONGBAN_TRUSTED_PROXIES", ""))

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
    "tongban.licences",
    "tongban.evaluation",
    "tongban.federation",
    "tongban.cases",
    "tongban.hotline",
    "tongban.sharing",
    "tongban.crossregion",
    "tongban.portal",
    "tongban.demo",
    # The project package itself, for its composition-level commands (tongban export_openapi): no models.
    "tongban",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Input no view can handle (NUL, a broken multipart body, a body over the limit) answered 4xx, in Chinese.
    "tongban.core.middleware.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tongban.accounts.middleware.StaffIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tongban.core.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

# The API (bearer tokens, JSON) through a lean chain: no sessions, CSRF cookie, messages or language
# negotiation (core/handlers.py). Axes stays: it answers a locked-out token request.
API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tongban.core.middleware.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tongban.core.middleware.ContentSecurityPolicyMiddleware",
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

# Failed logins (accounts/lockout.py, docs/adr/0004): a username is locked from the address that failed
# for it (a stranger cannot lock the owner out of their own address), and an address that fails for many
# usernames is throttled. Counted in the database, so every process sees the same counts.
AXES_FAILURE_LIMIT = int(os.environ.get("TONGBAN_LOGIN_FAILURE_LIMIT", "5"))
TONGBAN_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("TONGBAN_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "tongban.accounts.lockout.AccountAndAddressHandler"
AXES_CLIENT_IP_CALLABLE = "tongban.core.net.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

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
# HTTPS (docs/adr/0004-accounts.md): on by default in production, each can be turned off for a reason.
SESSION_COOKIE_SECURE = env_flag("TONGBAN_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_flag("TONGBAN_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's health check may ask over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("TONGBAN_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_flag("TONGBAN_HSTS_PRELOAD", True)
# Behind a TLS-terminating proxy that sets this header (and strips it from clients): e.g. X-Forwarded-Proto.
_proxy_ssl_header = os.environ.get("TONGBAN_PROXY_SSL_HEADER", "").strip()
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
# Content-Security-Policy (core/middleware.py): every asset is the deployment's own; no inline script. Inline
# style attributes remain in a few templates and the admin, hence 'unsafe-inline' for styles only.
TONGBAN_CSP = os.environ.get(
    "TONGBAN_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)
# Staff sessions end after this much idle time (a working-day screen left open), not Django's two weeks.
TONGBAN_STAFF_IDLE_MINUTES = float(os.environ.get("TONGBAN_STAFF_IDLE_MINUTES", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TONGBAN_LOG_LEVEL", "WARNING")},
}

TONGBAN_NOTIFIER = os.environ.get("TONGBAN_NOTIFIER", "local_sms")  # notifications/contrib/<name>
TONGBAN_COURIER = os.environ.get("TONGBAN_COURIER", "local_courier")  # delivery/contrib/<name>
TONGBAN_HOTLINE_TELEPHONY = os.environ.get("TONGBAN_HOTLINE_TELEPHONY", "local")  # hotline/contrib/<name>
TONGBAN_OPEN311_JURISDICTION = os.environ.get("TONGBAN_OPEN311_JURISDICTION", "tongban")  # Open311 jurisdiction_id
TONGBAN_NODE_ID = os.environ.get("TONGBAN_NODE_ID", "local")
# 异地代收代办: working days the receiving window has to forward an application to the deciding node.
TONGBAN_CROSSREGION_FORWARD_DAYS = int(os.environ.get("TONGBAN_CROSSREGION_FORWARD_DAYS", "1"))
TONGBAN_PLATFORM_NAME = os.environ.get("TONGBAN_PLATFORM_NAME", "通办 · 一体化政务服务平台")
# The key and certificate that sign electronically delivered documents (core/signing.py); made there if missing.
TONGBAN_SIGNING_KEY_DIR = os.environ.get("TONGBAN_SIGNING_KEY_DIR", "") or str(VAR_DIR / "signing")
# Absolute base of the public progress page printed as a QR code on notices and receipts (core/public_url.py):
# unset, the address of the request (or, without one, of the local server on PORT, as `make run` starts it).
TONGBAN_PUBLIC_BASE_URL = os.environ.get("TONGBAN_PUBLIC_BASE_URL", "")
TONGBAN_LOCAL_BASE_URL = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
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

# ---- federation between nodes (tongban.federation, docs/federation.md) -------------------------------------
# This node's division code (e.g. 330681), name and base URL as the other nodes reach it; no code: not a member.
TONGBAN_NODE_CODE = os.environ.get("TONGBAN_NODE_CODE", "")
TONGBAN_NODE_NAME = os.environ.get("TONGBAN_NODE_NAME", "")
TONGBAN_NODE_ENDPOINT = os.environ.get("TONGBAN_NODE_ENDPOINT", "") or TONGBAN_LOCAL_BASE_URL
# The node's SM2 private key (PEM) that signs its messages and receipts; made there if missing, except in production.
TONGBAN_NODE_KEY_FILE = os.environ.get("TONGBAN_NODE_KEY_FILE", "") or str(VAR_DIR / "federation" / "node_key.pem")
# The signed directory (a path or an http(s) URL) and the public key (PEM, or the path of a PEM file) it is signed with.
TONGBAN_FEDERATION_DIRECTORY = os.environ.get("TONGBAN_FEDERATION_DIRECTORY", "")
TONGBAN_FEDERATION_DIRECTORY_KEY = os.environ.get("TONGBAN_FEDERATION_DIRECTORY_KEY", "")
# A request whose transmission time differs from this node's clock by more is refused.
TONGBAN_FEDERATION_MAX_CLOCK_SKEW_SECONDS = float(os.environ.get("TONGBAN_FEDERATION_MAX_CLOCK_SKEW_SECONDS", "300"))
TONGBAN_FEDERATION_HTTP_TIMEOUT_SECONDS = float(os.environ.get("TONGBAN_FEDERATION_HTTP_TIMEOUT_SECONDS", "10"))
# Alerts on the operator page: a peer with more undelivered messages, or an older one, than these.
TONGBAN_FEDERATION_ALERT_QUEUE_DEPTH = int(os.environ.get("TONGBAN_FEDERATION_ALERT_QUEUE_DEPTH", "200"))
TONGBAN_FEDERATION_ALERT_AGE_MINUTES = float(os.environ.get("TONGBAN_FEDERATION_ALERT_AGE_MINUTES", "30"))
# The circuit breaker per peer: this many failed deliveries in a row stop posting to it for a cool-down (doubling,
# at most this many seconds, and never longer than the outbox's retry cap), then one delivery probes it.
TONGBAN_FEDERATION_CIRCUIT_FAILURES = int(os.environ.get("TONGBAN_FEDERATION_CIRCUIT_FAILURES", "3"))
TONGBAN_FEDERATION_CIRCUIT_MAX_SECONDS = float(os.environ.get("TONGBAN_FEDERATION_CIRCUIT_MAX_SECONDS", "300"))
# This node also runs a time-stamping service with this SM2 key (PEM) under this name; unset: it does not.
TONGBAN_TSA_KEY_FILE = os.environ.get("TONGBAN_TSA_KEY_FILE", "")
TONGBAN_TSA_NAME = os.environ.get("TONGBAN_TSA_NAME", "")

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
