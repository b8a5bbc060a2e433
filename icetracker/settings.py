"""Settings for the ICE Accountability Tracker.

One module, driven by environment variables. Development defaults are safe and need no
configuration; production differs only by environment:

    DJANGO_DEBUG=0 DJANGO_SECRET_KEY=... DJANGO_ALLOWED_HOSTS=example.org
    DATABASE_URL=postgres://... REDIS_URL=redis://...
"""

import os
import re
import tomllib
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from exc


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_rate(name: str, default: str) -> str:
    """A DRF throttle rate such as "120/min"; a typo would otherwise fail every API request."""
    value = os.environ.get(name, "").strip() or default
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(f"{name} must look like 120/min or 2000/hour, got {value!r}.")
    return value


with (BASE_DIR / "pyproject.toml").open("rb") as _pyproject:
    APP_VERSION = tomllib.load(_pyproject)["project"]["version"]

DEBUG = env_bool("DJANGO_DEBUG", True)
TESTING = env_bool("DJANGO_TESTING", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-never-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    _missing = [
        name
        for name, value in (
            ("DJANGO_SECRET_KEY", SECRET_KEY),
            ("DJANGO_ALLOWED_HOSTS", ALLOWED_HOSTS),
        )
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG is off, so these environment variables are required: "
            + ", ".join(_missing)
            + ". Set DJANGO_SECRET_KEY to a long random string and DJANGO_ALLOWED_HOSTS to a "
            "comma-separated list of host names, or set DJANGO_DEBUG=1 for development."
        )

INSTALLED_APPS = [
    # The admin, served by staff.admin_site.StaffAdminSite (two-factor when REQUIRE_2FA).
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "imports",
    "stats",
    "incidents",
    "feeds",
    "rapidresponse",
    "staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above sessions and CSRF so it sees every cookie they set: see icetracker/middleware.py.
    "icetracker.middleware.CachePolicyMiddleware",
    "icetracker.middleware.StatementTimeoutMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "icetracker.middleware.RememberedCSPMiddleware",  # django-csp's, faster
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes must be last: https://django-axes.readthedocs.io/en/latest/2_installation.html
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "icetracker.urls"
WSGI_APPLICATION = "icetracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} remembering addresses without arguments: icetracker/templatetags/urls.py
            "builtins": ["icetracker.templatetags.urls"],
            # {% load i18n %}: Django's library, constant texts remembered per language
            # (icetracker/templatetags/translations.py); {% load static %}: Django's, constant
            # paths' addresses remembered (icetracker/templatetags/staticfiles.py).
            "libraries": {
                "i18n": "icetracker.templatetags.translations",
                "static": "icetracker.templatetags.staticfiles",
            },
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "icetracker.context_processors.site",
            ],
        },
    },
]
# templates.W003 flags two modules under one template library name, which "i18n" and "static"
# above are on purpose; tests/test_translate_tags.py checks that no other name is shared.
SILENCED_SYSTEM_CHECKS = ["templates.W003"]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while an importer writes; timeout waits out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No parallel query: concurrent requests already fill the cores, and starting parallel
    # workers for each query costs CPU that the other requests need (set at connection start,
    # no extra round trip).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
    )
# A few hot statements run prepared on their connection (icetracker/prepared.py). psycopg only
# prepares what it is asked to with a threshold set; this one is never reached, so nothing else
# is prepared. Off (0) for a pooler that does not keep prepared statements.
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_PREPARED_STATEMENTS:
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2**31 - 1
    # They run on their generic plan, made once per connection: only statements whose plan
    # holds for any values are prepared (icetracker/prepared.py). Left to choose, PostgreSQL
    # planned the API's page for each run's values (the generic plan's estimate, 1,230, is
    # above the custom plans' 1,129, for the same plan): 0.34 ms of its CPU a request, the
    # statement alone measured with pgbench. Other statements have no parameters (Django
    # writes the values into the SQL) and are planned as before, the triggers' too.
    DATABASES["default"]["OPTIONS"]["options"] += " -c plan_cache_mode=force_generic_plan"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's backend, minus a new redis-py client per operation: icetracker/cache.py.
            "BACKEND": "icetracker.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "icetracker"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "icetracker",
            "TIMEOUT": 300,
        }
    }

