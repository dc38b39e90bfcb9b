"""Settings for the WSIS Prizes platform, read from environment variables.

With no variable set the platform runs in its embedded mode: SQLite in the project
folder, Celery tasks executed in-process, mail printed to the console. README.md lists
every variable.
"""

import warnings
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF

from config.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = (
    env.str("SECRET_KEY", "embedded-mode-key-not-for-production")
    if DEBUG
    else env.required("SECRET_KEY", "when DEBUG is off")
)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])
# Empty: the WSIS Prizes' name in the reader's language (config.languages.site_name).
SITE_NAME = env.str("SITE_NAME", "")
# The site's address as its visitors reach it, for links in e-mails sent outside a
# request (the ballot receipts, sent by Celery beat).
SITE_URL = env.str("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "accounts.admin_config.SecretariatAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "django_filters",
    "modeltrans",
    # Before allauth, so that the site's templates override django-allauth's.
    "frontend",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",
    "allauth.usersessions",
    "accounts",
    "awards",
    "voting",
    "outreach",
    "demo",
]

MIDDLEWARE = [
    # First, to answer every error under /api/ and /_allauth/ as JSON.
    "config.errors_json.JsonErrorsMiddleware",
    # Wrong session tokens sent to allauth's app API count against their address.
    "config.api_access.TokenFailureMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the session and the account (whose saved language it reads), before
    # CommonMiddleware (whose redirects need the language of the address).
    "config.languages.LanguageMiddleware",
    "config.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sign-up beyond an address's allowance: its hard limit, and the challenge that the
    # API's refusals carry (accounts/challenge.py).
    "accounts.challenge.SignupChallengeMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, so that it is asked first about a view's exception (config/faults.py).
    "config.faults.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "frontend.context_processors.site",
            ],
            # The contest's fixed words in the reader's language, in every template.
            "builtins": ["awards.templatetags.vocabulary"],
        },
    },
]

# Database: PostgreSQL through psycopg 3 and its pool, or an SQLite file by default.
DATABASES = {
    "default": env.database("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    # The pool checks a connection before lending it (one empty query, about 20 µs on
    # the loopback), so that a PostgreSQL restart costs a wait, not failed requests.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        # psycopg sends the parameters apart from the statement and prepares a
        # statement on its second use on a connection (the pool keeps connections,
        # so the vote's statements are planned once per connection). Off behind a
        # pooler in transaction mode, which cannot keep prepared statements.
        **(
            {"server_side_binding": True, "prepare_threshold": 2}
            if env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
            else {}
        ),
        "pool": {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", 1, minimum=0),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", 10, minimum=1),
            "timeout": env.int("DATABASE_POOL_TIMEOUT", 10, minimum=1),
            # psycopg_pool retries a failed connection with a doubling delay for this
            # long, then lets the next request start over at once: with its default
            # (5 minutes) the site stayed down 19 s longer than a 40 s outage.
            "reconnect_timeout": 5,
        },
    }
else:
    # Django's, flushing the votes before the projects they name (see the module).
    DATABASES["default"]["ENGINE"] = "config.sqlite3"
    DATABASES["default"]["OPTIONS"] = {
        # Write transactions take the lock up front, so concurrent writers wait for
        # each other instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env.url("CACHE_URL", {"redis", "rediss"})
# Django's Redis cache that degrades while Redis is unreachable (config/cache.py):
# counts go on in each process's memory, sessions come from the database alone.
CACHES = (
    {
        "default": {"BACKEND": "config.cache.RedisCache", "LOCATION": CACHE_URL},
        "sessions": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"WHEN_UNREACHABLE": "miss"},
        },
    }
    if CACHE_URL
    else {
        # One memory, as the two share one Redis database above.
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
)
SESSION_CACHE_ALIAS = "sessions"

# Sessions (and the API's session tokens, which are session keys) read from Redis first
# when it is configured.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL
    else "django.contrib.sessions.backends.db"
)

AUTH_USER_MODEL = "accounts.User"
# Argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane): 27 ms of CPU and 21 MiB a
# hash on this platform's 2-core machine, where Django's PBKDF2 (1,000,000 iterations)
# takes 470 ms and Django's Argon2 defaults (100 MiB, 8 lanes) 230 ms and 100 MiB
# (bench/hasher_bench.py, figures in bench/README.md). The PBKDF2 hashers stay after it
# so that older hashes still check, and are made again with Argon2 at the next login.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "frontend:home"

