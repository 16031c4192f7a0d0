"""Settings, read from environment variables (see docs/configuration.md).

Production settings that have no safe default fail loudly at start instead of falling back.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# HTTPS hardening is on unless DEBUG, and can be turned off only explicitly (tests over plain HTTP).
HTTPS = env_bool("HTTPS", not DEBUG)

INSTALLED_APPS = [
    "familielos",
    "cases",
    "screening",
    "teams",
    "stafettlogg",
    "familieteam",
    "portal",
    "reminders",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "guardian",
    "pgtrigger",
    "pghistory",
    "axes",
    "django_tasks_db",
]

# The screening tool's editor posts up to 500 factors (screening.forms.FactorFormSet) of 9 fields each: Django's
# default of 1,000 fields refused a draft of about 140 factors. A post over a limit gets familielos.views.bad_request.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "familielos.middleware.FailedHtmxFormMiddleware",
    "familielos.middleware.DatabaseOutageMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "familielos.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "familielos.middleware.FamilyLoginConfinementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "familielos.middleware.NoStoreForSignedInMiddleware",
    "familielos.middleware.LoginRedirectMiddleware",
    "familielos.middleware.ReadableMethodNotAllowedMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "familielos.urls"
WSGI_APPLICATION = "familielos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "familielos.context_processors.user_role",
            ],
        },
    },
]

# Form widgets render through Jinja2 (familielos.forms_renderer): the same markup, at a fraction of the cost.
FORM_RENDERER = "familielos.forms_renderer.FormRenderer"

# Without DATABASE_URL the demo and the tests start an embedded PostgreSQL under .pgdata/ (familielos.embedded_db):
# on with DEBUG, or asked for with EMBEDDED_POSTGRES=1. A production start without a database refuses to start.
EMBEDDED_POSTGRES = env_bool("EMBEDDED_POSTGRES", DEBUG)
if os.environ.get("DATABASE_URL"):
    # Connections are kept a minute, except under DEBUG: the development server (`make demo`) answers each request
    # in a thread of its own, and every kept connection would stay open until PostgreSQL refused new ones.
    DATABASES = {"default": dj_database_url.config(conn_max_age=0 if DEBUG else 60, conn_health_checks=True)}
elif EMBEDDED_POSTGRES:
    from familielos.embedded_db import database_url

    DATABASES = {"default": dj_database_url.parse(database_url())}
else:
    raise ImproperlyConfigured(
        "DATABASE_URL must be set when DEBUG is off (EMBEDDED_POSTGRES=1 starts the demo's embedded server instead)."
    )
# Server-side cursors (Django's default for .iterator() and choice lists) cost a DECLARE round trip per list and
# do not survive a transaction-pooling connection pooler (pgbouncer): off everywhere.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# Parameters bound on the server (familielos.postgresql). With DATABASE_PREPARED_STATEMENTS, a statement a connection
# runs a sixth time is prepared and kept, and PostgreSQL plans it no more. Off unless asked for: behind a pooler in
# transaction mode that does not keep prepared statements apart per client (PgBouncer before 1.22, or without
# max_prepared_statements), a connection could run another client's statement of the same name.
DATABASES["default"]["ENGINE"] = "familielos.postgresql"
DATABASES["default"].setdefault("OPTIONS", {}).update(
    server_side_binding=True, prepare_threshold=5 if env_bool("DATABASE_PREPARED_STATEMENTS", False) else None
)
DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("TEST_DATABASE_NAME") or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "familielos.backends.OneQueryModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock out a username from one address: a whole school behind one NAT address is never locked out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# How many trusted proxies (load balancer, TLS terminator) stand in front of the app: the client address is then
# read from X-Forwarded-For (familielos.audit.client_ip), for the audit log, rate limits and axes' lockout.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
if PROXY_COUNT < 0:
    raise ImproperlyConfigured("PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "familielos.audit.client_ip"
# A failed login's stored request data never holds the page it came from: `next` carries a family search.
AXES_SENSITIVE_PARAMETERS = ["next", "csrfmiddlewaretoken"]
AXES_USERNAME_CALLABLE = "familielos.audit.login_username"

# Sessions end after this much inactivity: a request pushes the expiry forward, writing the session at most once a
# minute (familielos.middleware.SessionRefreshMiddleware), not on every request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "familielos.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "familielos.views.csrf_failure"

if HTTPS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

# A cache every app server shares (login throttling, the public self-assessment's rate limit).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "familielos_cache"}}

# A page view's access event commits without waiting for the disk (familielos.audit); changes, downloads and
# exports always wait. On: view events wait too, at the cost of an fsync on every page view.
AUDIT_SYNCHRONOUS_COMMIT = env_bool("AUDIT_SYNCHRONOUS_COMMIT", False)

# The public self-assessment: how many results and sends one address may ask for an hour.
SELF_ASSESSMENT_RESULTS_PER_HOUR = int(os.environ.get("SELF_ASSESSMENT_RESULTS_PER_HOUR", "30"))
SELF_ASSESSMENT_SENDS_PER_HOUR = int(os.environ.get("SELF_ASSESSMENT_SENDS_PER_HOUR", "10"))

# The municipality's name on letters and public pages.
MUNICIPALITY_NAME = os.environ.get("MUNICIPALITY_NAME", "Kommunen")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

PGHISTORY_APPEND_ONLY = True
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# Background work (e-mails, the daily jobs) goes through Django's task framework, stored in the database and run by
# `manage.py db_worker` beside gunicorn (docs/operations.md). The demo has no worker: its tasks run at once.
if env_bool("TASKS_RUN_IMMEDIATELY", DEBUG):
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# E-mail (Django 6.1's MAILERS): SMTP in production (EMAIL_HOST and friends), the console in the demo (DEBUG).
if env_bool("EMAIL_TO_CONSOLE", DEBUG):
    MAILERS = {"default": {"BACKEND": "familielos.mail.ReadableConsoleBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "familielos@localhost")
# The address staff reach the app at, for links in e-mails sent outside a request (the daily reminders).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if not SITE_URL:
    raise ImproperlyConfigured("SITE_URL must be set when DEBUG is off: the reminder e-mails link to it.")

# The family's own pages (portal): from this age a child can be given their own login.
PORTAL_YOUTH_AGE = int(os.environ.get("PORTAL_YOUTH_AGE", "16"))
# A one-time sign-in link for the portal is valid this long.
SIGN_IN_LINK_MINUTES = int(os.environ.get("SIGN_IN_LINK_MINUTES", "15"))
# A family login signs in with a password only in the demo: in production by ID-porten or a one-time link, so that
# no one who can set a password (an administrator) can sign in as a family member.
PORTAL_PASSWORD_LOGIN = env_bool("PORTAL_PASSWORD_LOGIN", DEBUG)

# Above this many open level-3 cases a familielos is warned before taking another.
FAMILIELOS_CASELOAD_WARNING = int(os.environ.get("FAMILIELOS_CASELOAD_WARNING", "8"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Signing in to the family's own pages (portal/signin.py, portal/oidc.py, docs/idporten.md) ---
# How many one-time sign-in links one login may be sent (whatever address matched it), and one client address may ask
# for, in an hour.
SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR = int(os.environ.get("SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR", "5"))
SIGN_IN_LINKS_PER_IP_PER_HOUR = int(os.environ.get("SIGN_IN_LINKS_PER_IP_PER_HOUR", "30"))
# ID-porten through OpenID Connect: on when OIDC_RP_CLIENT_ID is set. Every value, the secret above all, comes from
# the environment; a login is found by the national identity claim a staff member linked to it, never created.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
# Never called (the id_token holds all we use), but mozilla-django-oidc reads the setting, so it must exist.
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_IDENTITY_CLAIM = os.environ.get("OIDC_IDENTITY_CLAIM", "pid")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT_SECONDS", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "portal:oidc_callback"
OIDC_OP_LOGOUT_URL_METHOD = "portal.oidc.provider_logout_url"
# The id_token is kept in the (server-side) session only to end the ID-porten session at logout (id_token_hint).
OIDC_STORE_ID_TOKEN = bool(OIDC_OP_LOGOUT_ENDPOINT)
if OIDC_RP_CLIENT_ID:
    _oidc_missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_ISSUER",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if _oidc_missing:
        raise ImproperlyConfigured(f"OIDC_RP_CLIENT_ID is set, so these must be too: {', '.join(_oidc_missing)}.")
    # First, before axes: a login by ID-porten has no password to guess, and axes would otherwise lock out every
    # ID-porten login from an address (a school's NAT) after a few people without a linked login had tried.
    AUTHENTICATION_BACKENDS = ["portal.oidc.PortalOIDCBackend", *AUTHENTICATION_BACKENDS]
# The one-time link by e-mail is for the demo and for municipalities without ID-porten: off once ID-porten is on.
PORTAL_EMAIL_SIGN_IN = env_bool("PORTAL_EMAIL_SIGN_IN", not OIDC_RP_CLIENT_ID)