# Without Redis there is no broker: tasks queue in memory and are lost, so feeds are polled
# with `manage.py poll_feeds` instead. https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes first so that locked-out credentials never reach the model backend.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 3600

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # DRF's JSON, written by orjson: icetracker/renderers.py.
    "DEFAULT_RENDERER_CLASSES": ["icetracker.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "icetracker.api.exception_handler",
    # Per client address, counted in the shared cache: icetracker/throttling.py.
    "DEFAULT_THROTTLE_CLASSES": [
        "icetracker.throttling.ClientRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "burst": env_rate("API_THROTTLE_BURST", "120/min"),
        "sustained": env_rate("API_THROTTLE_SUSTAINED", "2000/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ICE Accountability Tracker API",
    "DESCRIPTION": "Sourced statistics, incidents and rapid-response resources on US "
    "immigration enforcement. Only published incidents are exposed.",
    "VERSION": APP_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Security -------------------------------------------------------------------------------
# https://django-csp.readthedocs.io/en/latest/configuration.html (django-csp 4 format)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["https://www.youtube-nocookie.com", "https://www.tiktok.com"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "manifest-src": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
if not DEBUG:
    # The __Host- prefix makes browsers refuse these cookies unless Secure, host-only and Path=/,
    # so a sibling subdomain cannot plant a session or CSRF token.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("DJANGO_BEHIND_PROXY", False):
    # Only trust X-Forwarded-Proto when a reverse proxy that sets it is really in front.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# How many reverse proxies of ours append to X-Forwarded-For; only their hops are believed
# when finding the client address for lockouts and throttles (icetracker/clientip.py).
TRUSTED_PROXY_COUNT = env_int(
    "DJANGO_TRUSTED_PROXY_COUNT", 1 if env_bool("DJANGO_BEHIND_PROXY", False) else 0
)
# Only staff have sessions; they end after a working day.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 3600)
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Cache-Control max-age for anonymous public GETs that set no policy of their own.
PUBLIC_CACHE_MAX_AGE = env_int("PUBLIC_CACHE_MAX_AGE", 60)
# PostgreSQL statement_timeout for web requests only (0 turns it off); commands and
# Celery tasks are not limited. https://www.postgresql.org/docs/current/runtime-config-client.html
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 5000)

# Two-factor authentication for the admin: on by default in production.
REQUIRE_2FA = env_bool("DJANGO_REQUIRE_2FA", not DEBUG)

# Where readers send corrections: an email address or an https:// page, shown on /about/.
CORRECTIONS_CONTACT = os.environ.get("DJANGO_CORRECTIONS_CONTACT", "").strip()
OTP_TOTP_ISSUER = "ICE Accountability Tracker"
# Never show TOTP secrets or QR codes in the admin: a stolen admin session could copy every
# second factor. Enrol devices with `manage.py enroll_totp` (docs/first-admin.md).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# django-axes: lock out after repeated failures. REMOTE_ADDR only, so a spoofed
# X-Forwarded-For cannot rotate the client address. https://django-axes.readthedocs.io/
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "icetracker.clientip.client_ip"
AXES_LOCKOUT_TEMPLATE = "staff/lockout.html"

# --- Feeds ----------------------------------------------------------------------------------
FEEDS_POLL_INTERVAL_MINUTES = env_int("FEEDS_POLL_INTERVAL_MINUTES", 30)
# Hosts the feed fetcher may reach even though they resolve to private addresses (tests only).
FEEDS_ALLOWED_PRIVATE_HOSTS = env_list("FEEDS_ALLOWED_PRIVATE_HOSTS")
FEEDS_CONNECT_TIMEOUT = env_int("FEEDS_CONNECT_TIMEOUT", 10)  # seconds
FEEDS_TOTAL_TIMEOUT = env_int("FEEDS_TOTAL_TIMEOUT", 30)  # seconds, whole fetch incl. redirects
FEEDS_MAX_BYTES = env_int("FEEDS_MAX_BYTES", 10 * 1024 * 1024)  # also after decompression
FEEDS_MAX_REDIRECTS = 5
# A source is switched off after this many failed fetches in a row (an editor can re-enable it).
FEEDS_MAX_CONSECUTIVE_ERRORS = env_int("FEEDS_MAX_CONSECUTIVE_ERRORS", 10)
# How long a worker may hold a source before another may fetch it (covers a crashed worker).
FEEDS_LEASE_SECONDS = 300
# poll_feed retries transient network errors: exponential back-off with jitter, capped.
# https://docs.celeryq.dev/en/stable/userguide/tasks.html#automatic-retry-for-known-exceptions
FEEDS_TASK_MAX_RETRIES = 3
FEEDS_TASK_RETRY_BACKOFF_MAX = 600  # seconds
CELERY_BEAT_SCHEDULE = {
    "poll-all-feeds": {
        "task": "feeds.tasks.poll_all_feeds",
        "schedule": FEEDS_POLL_INTERVAL_MINUTES * 60,
        # A beat tick nobody picked up before the next one is dropped, not piled up.
        "options": {"expires": FEEDS_POLL_INTERVAL_MINUTES * 60},
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