# Accounts (django-allauth): log in by e-mail, with a one-time code sent by mail, a
# password or a passkey. The address must be confirmed before voting or submitting, but
# an unconfirmed account can log in and browse. A sign-up without a password goes on
# with a code (accounts.adapter): typing it confirms the address and logs in, so that
# a voter signs up, types the code and votes. A sign-up with a password is confirmed by
# a link, as before; any login by code confirms the address it was sent to.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupProfileForm"
ACCOUNT_FORMS = {"confirm_login_code": "accounts.login_code.ConfirmLoginCodeForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
# The password is optional: whoever wants one types it twice.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1", "password2"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
# Confirming by code (ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED) would need mandatory
# verification, which shuts unconfirmed accounts out and changes the links of the
# API's contract; the login code confirms the address instead.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Three wrong codes end the attempt (ask for a new code). Ten minutes, so that a code
# outlives a mail server that is slow for a while (the outbox retries every minute);
# the guesses a code allows do not grow with it.
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    # Sign-up requests (attempts, whatever comes of them) from one address: a guard
    # against a flood only. The accounts an address makes have their allowance and
    # limit below.
    "signup": "120/m/ip",
    # Codes asked for: 3 in 5 minutes per address (the key), so that nobody fills a
    # mailbox; per client address as many as sign-ups. (No period longer than 5
    # minutes: allauth's 429 says not when to retry, and config.errors_json answers the
    # longest period of these limits.)
    "request_login_code": "20/m/ip,3/5m/key",
}
# Accounts made from one client address (accounts/challenge.py): up to SIGNUP_ALLOWANCE
# in 10 minutes sign up as before, which a class or an office signing up together
# rarely passes; beyond, each sign-up asks a proof-of-work challenge (ALTCHA, about a
# second in a phone's browser at the default difficulty: bench/README.md) instead of
# being refused; past SIGNUP_LIMIT_PER_HOUR in an hour, sign-up is refused (429).
SIGNUP_ALLOWANCE = env.int("SIGNUP_ALLOWANCE", 20, minimum=0)
SIGNUP_LIMIT_PER_HOUR = env.int("SIGNUP_LIMIT_PER_HOUR", 300, minimum=1)
# The challenge's maxnumber: the solver tries half of it on average. A browser hashes
# through WebCrypto, far slower than a script: this is sized for a phone's wait, and a
# script's cost is small at any size a phone can bear (bench/README.md).
SIGNUP_CHALLENGE_MAXNUMBER = env.int("SIGNUP_CHALLENGE_MAXNUMBER", 30_000, minimum=1000)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_SERVE_SPECIFICATION = False
HEADLESS_TOKEN_STRATEGY = "accounts.tokens.SessionTokenStrategy"
# Passkeys ("webauthn", through the fido2 package that django-allauth[mfa] brings) log
# in on their own (they verify the person on the device) or serve as a second factor.
# Browsers, and fido2, accept them on https and on http://localhost only.
# Signing up with a passkey (MFA_PASSKEY_SIGNUP_ENABLED) would need mandatory
# verification by code: a voter adds a passkey from the account pages instead.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
# A key added from the account pages is a passkey unless the person says otherwise; a
# credential that cannot be read is refused, not a server error (accounts/passkeys.py).
MFA_FORMS = {
    "add_webauthn": "accounts.forms.PasskeyAddForm",
    "login_webauthn": "accounts.passkeys.PasskeyLoginForm",
    "authenticate_webauthn": "accounts.passkeys.PasskeyAuthenticateForm",
    "reauthenticate_webauthn": "accounts.passkeys.PasskeyReauthenticateForm",
}
# The name authenticator apps show beside the code: one name, whatever the language.
MFA_TOTP_ISSUER = SITE_NAME or "WSIS Prizes"
USERSESSIONS_TRACK_ACTIVITY = False

# The six official languages of the United Nations, each named in itself (the switcher
# lists them so). English is the source language, at addresses without a prefix; the
# others are under /ar/, /es/, /fr/, /ru/ and /zh-hans/ (config/languages.py).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "简体中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A project's title and short description may come in the other languages too
# (awards.translations): the project's own texts are its original, which modeltrans
# calls the default language's, and every language falls back to them.
MODELTRANS_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANS_FALLBACK = {"default": (LANGUAGE_CODE,)}
MODELTRANS_ADD_FIELD_HELP_TEXT = False
# Dates and numbers in each language's own formats (Django's), English as config/formats.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Served by frontend's media view, to those who may see each project's files.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Certificates, letters and booklets: no URL reaches them (config/storage.py).
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
if DEBUG:
    # Without collectstatic WhiteNoise serves from the apps' folders (as runserver does)
    # and would warn that STATIC_ROOT does not exist yet.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
