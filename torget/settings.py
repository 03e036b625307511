"""Torget's one settings module: everything comes from environment variables.

SQLite in ``var/`` is the embedded default; ``DATABASE_URL`` switches to another database.
Bad values fail loudly at start-up rather than being guessed around.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets forms and querysets be written with type parameters (ModelForm[Dialogue]) at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: use true or false")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def parse_database_url(url: str) -> dict[str, Any]:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into a DATABASES entry."""
    parts = urlsplit(url)
    options: dict[str, Any] = dict(parse_qsl(parts.query))
    pool_size = env_int("DATABASE_POOL_SIZE", 10)
    if pool_size < 0:
        raise ImproperlyConfigured(f"DATABASE_POOL_SIZE={pool_size}: use 0 (no pool) or more")
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc:
            raise ImproperlyConfigured(
                f"DATABASE_URL={url!r}: write sqlite:///relative/path or sqlite:////absolute/path"
            )
        name = path[1:] if path.startswith("/") else path
        if not name:
            raise ImproperlyConfigured(f"DATABASE_URL={url!r}: the SQLite file path is missing")
        db_path = Path(name) if Path(name).is_absolute() else BASE_DIR / name
        # The embedded database needs nothing installed: its folder is made on first use.
        db_path.parent.mkdir(parents=True, exist_ok=True)
        return {
            # Django's SQLite backend, keeping closed connections open for the next request.
            "ENGINE": "torget.core.sqlite",
            "POOL_SIZE": pool_size,
            # Write transactions queue on a lock file rather than in SQLite's busy handler.
            "WRITER_QUEUE": True,
            "NAME": str(db_path),
            "OPTIONS": {
                # WAL lets readers (the SSE streams, the pages) run beside one writer;
                # IMMEDIATE takes the write lock up front so busy_timeout can wait for it
                # instead of failing half-way through a transaction. synchronous=FULL syncs
                # every commit to disk, so what a receipt confirms survives a power cut
                # (docs/decisions/0003-durable-commits-on-sqlite.md).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                    "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            "TEST": {"NAME": options.get("test_name") or None},
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        if not parts.path.strip("/"):
            raise ImproperlyConfigured(f"DATABASE_URL={url!r}: the database name is missing")
        conn_max_age = env_int("DATABASE_CONN_MAX_AGE", 0)
        if pool_size and conn_max_age:
            raise ImproperlyConfigured(
                "DATABASE_CONN_MAX_AGE keeps a connection per thread, DATABASE_POOL_SIZE shares "
                "a few between threads: set one of them to 0."
            )
        if pool_size:
            # Under ASGI every request runs its database work in a thread of its own, so a
            # connection kept per thread is never reused: without a pool each request (and
            # each live viewer connecting) would open a new PostgreSQL connection, which costs
            # more than most requests' own work. The pool also caps the connections per worker
            # process: a reconnect storm of thousands of viewers waits its turn for one of
            # them rather than running PostgreSQL out of connections (max_connections).
            options["pool"] = {
                "min_size": 1,
                "max_size": pool_size,
                "timeout": env_int("DATABASE_POOL_TIMEOUT_SECONDS", 30),
            }
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": conn_max_age,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL={url!r}: only sqlite:/// and postgres:// addresses are supported"
    )


DEBUG = env_bool("DEBUG", False)
DATA_DIR = Path(env_str("TORGET_DATA_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off; generate one with "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`"
        )
    # Development only: a fixed, clearly marked key so sessions survive restarts.
    SECRET_KEY = "insecure-development-key-" + "x" * 40

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
PORT = env_int("PORT", 8000)
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "torget.core",
    "torget.accounts",
    "torget.moderation",
    "torget.dialogues",
    "torget.screening",
    "torget.archive",
    "torget.realtime",
    "torget.livechat",
    "torget.demo",
    "torget.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "torget.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "torget.accounts.middleware.AuthorityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "torget.urls"
ASGI_APPLICATION = "torget.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dialogues:staff-dashboard"
LOGOUT_REDIRECT_URL = "dialogues:list"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "torget.accounts.context_processors.authority",
                "torget.moderation.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'torget.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Live pages (server-sent events). The broker carries each published event to every worker
# process: "inprocess" reaches only the process that published (one worker, the default),
# "postgres" uses LISTEN/NOTIFY (several workers or machines), "redis" uses REDIS_URL's pub/sub.
REALTIME_BROKERS = ("inprocess", "postgres", "redis")
REALTIME_BROKER = env_str("REALTIME_BROKER", "inprocess").strip().lower()
if REALTIME_BROKER not in REALTIME_BROKERS:
    raise ImproperlyConfigured(
        f"REALTIME_BROKER={REALTIME_BROKER!r}: use one of {', '.join(REALTIME_BROKERS)}"
    )
# A comment line this often keeps proxies from closing a quiet stream.
REALTIME_HEARTBEAT_SECONDS = env_int("REALTIME_HEARTBEAT_SECONDS", 15)
# Events waiting for one viewer; a viewer further behind is dropped and catches up on reconnect.
REALTIME_VIEWER_BACKLOG = env_int("REALTIME_VIEWER_BACKLOG", 256)
# Benchmarks only: each worker appends when it wrote each live event (torget.realtime.trace).
REALTIME_TRACE_FILE = env_str("REALTIME_TRACE_FILE", "")
if REALTIME_HEARTBEAT_SECONDS < 1 or REALTIME_VIEWER_BACKLOG < 1:
    raise ImproperlyConfigured(
        "REALTIME_HEARTBEAT_SECONDS and REALTIME_VIEWER_BACKLOG must be at least 1"
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "da")
LANGUAGES = [("da", _("Danish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "torget" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Copenhagen")
LANGUAGE_COOKIE_NAME = "torget_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "torget@localhost")

# Citizens: how many contributions one client may send in a window (spam defence).
CONTRIBUTION_RATE_LIMIT = env_int("CONTRIBUTION_RATE_LIMIT", 5)
CONTRIBUTION_RATE_WINDOW_SECONDS = env_int("CONTRIBUTION_RATE_WINDOW_SECONDS", 600)
# Live chats: how many questions one client may ask in a window.
CHAT_QUESTION_RATE_LIMIT = env_int("CHAT_QUESTION_RATE_LIMIT", 3)
CHAT_QUESTION_RATE_WINDOW_SECONDS = env_int("CHAT_QUESTION_RATE_WINDOW_SECONDS", 120)
# Staff sign-in: failures allowed per account and per client before a pause.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
# Keyed hashes of client addresses are kept this many days (issue: personal data minimised).
CLIENT_HASH_RETENTION_DAYS = env_int("CLIENT_HASH_RETENTION_DAYS", 30)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Torget")
# An authority's own retrained screening models (per language) are looked for here first,
# then the Danish model shipped in the package.
SCREENING_MODEL_DIR = Path(env_str("SCREENING_MODEL_DIR", str(DATA_DIR / "screening")))
# Bags released on requests for public records are written here (and kept, as released).
ARCHIVE_EXPORT_DIR = Path(env_str("ARCHIVE_EXPORT_DIR", str(DATA_DIR / "exports")))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole domain to HTTPS for years: the authority's IT decides
        # that, not Torget's defaults. Without it the deploy check has nothing to say.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
CSRF_FAILURE_VIEW = "torget.core.views.csrf_failure"
