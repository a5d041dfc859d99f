"""Django settings for LCV-portaal: one module, every value read once through config.env."""

from __future__ import annotations

from datetime import timedelta

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from lcv.config import env
from lcv.config.mail import mailers_from_url

BASE_DIR = env.BASE_DIR
VAR_DIR = env.VAR_DIR

_embedded_db = f"sqlite:///{VAR_DIR / 'lcv.sqlite3'}"
DATABASE_URL = env.string(
    "DATABASE_URL",
    "",
    "Database, e.g. `postgres://user@host:5432/lcv`. Empty: the embedded SQLite file `var/lcv.sqlite3`.",
)
EMBEDDED = not DATABASE_URL
LCV_DEMO = env.boolean(
    "LCV_DEMO",
    EMBEDDED,
    "Demo mode: mail viewer at /dev/mail/, `lcv demo` allowed, demo TOTP secret. Never on in production.",
    shown="(on with the embedded database, off with DATABASE_URL)",
)
DEBUG = env.boolean("DEBUG", False, "Django debug pages. Off unless asked; never on in production.")

_secret = env.string(
    "SECRET_KEY",
    "",
    "Signing key. Required outside demo mode; in demo mode one is generated into `var/secret_key`.",
)
if not _secret:
    if not (LCV_DEMO or DEBUG):
        raise ImproperlyConfigured("SECRET_KEY must be set when LCV_DEMO and DEBUG are off.")
    _secret = env.dev_secret_key()
SECRET_KEY = _secret