# The upload checks come first: they stop reading a file past its limit (config/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "config.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Mail.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "WSIS Prizes <prizes@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Well within the outbox relay's lease (5 minutes), so that a hung mail server does not
# let a second relay send the same e-mail.
EMAIL_TIMEOUT = 30

# Celery: a real broker when CELERY_BROKER_URL is set, otherwise tasks run in-process.
CELERY_BROKER_URL = env.url("CELERY_BROKER_URL", {"redis", "rediss", "amqp", "amqps"})
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Days the networks and browser families of votes and sign-ups are kept once an
# edition's results are final (published), for the fraud review; then they are emptied
# (voting.services.traces_purge, daily).
TRACE_RETENTION_DAYS = env.int("TRACE_RETENTION_DAYS", 90, minimum=0)
CELERY_BEAT_SCHEDULE = {
    "champions-when-voting-closes": {
        "task": "voting.tasks.champions_when_voting_closes",
        "schedule": 60.0,
    },
    "outbox-relay": {"task": "accounts.tasks.outbox_relay", "schedule": 60.0},
    "ballot-receipts": {"task": "voting.tasks.ballot_receipts", "schedule": 300.0},
    # Messages whose task the broker lost, or whose worker stopped half-way.
    "messages-resume": {"task": "outreach.tasks.messages_resume", "schedule": 60.0},
    "results-publish-when-due": {
        "task": "awards.tasks.results_publish_when_due",
        "schedule": 60.0,
    },
    "jury-reminders": {"task": "awards.tasks.jury_reminders_when_due", "schedule": 3600.0},
    "fraud-signals": {"task": "voting.tasks.signals_refresh", "schedule": 300.0},
    "fraud-decisions-resume": {
        "task": "voting.tasks.decision_jobs_resume_lost",
        "schedule": 60.0,
    },
    # Daily, at a quiet hour: each run finds what it has to do from the stored dates.
    "traces-retention": {
        "task": "voting.tasks.traces_purge_expired",
        "schedule": crontab(hour=3, minute=30),
    },
}
# With the broker down a request that queues a task gives up within seconds (the
# e-mail waits in the outbox, config.celery.task_queue_after_commit logs it), instead of
# kombu's three retries, its 4 s connect timeout and, on a Redis that stopped answering
# without closing the connection, waiting forever (kombu advises a socket_timeout, longer
# than the worker's 1 s BRPOP).
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0}
if CELERY_BROKER_URL and CELERY_BROKER_URL.startswith("redis"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 2.0}

# Security. The production defaults are those `manage.py check --deploy` asks for.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("SECURE_PROXY_SSL_HEADER", False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "config.errors_json.csrf_failure"
# Scripts, styles and everything else come from this site's own files: no inline
# script, style or event handler runs (tests/frontend/test_security_headers.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Swagger UI and the authenticator set-up's QR code draw data: images.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Nothing on the site uses these; a page injected into it cannot either.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
# How many proxies of our own stand in front and append to X-Forwarded-For; with none,
# the peer is the client (config/network.py).
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", 0, minimum=0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api_access.SessionTokenAuthentication",
        "config.api_access.CookieSessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "config.api_access.AnonymousThrottle",
        "config.api_access.AccountThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anonymous": env.rate("API_THROTTLE_ANONYMOUS", "120/minute"),
        "account": env.rate("API_THROTTLE_ACCOUNT", "600/minute"),
        "token_failure": env.rate("API_THROTTLE_TOKEN_FAILURES", "30/minute"),
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["config.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, adding the errors each operation can answer.
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WSIS Prizes API",
    "DESCRIPTION": (
        "Public API of the WSIS Prizes platform: action lines, editions, categories, "
        "nominees, the ballot, results and the ceremony."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "PhaseEnum": "awards.phases.Phase",
        "TieRuleEnum": "awards.models.TieRule",
    },
    # drf-spectacular's enum hook, then the headless auth endpoints clients use.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "accounts.api.schema.headless_app_paths",
    ],
}

LOG_LEVEL = env.choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"headless_flow_states": {"()": "config.log_filters.HeadlessFlowStates"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Not a warning for each step of a log-in through the app API.
        "django.request": {"filters": ["headless_flow_states"]},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports each step of every document at INFO; its warnings stay.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
