"""Styrhjul settings. Everything that differs between installations comes from
environment variables; docs/konfiguration.md lists them all."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def _read_env_file() -> None:
    """Read KEY=VALUE lines from the local settings file (var/styrhjul.env,
    written by `make run`, or STYRHJUL_ENV_FILE). Real environment variables
    win over the file."""
    path = os.environ.get("STYRHJUL_ENV_FILE", str(PROJECT_DIR / "var" / "styrhjul.env"))
    if not path or not os.path.isfile(path):
        return
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise ImproperlyConfigured(f"{path} rad {number}: förväntade NAMN=värde.")
            os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


_read_env_file()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on", "ja"}:
        return True
    if value in {"0", "false", "no", "off", "nej"}:
        return False
    raise ImproperlyConfigured(f"{name} ska vara 1 eller 0 (fick {value!r}).")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} ska vara ett heltal (fick {value!r}).") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("STYRHJUL_TESTING", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "styrhjul-insecure-development-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY måste sättas när DEBUG är av (till exempel en slumpad sträng på 50 tecken)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Demo mode shows the demo users and password on the login page. It is only
# honoured together with DEBUG, so a production configuration never shows it.
DEMO_MODE = DEBUG and env_bool("STYRHJUL_DEMO", False)
# What the login page shows in demo mode: the dotted path of a callable
# returning its context (the demo's users and password), so that the web
# app does not import the demo.
LOGIN_HINTS = "styrhjul.demo.data.login_hints"

DATA_DIR = Path(os.environ.get("STYRHJUL_DATA_DIR", PROJECT_DIR / "var"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "tree_queries",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "mozilla_django_oidc",
    "djangosaml2",
    "styrhjul.core",
    # The API's interactive docs served from our own static files (no CDN:
    # the Content-Security-Policy allows only our own scripts).
    "ninja",
    "styrhjul.organisation",
    "styrhjul.model",
    "styrhjul.planning",
    "styrhjul.followup",
    "styrhjul.documents",
    "styrhjul.kolada",
    "styrhjul.indicators",
    "styrhjul.economy",
    "styrhjul.api",
    # Published snapshots and open data (docs/publicering.md).
    "styrhjul.public",
    "styrhjul.web",
    "styrhjul.demo",
]

MIDDLEWARE = [
    # Answers /healthz and /readyz before host checks, so load balancers may probe by IP.
    "styrhjul.web.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The API's bulk values may be larger than other requests (api/middleware.py).
    "styrhjul.api.middleware.BulkBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # The SAML login's own session cookie (SameSite=None): the identity
    # provider posts its answer from another site. Untouched by other pages.
    "djangosaml2.middleware.SamlSessionMiddleware",
    "styrhjul.web.middleware.SecurityHeadersMiddleware",
    # A save refused by someone else's that no page showed: 409 (web/concurrency.py).
    "styrhjul.web.middleware.EditConflictMiddleware",
]

# Security headers (styrhjul/web/middleware.py, docs/sakerhet.md). Scripts come
# only from Styrhjul's own static files; style attributes carry the colours
# of scale values and document settings, so inline styles are allowed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), interest-cohort=()"
)

# Glömt lösenordet (styrhjul/web/passwords.py): the link works this long and
# once; at most PASSWORD_RESET_LIMIT requests per address and e-mail an hour.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_DAYS", 3) * 24 * 3600
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5)

# How long a secret calendar address (followup/feeds.py) works after it was
# shown; the user renews it on the page Prenumerera på kalendern.
ICAL_TOKEN_DAYS = env_int("ICAL_TOKEN_DAYS", 365)

ROOT_URLCONF = "styrhjul.urls"
WSGI_APPLICATION = "styrhjul.wsgi.application"

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
                "styrhjul.web.context_processors.styrhjul",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several kinds
        raise ImproperlyConfigured(
            f"DATABASE_URL går inte att tolka ({exc}). Exempel: "
            "postgres://användare:lösenord@värd:5432/styrhjul eller sqlite:////sökväg/styrhjul.sqlite3"
        ) from exc
    if _db.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured(
            "DATABASE_URL måste peka på PostgreSQL (postgres://…) eller SQLite (sqlite:///…)."
        )
    if not _db.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL saknar databasnamn, t.ex. postgres://…/styrhjul.")
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "styrhjul.sqlite3"),
    }
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db.setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
    _db["CONN_MAX_AGE"] = 0
    _db.setdefault("TEST", {})["NAME"] = ""  # in memory during tests
else:
    # No JIT compilation: Styrhjul's queries are short, and their estimates
    # grow with every year of history in the tables. With ten years, the
    # recursive walk over the item links on the reporting page was estimated
    # past the JIT thresholds and spent 1.7 s compiling a plan that reads a
    # handful of rows (docs/prestanda.md). Options in DATABASE_URL win.
    _db.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # A database host that drops packets instead of refusing them would
    # otherwise hold a request (or the worker, and its stop) until the
    # operating system gives up, minutes later: give up after 10 s and show
    # the 503 page (docs/drift.md). ?connect_timeout= in DATABASE_URL wins.
    _db["OPTIONS"].setdefault("connect_timeout", 10)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -------------------------------------------------------------------
# Shared by every process and machine that serves Styrhjul: the limit on
# password reset e-mails and the economy's charts. Without CACHE_URL the
# database (the table styrhjul_cache, made by `styrhjul migrate`); redis://…
# for a Redis server (`pip install redis`); locmem:// keeps it in each process,
# only right for one process. docs/drift.md#flera-processer.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if not CACHE_URL or CACHE_URL == "db://":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "styrhjul_cache",
        }
    }
elif CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        "CACHE_URL ska vara tom (databasen), redis://värd:6379/0 eller locmem:// "
        f"(fick {CACHE_URL.split('://')[0]!r})."
    )

# --- Authentication ---------------------------------------------------------
AUTH_USER_MODEL = "organisation.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Fast hashing in tests only; production always uses Argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
# Where a refused OpenID Connect login lands: the login page explains it.
LOGIN_REDIRECT_URL_FAILURE = "/konto/logga-in/?sso=nekad"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes): lock a user name from one address after
# AXES_FAILURE_LIMIT failed attempts for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Wrong passwords from one address across all user names (password spraying);
# 0 turns the rule off. styrhjul/organisation/lockout.py.
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 30)
AXES_HANDLER = "styrhjul.organisation.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False
# OpenID Connect logins have no password to guess; axes leaves them alone.
AXES_WHITELIST_CALLABLE = "styrhjul.organisation.oidc.axes_whitelist"

# OpenID Connect (Entra ID, Keycloak, …). Enabled when OIDC_RP_CLIENT_ID is set.
OIDC_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID"))
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "organisationens inloggning")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", False)
OIDC_TIMEOUT = 10
if OIDC_ENABLED:
    missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
        )
        if not globals()[name]
    ]
    if OIDC_RP_SIGN_ALGO.startswith("RS") and not OIDC_OP_JWKS_ENDPOINT:
        missing.append("OIDC_OP_JWKS_ENDPOINT")
    if missing:
        raise ImproperlyConfigured(
            "OpenID Connect är påslaget men dessa variabler saknas: " + ", ".join(missing)
        )
    AUTHENTICATION_BACKENDS.append("styrhjul.organisation.oidc.StyrhjulOIDCBackend")

# The claim that carries the user's directory groups in an OpenID Connect login
# (Entra ID: "groups"); the group rules give roles from it (docs/konfiguration.md).
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups").strip()

# SAML 2.0 (ADFS, Entra ID, Shibboleth, …) through djangosaml2/pysaml2. Enabled
# when SAML_IDP_METADATA (a file or an https:// address) is set. The pysaml2
# configuration is built from these at each login (organisation/saml.py).
SAML_IDP_METADATA = os.environ.get("SAML_IDP_METADATA", "").strip()
SAML_ENABLED = bool(SAML_IDP_METADATA)
SAML_PROVIDER_NAME = os.environ.get("SAML_PROVIDER_NAME", "organisationens inloggning (SAML)")
SAML_ENTITY_ID = os.environ.get("SAML_ENTITY_ID", "").strip()
SAML_ACS_URL = os.environ.get("SAML_ACS_URL", "").strip()
SAML_KEY_FILE = os.environ.get("SAML_KEY_FILE", "").strip()
SAML_CERT_FILE = os.environ.get("SAML_CERT_FILE", "").strip()
SAML_XMLSEC1 = os.environ.get("SAML_XMLSEC1", "").strip() or "/usr/bin/xmlsec1"
SAML_ATTRIBUTE_USERNAME = os.environ.get("SAML_ATTRIBUTE_USERNAME", "").strip()
SAML_ATTRIBUTE_EMAIL = os.environ.get("SAML_ATTRIBUTE_EMAIL", "mail").strip()
SAML_ATTRIBUTE_FIRST_NAME = os.environ.get("SAML_ATTRIBUTE_FIRST_NAME", "givenName").strip()
SAML_ATTRIBUTE_LAST_NAME = os.environ.get("SAML_ATTRIBUTE_LAST_NAME", "sn").strip()
SAML_ATTRIBUTE_GROUPS = os.environ.get("SAML_ATTRIBUTE_GROUPS", "groups").strip()
SAML_CREATE_USER = env_bool("SAML_CREATE_USER", False)
# djangosaml2's own settings, from the above.
SAML_CONFIG_LOADER = "styrhjul.organisation.saml.config_loader"
SAML_DJANGO_USER_MAIN_ATTRIBUTE = "email"
SAML_DJANGO_USER_MAIN_ATTRIBUTE_LOOKUP = "__iexact"
SAML_CREATE_UNKNOWN_USER = SAML_CREATE_USER
SAML_ATTRIBUTE_MAPPING = {
    SAML_ATTRIBUTE_EMAIL: ("email",),
    SAML_ATTRIBUTE_FIRST_NAME: ("first_name",),
    SAML_ATTRIBUTE_LAST_NAME: ("last_name",),
}
SAML_ACS_FAILURE_RESPONSE_FUNCTION = "styrhjul.organisation.saml.login_failed"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_CSP_HANDLER = ""  # the product's own Content-Security-Policy applies
if SAML_ENABLED:
    missing = [name for name in ("SAML_ENTITY_ID", "SAML_ACS_URL") if not globals()[name]]
    if missing:
        raise ImproperlyConfigured(
            "SAML är påslaget (SAML_IDP_METADATA) men dessa variabler saknas: " + ", ".join(missing)
        )
    if bool(SAML_KEY_FILE) != bool(SAML_CERT_FILE):
        raise ImproperlyConfigured(
            "SAML_KEY_FILE och SAML_CERT_FILE anges tillsammans (tjänstens nyckel och certifikat)."
        )
    for name in ("SAML_KEY_FILE", "SAML_CERT_FILE") + (
        () if "://" in SAML_IDP_METADATA else ("SAML_IDP_METADATA",)
    ):
        if globals()[name] and not os.path.isfile(globals()[name]):
            raise ImproperlyConfigured(f"{name}: filen {globals()[name]} finns inte.")
    if "://" in SAML_IDP_METADATA and not SAML_IDP_METADATA.startswith("https://"):
        raise ImproperlyConfigured("SAML_IDP_METADATA ska vara en fil eller en https://-adress.")
    if not os.access(SAML_XMLSEC1, os.X_OK):
        raise ImproperlyConfigured(
            f"SAML kräver programmet xmlsec1 (Debian-paketet xmlsec1); {SAML_XMLSEC1} finns inte."
        )
    AUTHENTICATION_BACKENDS.append("styrhjul.organisation.saml.StyrhjulSaml2Backend")

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["styrhjul.formats"]
USE_THOUSAND_SEPARATOR = True

# --- Static files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
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

# --- E-mail ------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "styrhjul@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# --- Follow-up --------------------------------------------------------------------
# Days before a deadline when `styrhjul send-reminders` e-mails, e.g. "7,1".
REMINDER_DAYS_BEFORE = os.environ.get("REMINDER_DAYS_BEFORE", "3")
# The address people reach Styrhjul at, for links in e-mails sent by commands.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# --- Background work ----------------------------------------------------------------
# Documents, SIE imports and bulk reminders are tasks (django-tasks), stored in
# the database and run by `styrhjul worker` (docs/drift.md#arbetaren).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Seconds between a worker's reports that it is alive (core/tasks.py).
try:
    WORKER_BEAT_SECONDS = float(os.environ.get("STYRHJUL_WORKER_BEAT_SECONDS") or 10)
except ValueError:
    raise ImproperlyConfigured("STYRHJUL_WORKER_BEAT_SECONDS ska vara ett tal.") from None
# The worker's OS CPU priority (nice, 0–19): its documents yield the CPU to the
# web processes' pages on a shared machine; 0 leaves the priority as it is.
WORKER_NICE = env_int("STYRHJUL_WORKER_NICE", 10)
if not 0 <= WORKER_NICE <= 19:
    raise ImproperlyConfigured(
        f"STYRHJUL_WORKER_NICE ska vara ett heltal från 0 till 19 (fick {WORKER_NICE})."
    )
# How many unfinished documents one person may have ordered at once.
DOCUMENT_JOBS_PER_USER = env_int("STYRHJUL_DOCUMENT_JOBS_PER_USER", 3)
# Retention of generated document files (`styrhjul prune-documents`,
# documents/retention.py): the latest N of each document, format, unit and
# occasion are kept, and every file younger than the days; downloaded ones
# too unless turned off; a job marked `keep` (published) always.
DOCUMENT_KEEP_LATEST = env_int("STYRHJUL_DOCUMENT_KEEP_LATEST", 1)
DOCUMENT_KEEP_DAYS = env_int("STYRHJUL_DOCUMENT_KEEP_DAYS", 30)
DOCUMENT_KEEP_DOWNLOADED = env_bool("STYRHJUL_DOCUMENT_KEEP_DOWNLOADED", True)
if DOCUMENT_KEEP_LATEST < 1 or DOCUMENT_KEEP_DAYS < 0:
    raise ImproperlyConfigured(
        "STYRHJUL_DOCUMENT_KEEP_LATEST ska vara minst 1 och STYRHJUL_DOCUMENT_KEEP_DAYS minst 0."
    )
# Calls a minute per API token (0: no limit), counted in the shared cache;
# a token may have its own limit (docs/api.md#gränser).
API_RATE_LIMIT = env_int("STYRHJUL_API_RATE_LIMIT", 600)
# Calls a minute to the open data in the API (no token) per client IP
# address (0: no limit), counted the same way (docs/api.md#öppna-data-utan-nyckel).
API_OPEN_DATA_RATE_LIMIT = env_int("STYRHJUL_API_OPEN_DATA_RATE_LIMIT", 300)
# The largest body of the bulk indicator values call (100,000 values ≈ 10 MB).
API_BULK_MAX_BYTES = env_int("STYRHJUL_API_BULK_MAX_BYTES", 25 * 1024 * 1024)

# Kolada's open API (docs/kolada.md); `styrhjul kolada-sync` fetches from it.
KOLADA_BASE_URL = os.environ.get("STYRHJUL_KOLADA_URL", "https://api.kolada.se/v3").rstrip("/")

# --- Security (production) -------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # Behind a TLS-terminating proxy (nginx, IIS, a load balancer).
    if env_bool("BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SILENCED_SYSTEM_CHECKS = ["security.W021"] if not SECURE_HSTS_PRELOAD else []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The SAML libraries write every step of a login (and its attributes) at INFO.
        "saml2": {"level": "WARNING"},
        "djangosaml2": {"level": "WARNING"},
        "xmlschema": {"level": "WARNING"},
    },
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True
