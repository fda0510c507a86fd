"""Settings shared by every environment. Everything configurable comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms.accounts",
    "cms",
    "cms.records",
    "workforce",
    "covenant.incidents",
    "covenant.consultation",
    "covenant.signatories",
    "demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tables2",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "simple_history",
    "csp",
    # django-ninja: its templates and static files serve the API documentation from this site, not a CDN.
    "ninja",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The header middleware wrap everything below them, so responses made by the outer layers (static files,
    # a bad Host, the 503 when the session store is down) carry the same headers as views' responses.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.middleware.ContentSecurityPolicyMiddleware",
    "cms.middleware.PermissionsPolicyMiddleware",
    # Referrer-Policy: origin on the pages of links with a secret in their path (cms/secret_links.py).
    "cms.middleware.SecretLinkReferrerMiddleware",
    # /api/: CORS for reading, read-only methods, HEAD, caching headers (docs/api.md).
    "cms.middleware.PublicApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cms.accounts.middleware.StaffSessionTimeoutMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Turns a Ratelimited exception into the styled 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.service",
            ],
            "builtins": ["cms.templatetags.nhsuk"],
        },
    },
]
# Django forms render through our NHS.UK templates (templates/components/forms/).
FORM_RENDERER = "cms.forms.NHSUKFormRenderer"

# Database: SQLite file by default so a new user needs nothing installed; PostgreSQL in production.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server, a task worker and tests share the file safely.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when the database is unreachable or dies mid-request instead of holding a worker thread:
    # connect_timeout bounds a new connection; TCP keep-alives and tcp_user_timeout (libpq options, in seconds
    # and milliseconds) notice a server that stopped answering on an open connection; statement_timeout (off
    # unless DATABASE_STATEMENT_TIMEOUT is set, e.g. "30s") bounds a query the server is still running.
    _pg_options = {
        "connect_timeout": int(env("DATABASE_CONNECT_TIMEOUT", "5")),
        "keepalives": 1,
        "keepalives_idle": int(env("DATABASE_KEEPALIVES_IDLE", "5")),
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": int(env("DATABASE_TCP_USER_TIMEOUT_MS", "10000")),
    }
    # Statements run through `cms.rows.prepared_cursor` (the public journeys' sends) are prepared on a connection
    # from their second run on it (psycopg's prepare_threshold); Django's own queries bind on the client and are
    # never prepared. "auto" (the default): only with persistent connections (DATABASE_CONN_MAX_AGE above 0),
    # where a prepared statement is used again. "off" behind a pooler that cannot keep prepared statements
    # (docs/deployment.md).
    _prepared = env("DATABASE_PREPARED_STATEMENTS", "auto").lower()
    if _prepared not in ("auto", "on", "off"):
        raise ImproperlyConfigured("DATABASE_PREPARED_STATEMENTS must be auto, on or off")
    if _prepared == "on" or (_prepared == "auto" and (DATABASES["default"].get("CONN_MAX_AGE") or 0) > 0):
        _pg_options["prepare_threshold"] = 1
    if env("DATABASE_STATEMENT_TIMEOUT", ""):
        _pg_options["options"] = f"-c statement_timeout={env('DATABASE_STATEMENT_TIMEOUT', '')}"
    for _key, _value in _pg_options.items():
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(_key, _value)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every app server, so rate limits hold across them),
# local memory otherwise. IGNORE_EXCEPTIONS keeps the site serving while Redis is down.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: Django's tasks framework (django-tasks). Database backend with `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A task left running by a worker that died is put back on the queue (`manage.py run_worker`, docs/reliability.md):
# at once when its worker is known dead, after TASKS_STALE_AFTER seconds when nothing is known of its worker.
TASKS_STALE_AFTER = int(env("TASKS_STALE_AFTER", "300"))
TASKS_MAX_ATTEMPTS = int(env("TASKS_MAX_ATTEMPTS", "3"))
TASKS_WORKER_HEARTBEAT = int(env("TASKS_WORKER_HEARTBEAT", "15"))

# Accounts and sign-in.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/account/sign-in/"

# Failed sign-in throttling. django-axes: 5 failures for one account, from any number of addresses, lock it for
# 15 minutes; the account is the e-mail folded for case, spaces and Unicode compatibility forms
# (cms.accounts.throttling). Separately, 30 failures from one client address in 15 minutes block sign-in from that
# address (higher, because a trust's staff share an address).
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "cms.accounts.throttling.axes_username"
# axes.W006 asks for the address inside axes' own key; failures per address are counted apart instead (below), so
# that guesses spread over many addresses still lock the account.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
SIGN_IN_ADDRESS_FAILURE_LIMIT = int(env("SIGN_IN_ADDRESS_FAILURE_LIMIT", "30"))
SIGN_IN_ADDRESS_WINDOW_SECONDS = 15 * 60
# Password reset: 3 requests an hour per account and 20 per address send e-mails; beyond that the same answer is
# given and nothing is sent. Links expire after an hour.
PASSWORD_RESET_ACCOUNT_LIMIT = int(env("PASSWORD_RESET_ACCOUNT_LIMIT", "3"))
PASSWORD_RESET_ADDRESS_LIMIT = int(env("PASSWORD_RESET_ADDRESS_LIMIT", "20"))
PASSWORD_RESET_WINDOW_SECONDS = 60 * 60
PASSWORD_RESET_TIMEOUT = 60 * 60
# Invitations (workforce/services/accounts.py): a link works once, for 7 days; an administrator sends at most 30
# an hour, and one address gets at most 3 a day.
INVITATION_VALID_DAYS = int(env("INVITATION_VALID_DAYS", "7"))
INVITATIONS_PER_HOUR = int(env("INVITATIONS_PER_HOUR", "30"))
INVITATIONS_PER_ADDRESS_PER_DAY = int(env("INVITATIONS_PER_ADDRESS_PER_DAY", "3"))
# One way in: the Wagtail admin's own sign-in and password reset are replaced by ours (two-factor, throttles).
WAGTAILADMIN_LOGIN_URL = "/account/sign-in/"
WAGTAIL_PASSWORD_RESET_ENABLED = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "cms.audit.client_ip"
# How many reverse proxies in front of the app servers append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
# Rate limits (django-ratelimit) key on the same client address, and share counters through the cache.
RATELIMIT_IP_META_KEY = "cms.audit.client_ip"
RATELIMIT_VIEW = "cms.views.rate_limited"
# The public API (docs/api.md): requests per client address, and how long its expensive aggregates stay cached.
API_RATE = env("API_RATE", "120/m")
API_AGGREGATE_CACHE_SECONDS = int(env("API_AGGREGATE_CACHE_SECONDS", "600"))
API_MAX_AGE = int(env("API_MAX_AGE", "60"))
# Consultation abuse protection without a visual captcha: the least time a real person takes to respond, and
# how many responses one client address may send (counted in the shared cache).
CONSULTATION_MIN_SECONDS = int(env("CONSULTATION_MIN_SECONDS", "20"))
CONSULTATION_SUBMIT_RATE = env("CONSULTATION_SUBMIT_RATE", "10/h")
# Wrong "save and come back later" links one client address (IPv6: its /64) may try an hour; right links are
# given back. Why: covenant/consultation/throttles.py.
CONSULTATION_RESUME_ADDRESS_FAILURES = int(env("CONSULTATION_RESUME_ADDRESS_FAILURES", "20"))
# Downloads of the public comments database per client address: an unfiltered one reads every comment.
CONSULTATION_COMMENTS_EXPORT_RATE = env("CONSULTATION_COMMENTS_EXPORT_RATE", "30/h")
# Wrong incident follow-up codes allowed an hour, per client address (IPv6: per /64) and from everywhere together,
# and per address once the site-wide figure is passed (counted in the shared cache; right codes are given back).
# Why these numbers: covenant/incidents/throttles.py.
INCIDENT_FOLLOW_UP_ADDRESS_FAILURES = int(env("INCIDENT_FOLLOW_UP_ADDRESS_FAILURES", "60"))
INCIDENT_FOLLOW_UP_SITE_FAILURES = int(env("INCIDENT_FOLLOW_UP_SITE_FAILURES", "1000"))
INCIDENT_FOLLOW_UP_FAILURES_PAST_CEILING = int(env("INCIDENT_FOLLOW_UP_FAILURES_PAST_CEILING", "3"))
# Evidence on a case (docs/incidents.md, "Evidence"): bytes per file and per case, and files a reporter may send an
# hour from one client address (IPv6: its /64) and to one case (covenant/incidents/throttles.py).
INCIDENT_EVIDENCE_MAX_FILE_BYTES = int(env("INCIDENT_EVIDENCE_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
INCIDENT_EVIDENCE_MAX_CASE_BYTES = int(env("INCIDENT_EVIDENCE_MAX_CASE_BYTES", str(50 * 1024 * 1024)))
INCIDENT_EVIDENCE_UPLOADS_PER_HOUR = int(env("INCIDENT_EVIDENCE_UPLOADS_PER_HOUR", "10"))
# Near-duplicate groups at least this big are proposed as campaigns; smaller ones as duplicates.
CONSULTATION_CAMPAIGN_MIN_SIZE = int(env("CONSULTATION_CAMPAIGN_MIN_SIZE", "5"))
AXES_VERBOSE = False

# Staff screens time out after 30 minutes without a request.
STAFF_SESSION_IDLE_SECONDS = int(env("STAFF_SESSION_IDLE_SECONDS", "1800"))
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "cms.views.csrf_failure"

OTP_TOTP_ISSUER = "NHS Covenant"

# Security headers.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# The Wagtail admin's templates still carry inline scripts and style attributes, so its pages get this policy
# instead (cms.middleware.ContentSecurityPolicyMiddleware): inline scripts and styles, blob: image previews,
# nothing from another origin, no eval. frame-ancestors is 'none', or 'self' on the editor's live preview.
CONTENT_SECURITY_POLICY_ADMIN = {
    "URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Internationalisation.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

# Static and media files.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Django serves uploads only in development (the dev settings); in production the reverse proxy serves MEDIA_ROOT
# (docs/deployment.md).
SERVE_MEDIA = False
# Only the dev settings let `seed_demo` build the demo accounts without --force (or DEBUG on).
DEMO_DATA_ALLOWED = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "NHS Covenant <no-reply@covenant.example.nhs.uk>")

# Wagtail.
WAGTAIL_SITE_NAME = "NHS Covenant"
# The address people reach the site at (scheme, host and port, no trailing slash): every absolute link built
# outside a request, in e-mails above all, starts with it (cms.links.absolute_url). `make run` sets it from HOST
# and PORT.
SITE_URL = (env("SITE_URL") or env("WAGTAILADMIN_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL") or SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "csv", "txt"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No Gravatar: staff e-mail hashes are not sent to a third party, and the admin loads images from itself only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# django-tables2 renders with our NHS.UK table template.
DJANGO_TABLES2_TEMPLATE = "components/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "nhsuk-table"}

# Keyed hashes (person matching, receipt codes) use a key separate from SECRET_KEY so it can be rotated apart.
HASHING_KEY = env("HASHING_KEY") or SECRET_KEY

SERVICE_NAME = env("SERVICE_NAME", "NHS Covenant")
SERVICE_PHASE = env("SERVICE_PHASE", "beta")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Even with LOG_LEVEL=DEBUG: their DEBUG records carry whole template contexts and SQL parameters, where
        # a follow-up code or decrypted text can be (tests/security/test_secrets.py).
        "django.template": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}


def require(name: str) -> str:
    value = env(name)
    if not value:
        raise ImproperlyConfigured(f"The {name} environment variable must be set.")
    return value