ALLOWED_HOSTS = env.string_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names this site answers to."
)
CSRF_TRUSTED_ORIGINS = env.string_list(
    "CSRF_TRUSTED_ORIGINS", "", "Comma-separated origins (https://…) trusted for form posts behind a proxy."
)
SITE_URL = env.string("SITE_URL", "http://127.0.0.1:8000", "Public base address, used for links in e-mails.").rstrip(
    "/"
)
DEFAULT_FROM_EMAIL = env.string(
    "DEFAULT_FROM_EMAIL", "LCV-portaal <noreply@lcv-portaal.nl>", "Sender address of e-mails."
)
MAILERS = mailers_from_url(
    env.string(
        "EMAIL_URL",
        "devmail:" if LCV_DEMO else "smtp://localhost:25",
        "Where e-mail goes: `smtp://user:pass@host:port`, `smtp+tls://…`, `smtp+ssl://…`, "
        "`console:`, or `devmail:` (kept in the database, shown at /dev/mail/ in demo mode).",
        shown="(`devmail:` in demo mode, else `smtp://localhost:25`)",
    )
)
SECURE_COOKIES = env.boolean(
    "SECURE_COOKIES",
    not LCV_DEMO,
    "Send session and CSRF cookies over HTTPS only.",
    shown="(off in demo mode, else on)",
)
LOG_LEVEL = env.string("LOG_LEVEL", "INFO", "Log level of the `lcv` loggers.")
LCV_SEAL_PKCS12 = env.string(
    "LCV_SEAL_PKCS12",
    str(VAR_DIR / "seal" / "platform-seal.p12"),
    "PKCS#12 file with the platform's seal certificate and key (R6). `make run` creates a self-signed one.",
    shown="(`var/seal/platform-seal.p12`)",
)
LCV_SEAL_PASSWORD = env.string(
    "LCV_SEAL_PASSWORD",
    "",
    "Password of the seal PKCS#12 file. Empty: in demo mode one is generated into `var/seal/password`; "
    "outside demo mode it is required (the worker refuses to seal, `lcv check --deploy` fails).",
) or (env.generated_secret("seal/password") if LCV_DEMO else "")
LCV_SEAL_CERTIFICATE = env.string(
    "LCV_SEAL_CERTIFICATE",
    "",
    "The seal's certificate as PEM (public), all that /verificatie/ needs; web processes never load the key. "
    "Empty: the PKCS#12 path with `.pem` (`lcv create_seal_certificate` writes it).",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks_db",
    "lcv.core",
    "lcv.organisations",
    "lcv.accounts",
    "lcv.audit",
    "lcv.notifications",
    "lcv.registrations",
    "lcv.agreements",
    "lcv.signals",
    "lcv.brp",
    "lcv.cases",
    "lcv.debthelp",
    "lcv.feedback",
    "lcv.webhooks",
    "lcv.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lcv.audit.context.AuditOriginMiddleware",
    "lcv.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "lcv.core.security.BodyLimitMiddleware",  # before the CSRF check, which reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lcv.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lcv.core.security.IdleSessionMiddleware",
    "lcv.core.security.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lcv.urls"
WSGI_APPLICATION = "lcv.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "lcv" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "lcv.core.context_processors.platform",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(DATABASE_URL or _embedded_db, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "lcv.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2  # a reset link lives two hours
LCV_INVITATION_TIMEOUT = 60 * 60 * 24 * 7  # an invitation lives a week

# Throttling of failed logins (django-axes): five failures per account and address, then 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "lcv.accounts.throttling.login_name"
# Behind the TLS proxy REMOTE_ADDR is the proxy for everyone: lock (account, real client address),
# read from the proxy's X-Forwarded-For by the same function the audit log uses.
AXES_CLIENT_IP_CALLABLE = "lcv.audit.context.client_ip"

OTP_TOTP_ISSUER = "LCV-portaal"

LCV_SIGNAL_CHUNK_ROWS = env.integer(
    "LCV_SIGNAL_CHUNK_ROWS",
    5000,
    "Rows of a delivery judged and committed together; a stopped worker resumes after the last committed chunk.",
)
LCV_SIGNAL_STALLED_MINUTES = env.integer(
    "LCV_SIGNAL_STALLED_MINUTES",
    5,
    "A delivery without progress for this long (its worker stopped) is queued again by the schedule.",
)

LCV_XLSX_READ_SECONDS = env.integer(
    "LCV_XLSX_READ_SECONDS",
    120,
    "Seconds one pass over an Excel delivery may take; a file that needs longer is refused as unreadable.",
)
LCV_XLSX_READ_MEGABYTES = env.integer(
    "LCV_XLSX_READ_MEGABYTES",
    200,
    "Memory (MB) reading one Excel delivery may add to the worker; a file that needs more is refused as unreadable.",
)

DEBT_HELP_HASH_KEY = env.string(
    "DEBT_HELP_HASH_KEY",
    "",
    "Key of the keyed hash (HMAC-SHA256) that stands in for each BSN of a debt-help list (R17). Empty: derived "
    "from `SECRET_KEY`. Changing it (or `SECRET_KEY` while this is empty) means every municipality uploads again.",
)

LCV_WORKER_HEARTBEAT_SECONDS = env.integer(
    "LCV_WORKER_HEARTBEAT_SECONDS", 10, "Seconds between a worker's heartbeats (read by `/gezond/`)."
)
LCV_WORKER_LATE_SECONDS = env.integer(
    "LCV_WORKER_LATE_SECONDS",
    60,
    "`/gezond/` answers 503 (worker late or missing) when no worker's heartbeat is younger than this.",
)
LCV_QUEUE_STUCK_MINUTES = env.integer(
    "LCV_QUEUE_STUCK_MINUTES",
    15,
    "`/gezond/` answers 503 (queue stuck) when a task that may run has waited longer than this.",
)

# The BRP (Haal Centraal BRP Personen Bevragen v2) for the residence check (R17, docs/brp.md). In
# demo mode it defaults to the BRP test service that `lcv serve` starts beside the site.
BRP_TESTSERVICE_PORT = env.integer(
    "BRP_TESTSERVICE_PORT", 8079, "Port of the local BRP test service that `lcv serve` starts in demo mode."
)
BRP_TESTSERVICE_URL = f"http://127.0.0.1:{BRP_TESTSERVICE_PORT}"
BRP_DEMO_API_KEY = "demo-brp-sleutel"  # the test service's key in demo mode; not a secret
BRP_BASE_URL = env.string(
    "BRP_BASE_URL",
    BRP_TESTSERVICE_URL if LCV_DEMO else "",
    "Base URL of the BRP Personen API (`POST <url>/personen`). Empty: no BRP, the check is done by hand.",
    shown="(the local test service `http://127.0.0.1:8079` in demo mode, else empty)",
).rstrip("/")
BRP_API_KEY = env.string(
    "BRP_API_KEY",
    BRP_DEMO_API_KEY if LCV_DEMO else "",
    "API key sent to the BRP in the header `BRP_API_KEY_HEADER`.",
    shown="(the test service's demo key in demo mode, else empty)",
)
BRP_API_KEY_HEADER = env.string(
    "BRP_API_KEY_HEADER", "X-API-KEY", "Header that carries the BRP API key (the spec names no security scheme)."
)
BRP_CLIENT_CERT = env.string("BRP_CLIENT_CERT", "", "PEM client certificate for mutual TLS with the BRP (empty: none).")
BRP_CLIENT_KEY = env.string("BRP_CLIENT_KEY", "", "PEM private key of `BRP_CLIENT_CERT`.")
BRP_CA_BUNDLE = env.string(
    "BRP_CA_BUNDLE", "", "PEM file of the CAs that sign the BRP's server certificate (empty: the system's)."
)
BRP_TIMEOUT_SECONDS = env.integer(
    "BRP_TIMEOUT_SECONDS", 5, "Seconds to wait for the BRP before it counts as unavailable."
)
if BRP_CLIENT_CERT and not BRP_CLIENT_KEY:
    raise ImproperlyConfigured("BRP_CLIENT_KEY must be set with BRP_CLIENT_CERT.")
# Extra `lcv` commands that `lcv serve` starts and keeps running beside the site (core knows no app,
# so the list lives here): the BRP test service when demo mode points the BRP at it.
LCV_SUPERVISED_COMMANDS: list[list[str]] = (
    [["brp_testservice", "--port", str(BRP_TESTSERVICE_PORT), "--api-key", BRP_API_KEY]]
    if LCV_DEMO and BRP_BASE_URL == BRP_TESTSERVICE_URL
    else []
)

# Webhooks go only to public https addresses (SSRF, docs/webhooks.md); tests and a local demo
# receiver need http and the loopback address.
LCV_WEBHOOKS_ALLOW_LOOPBACK = env.boolean(
    "LCV_WEBHOOKS_ALLOW_LOOPBACK",
    False,
    "Also allow http and loopback addresses (127.0.0.1, ::1) as webhook targets. Tests and local demos only.",
)

BEHIND_TLS_PROXY = env.boolean(
    "BEHIND_TLS_PROXY",
    False,
    "Production behind an HTTPS proxy that sets X-Forwarded-Proto: trust it, redirect to HTTPS, send HSTS.",
)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_REDIRECT_EXEMPT = [r"^gezond/$"]  # the health check is called over plain HTTP inside
# HSTS preloading is the operator's decision for the whole domain, not the application's.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # the longest a session lives, active or not
SESSION_IDLE_SECONDS = 60 * env.integer(
    "SESSION_IDLE_MINUTES", 30, "Minutes without a request after which a login session ends (BIO)."
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
}

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "src" / "lcv" / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "src" / "lcv" / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it; `lcv collectstatic` fills it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Demo and debug serve static files straight from the app folders; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or LCV_DEMO
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# A request body held in memory: the partner API takes up to 5,000 signals in one JSON body (a few
# MB). Uploaded files do not count towards this limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Error pages (DEBUG) and error mails never show connection strings such as DATABASE_URL.
DEFAULT_EXCEPTION_REPORTER_FILTER = "lcv.core.errors.SettingsFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "lcv": {"handlers": ["console"], "level": LOG_LEVEL},
        "django": {"handlers": ["console"], "level": "WARNING"},
    },
}
