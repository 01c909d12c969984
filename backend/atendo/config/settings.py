"""Atendo settings: every value comes from the environment (django-environ).

Secure by default: with DEBUG off a SECRET_KEY is required, cookies are secure and HSTS is on.
The README's "Configuration" table lists every variable read here with its default.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BACKEND_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BACKEND_DIR.parent

env = environ.Env()

DEBUG: bool = env.bool("DEBUG", default=False)
VAR_DIR = Path(env.str("ATENDO_VAR_DIR", default=str(PROJECT_DIR / "var")))

SECRET_KEY: str = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

# Host validation happens in atendo.core.tenancy.HostValidationMiddleware against this list
# plus every verified TenantDomain, so Django's own check is opened up here on purpose.
# Encrypts stored secrets (channel credentials, identity secrets); derived from SECRET_KEY if unset.
FIELD_ENCRYPTION_KEY: str = env.str("FIELD_ENCRYPTION_KEY", default="")

ATENDO_ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
ALLOWED_HOSTS = ["*"]

# Custom-domain verification looks up a TXT record; empty means the system resolver.
DNS_NAMESERVERS: list[str] = env.list("DNS_NAMESERVERS", default=[])
DNS_PORT: int = env.int("DNS_PORT", default=53)
DNS_TIMEOUT_SECONDS: float = env.float("DNS_TIMEOUT_SECONDS", default=5.0)

APP_URL: str = env.str("APP_URL", default="http://127.0.0.1:8000").rstrip("/")
WEBSOCKET_URL: str = env.str("WEBSOCKET_URL", default="").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    # Index expressions with an operator class (the contacts' trigram search indexes), lookups.
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "channels",
    "django_celery_beat",
    "atendo.core",
    "atendo.contacts",
    "atendo.connectors",
    "atendo.organizations",
    "atendo.messaging",
    "atendo.tickets",
    "atendo.knowledge",
]

# Origins of the web app packaged as a native app (Capacitor: capacitor://localhost on iOS,
# http://localhost on Android) that may call the API from another origin. The browser app is
# served by this backend (same origin) and needs none. Bearer tokens, never cookies, so no
# credentials are allowed cross-origin.
NATIVE_APP_ORIGINS: list[str] = env.list("NATIVE_APP_ORIGINS", default=[])
INSTALLED_APPS.append("corsheaders")
CORS_ALLOWED_ORIGINS = NATIVE_APP_ORIGINS
# The Web Chat widget's endpoints answer CORS themselves, per account (any site may embed it).
CORS_URLS_REGEX = r"^/api/v1/(?!widget/)"
CORS_ALLOW_HEADERS = ("accept", "accept-language", "authorization", "content-type", "x-tenant")
CORS_PREFLIGHT_MAX_AGE = 600

# Signed webhook POSTs are answered before this stack (atendo.config.wsgi): a middleware that must
# see them needs its counterpart in atendo.connectors.webhooks.WebhookFastPath.
MIDDLEWARE = [
    "atendo.core.tenancy.HostValidationMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "atendo.config.urls"
WSGI_APPLICATION = "atendo.config.wsgi.application"
ASGI_APPLICATION = "atendo.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]

# --- Data stores -------------------------------------------------------------------------
# DATABASE_URL and REDIS_URL are set by `make run` / `make test` (embedded servers) when the
# caller gives none; settings never start servers themselves.
DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///atendo")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The hot-path statements (atendo.core.db.execute_prepared) are prepared once per connection; turn
# it off behind a connection pooler in transaction mode that cannot keep prepared statements.
DATABASE_PREPARED_STATEMENTS: bool = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
DATABASES["default"].setdefault("TEST", {})
DATABASES["default"]["TEST"]["NAME"] = env.str("TEST_DATABASE_NAME", default="test_atendo")

REDIS_URL: str = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="atendo"),
    }
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # socket_timeout None: redis-py 8 defaults it to 5 s, which aborts the layer's blocking
        # BZPOPMIN and tears down every websocket that received nothing for 5 s.
        "CONFIG": {
            "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
            "prefix": env.str("CACHE_KEY_PREFIX", default="atendo"),
        },
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity ----------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

SIGNUP_ENABLED: bool = env.bool("SIGNUP_ENABLED", default=True)
MAGIC_LINK_TTL = timedelta(minutes=env.int("MAGIC_LINK_TTL_MINUTES", default=15))
MAGIC_LINK_RATE_PER_EMAIL: int = env.int("MAGIC_LINK_RATE_PER_EMAIL", default=5)
MAGIC_LINK_RATE_PER_IP: int = env.int("MAGIC_LINK_RATE_PER_IP", default=30)
MAGIC_LINK_RATE_WINDOW = timedelta(minutes=env.int("MAGIC_LINK_RATE_WINDOW_MINUTES", default=15))
TOKEN_EXCHANGE_RATE_PER_IP: int = env.int("TOKEN_EXCHANGE_RATE_PER_IP", default=60)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "AUTH_HEADER_TYPES": ("Bearer",),
}

# --- REST API ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's JSON, encoded by orjson (atendo.core.api.renderers: same bytes, a fraction of the cost).
    "DEFAULT_RENDERER_CLASSES": ["atendo.core.api.renderers.FastJSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "atendo.core.api.schema.AtendoAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "atendo.core.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Atendo API",
    "DESCRIPTION": "Multi-tenant omnichannel customer service. Errors share one shape: "
    '`{"code", "message", "fields"}`; codes are stable strings.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI assets ship with the app (no CDN: docs work offline and behind strict CSPs).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "tenantHeader": {"type": "apiKey", "in": "header", "name": "X-Tenant"},
        }
    },
    "ENUM_NAME_OVERRIDES": {
        "LocaleEnum": "atendo.core.models.Locale",
        "TenantStatusEnum": "atendo.core.models.Tenant.Status",
        "MemberStatusEnum": "atendo.core.models.TenantUser.Status",
        "IdentityKindEnum": "atendo.contacts.models.IdentityKind",
        "ChannelKindEnum": "atendo.connectors.models.ChannelKind",
        "MessageKindEnum": "atendo.messaging.models.MessageKind",
        "ConversationStatusEnum": "atendo.messaging.models.ConversationStatus",
        "ChannelAccountStatusEnum": "atendo.connectors.models.ChannelAccount.Status",
        "ChannelSwitchEnum": ["active", "disabled"],
        "InboxStatusFilterEnum": ["open", "pending", "snoozed", "resolved", "all"],
        "TicketStatusEnum": "atendo.tickets.models.TicketStatus",
        "PriorityEnum": "atendo.messaging.models.Priority",
        "PriorityOrAnyEnum": ["", "low", "normal", "high", "urgent"],
    },
}

DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)

# --- Channel providers (base URLs are settings so tests can run a local fake provider) -----
WHATSAPP_API_BASE: str = env.str("WHATSAPP_API_BASE", default="https://graph.facebook.com/v21.0").rstrip("/")
TELEGRAM_API_BASE: str = env.str("TELEGRAM_API_BASE", default="https://api.telegram.org").rstrip("/")
PROVIDER_HTTP_TIMEOUT_SECONDS: float = env.float("PROVIDER_HTTP_TIMEOUT_SECONDS", default=15.0)
WEBHOOK_MAX_BYTES: int = env.int("WEBHOOK_MAX_BYTES", default=8 * 1024 * 1024)
INBOUND_MAX_ATTEMPTS: int = env.int("INBOUND_MAX_ATTEMPTS", default=8)
INBOUND_SWEEP_GRACE_SECONDS: int = env.int("INBOUND_SWEEP_GRACE_SECONDS", default=120)
# Stored events one worker claims and processes per transaction (one commit per batch).
INBOUND_BATCH_SIZE: int = env.int("INBOUND_BATCH_SIZE", default=100)
# A web process checks "is a drain task queued?" (a Redis round trip) at most once per this many
# milliseconds: the first event of a quiet spell at once, the events of a burst with one more
# check when the interval ends. 0 checks after every stored event.
INGESTION_WAKE_INTERVAL_MS: int = env.int("INGESTION_WAKE_INTERVAL_MS", default=10)
PROVIDER_MEDIA_MAX_BYTES: int = env.int("PROVIDER_MEDIA_MAX_BYTES", default=100 * 1024 * 1024)
# E-mail channels: how often every mailbox is polled over IMAP, how many mails one sync reads,
# and the largest mail stored whole (past it only the headers are kept, marked as truncated).
EMAIL_SYNC_SECONDS: int = env.int("EMAIL_SYNC_SECONDS", default=30)
EMAIL_SYNC_BATCH: int = env.int("EMAIL_SYNC_BATCH", default=200)
EMAIL_MAX_BYTES: int = env.int("EMAIL_MAX_BYTES", default=40 * 1024 * 1024)

# --- Antivirus (optional): every attachment is scanned by clamd before anyone can download it.
CLAMAV_URL: str = env.str("CLAMAV_URL", default="")
CLAMAV_TIMEOUT_SECONDS: float = env.float("CLAMAV_TIMEOUT_SECONDS", default=30.0)

# --- Web chat ---------------------------------------------------------------------------
WIDGET_MESSAGES_PER_MINUTE: int = env.int("WIDGET_MESSAGES_PER_MINUTE", default=30)

# --- Celery ------------------------------------------------------------------------------
CELERY_BROKER_URL: str = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_NAMES = ("default", "webhooks", "automations", "analytics")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER: bool = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
# Celery's Django fixup closes every DB connection before and after each task unless this is set
# (then only every N tasks): a reconnect per drain task cost ~15 % of it (measured). Connections
# are kept instead; atendo.config.celery closes them per CONN_MAX_AGE / health check like Django
# does around requests.
CELERY_DB_REUSE_MAX = 1000
# Connectors and accounts the ingestion worker keeps per process (atendo.connectors.selectors);
# another process's change to them is seen within this many seconds. 0: read them every batch.
INGESTION_ROUTES_CACHE_SECONDS: float = env.float("INGESTION_ROUTES_CACHE_SECONDS", default=5.0)

# --- E-mail ------------------------------------------------------------------------------
EMAIL_HOST: str = env.str("EMAIL_HOST", default="")
EMAIL_PORT: int = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER: str = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD: str = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS: bool = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="Atendo <no-reply@atendo.local>")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    # No mail server configured: keep mail where a developer can open it (var/mail/) and
    # echo it to the console, so the demo login works without SMTP.
    EMAIL_BACKEND = "atendo.core.mail.DevelopmentEmailBackend"

# --- i18n --------------------------------------------------------------------------------
LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", "Português (Brasil)"), ("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BACKEND_DIR / "atendo" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static files (the built web app is served from here too) -----------------------------
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
FRONTEND_DIST_DIR = Path(env.str("FRONTEND_DIST_DIR", default=str(PROJECT_DIR / "frontend" / "dist")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_ROOT = FRONTEND_DIST_DIR if FRONTEND_DIST_DIR.is_dir() else None
# App static files (API docs assets) are served straight from the installed packages, so
# `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True

# --- Security ----------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_SSL_REDIRECT: bool = env.bool("SECURE_SSL_REDIRECT", default=False)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

CELERY_BEAT_SCHEDULE = {
    "sweep-inbound-events": {
        "task": "atendo.messaging.tasks.sweep_inbound_events",
        "schedule": timedelta(minutes=1),
        "options": {"queue": "webhooks", "expires": 50},
    },
    "sync-mailboxes": {
        "task": "atendo.connectors.tasks.sync_mailboxes",
        "schedule": timedelta(seconds=EMAIL_SYNC_SECONDS),
        "options": {"queue": "webhooks", "expires": max(5, EMAIL_SYNC_SECONDS - 5)},
    },
    "scan-sla": {
        "task": "atendo.tickets.tasks.scan_sla",
        "schedule": timedelta(minutes=1),
        "options": {"queue": "default", "expires": 50},
    },
    "purge-expired-magic-links": {
        "task": "atendo.core.tasks.purge_expired_magic_links",
        "schedule": timedelta(hours=24),
        "options": {"queue": "default"},
    },
}

# --- Attachments storage (atendo.core.storage) -------------------------------------------
# Code reads and writes attachments through `storages["attachments"]` only.
# STORAGE_BACKEND=local (default): files under MEDIA_ROOT, downloaded through /files/<signed
# token> links. STORAGE_BACKEND=s3: any S3-compatible bucket, downloaded through presigned GET
# URLs; empty S3 keys fall back to boto3's own credential chain (environment, instance role).
STORAGE_BACKEND: str = env.str("STORAGE_BACKEND", default="local")
ATTACHMENT_MAX_BYTES: int = env.int("ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
S3_ENDPOINT_URL: str = env.str("S3_ENDPOINT_URL", default="")
S3_BUCKET: str = env.str("S3_BUCKET", default="")
S3_ACCESS_KEY_ID: str = env.str("S3_ACCESS_KEY_ID", default="")
S3_SECRET_ACCESS_KEY: str = env.str("S3_SECRET_ACCESS_KEY", default="")
S3_REGION: str = env.str("S3_REGION", default="us-east-1")
S3_ADDRESSING_STYLE: str = env.str("S3_ADDRESSING_STYLE", default="path")
# (Annotated as a plain dict: STORAGES' inferred type only knows string values.)
_attachments_storage: dict
if STORAGE_BACKEND == "local":
    _attachments_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    }
elif STORAGE_BACKEND == "s3":
    if not S3_BUCKET:
        raise ImproperlyConfigured("S3_BUCKET must be set when STORAGE_BACKEND is s3.")
    if S3_ADDRESSING_STYLE not in ("path", "virtual"):
        raise ImproperlyConfigured("S3_ADDRESSING_STYLE must be path or virtual.")
    _attachments_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "access_key": S3_ACCESS_KEY_ID or None,
            "secret_key": S3_SECRET_ACCESS_KEY or None,
            "region_name": S3_REGION,
            "addressing_style": S3_ADDRESSING_STYLE,
            "signature_version": "s3v4",
            "default_acl": None,  # private objects: reads only through presigned URLs
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": True,  # keys carry a fresh uuid4: skip the existence check
        },
    }
else:
    raise ImproperlyConfigured("STORAGE_BACKEND must be local or s3.")
STORAGES["attachments"] = _attachments_storage
