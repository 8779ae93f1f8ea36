"""Settings from the environment (12-factor); the defaults give the embedded setup (SQLite + bundled Redis)."""

import os
from pathlib import Path

import environ

from .redis_url import for_kombu

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
# pytest sets PYTEST_VERSION for its session, so a test run never shares the embedded Redis or database
# with a `make run` (or another test run) in the same checkout; the processes it starts get explicit URLs.
TESTING = "PYTEST_VERSION" in os.environ
_embedded = f"test-{os.getpid()}-" if TESTING else ""

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The product's own login page (any active user; roles decide what they may do); admin keeps /admin/login/.
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/builder/"

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "integrations",
    "nodes",
    "flows",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "flows.cors.ChatCorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "flows.outage.OutageMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None
# Requests one web process serves at once (config/http.py); a chat turn waiting for its reply holds one.
HTTP_THREADS = env.int("HTTP_THREADS", default=64)
HTTP_MAX_BODY = env.int("HTTP_MAX_BODY", default=10 * 1024 * 1024)  # bytes; larger requests get 413 unread

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "config.postgresql"  # Django's, inserting a turn's few rows as VALUES
    # Under ASGI every request runs in a thread of its own: a pool, not per-thread persistent connections.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DB_POOL_MAX", default=20),
        "timeout": 10,
    }
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        # Parameters bound by the server, and a statement run 5 times on a connection prepared there: PostgreSQL then
        # skips parsing and planning the turn's repeated queries (decision 0048). Off for a pooler in transaction mode
        # that cannot keep prepared statements (PgBouncer before 1.21).
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so the Celery worker the tests start sees the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"{_embedded}db.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Kept open by the thread that opened it (the web process's request threads and the worker's are reused): opening
    # one costs about 0.3 ms (Django registers its SQL functions and runs the PRAGMAs above), twice a turn otherwise.

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default=f"unix://{VAR_DIR / (_embedded + 'redis.sock')}")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

CHANNEL_LAYERS = {
    "default": {
        # Pub/sub layer: a group send is one PUBLISH, so a worker can emit step events cheaply
        # (flows/live.py publishes to the same channel names without an event loop). Reconnecting: a socket
        # handshake right after Redis restarted gets a new connection instead of failing (config/channel_layer.py).
        "BACKEND": "config.channel_layer.ReconnectingPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": "fb"},
    }
}

CELERY_BROKER_URL = for_kombu(env("CELERY_BROKER_URL", default=REDIS_URL))
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
_visibility = env.int("CELERY_VISIBILITY_TIMEOUT", default=300)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged task (its worker died) is delivered again after this many seconds (not a turn's: its run waits
    # in the database for the stale-run sweep, config/broker_qos.py)...
    "visibility_timeout": _visibility,
    # ...by a sweep every few seconds (kombu's default sweeps only every ~100 s).
    "unacked_restore_interval": max(1, min(10, _visibility // 2)),
    "unacked_restore_throttle": 1,
}
# Celery's Django fixup would close the connection (and Django's pool) around every task, so each turn would open
# a new PostgreSQL connection; the task hands its connection back itself (flows/tasks.py, close_old_connections).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="flows")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from the finders; the folder only has to exist
STATICFILES_DIRS = [d for d in [BASE_DIR / "static"] if d.exists()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# The builder's bundle (static/builder/, built by Vite) names its files by content hash: browsers may keep them.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^/static/(builder|widget)/assets/.+-[0-9A-Za-z_-]{8}\.(js|css)$"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call gets 401 with WWW-Authenticate rather than a bare 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Each view names the permission each action needs (the roles: flows/roles.py); a view naming none is closed.
    "DEFAULT_PERMISSION_CLASSES": ["flows.api.permissions.HasRolePermission"],
    # Adds the error responses (one shape) every operation can answer to the OpenAPI document.
    "DEFAULT_SCHEMA_CLASS": "flows.api.schema.ErrorResponsesSchema",
    "EXCEPTION_HANDLER": "flows.api.errors.exception_handler",
    # JSON bodies only (the views that take a file name MultiPartParser themselves): a form-encoded graph or list
    # cannot say what the JSON body says, and the schema documents exactly the bodies the API reads.
    "DEFAULT_PARSER_CLASSES": ["flows.api.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_RATES": {
        "chat_ip": env("CHAT_RATE_PER_IP", default="600/min"),
        "chat_conversation": env("CHAT_RATE_PER_CONVERSATION", default="60/min"),
        "chat_start_ip": env("CHAT_START_RATE_PER_IP", default="60/min"),
        # Incoming hooks: per catch URL (Zapier and Make post from shared addresses), and per sending address.
        "hook": env("HOOK_RATE_PER_HOOK", default="600/min"),
        "hook_ip": env("HOOK_RATE_PER_IP", default="1200/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # How many reverse proxies in front append to X-Forwarded-For. DRF's default (None) takes the client's own
    # header as its address, so anyone could reset the per-address chat throttles by sending a new one each time.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Flow builder API",
    "DESCRIPTION": "Builder API (flows, versions, node types) and the public chat API for widgets.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
}

# The chat API is called from widgets on other sites; the builder API is same-origin only. Which origins may call a
# flow's chat is decided per flow (its widget's allowed origins; flows/cors.py): CHAT_CORS_ORIGINS is the list for
# flows without one of their own (empty: any origin).
CORS_URLS_REGEX = r"^/api/v1/chat/.*$"
CHAT_CORS_ORIGINS = env.list("CHAT_CORS_ORIGINS", default=[])
CORS_ALLOWED_ORIGINS: list[str] = []
CORS_ALLOW_ALL_ORIGINS = False
CORS_ALLOW_CREDENTIALS = False
CORS_PREFLIGHT_MAX_AGE = 600

# Flow execution.
NODE_TYPES = [
    "nodes.core.start.Start",
    "nodes.core.message.Message",
    "nodes.core.question.Question",
    "nodes.core.condition.Condition",
    "nodes.core.set_variable.SetVariable",
    "nodes.core.end.End",
    "nodes.core.wait_webhook.WaitWebhook",
    "nodes.core.wait.Wait",
    "nodes.core.timer.Timer",
    "nodes.core.handoff.Handoff",
    "nodes.integrations.rest_api.RestApi",
    "nodes.integrations.intercom.Intercom",
    "nodes.integrations.connect.Connect",
    "nodes.integrations.zapier.Zapier",
    "nodes.integrations.make.Make",
    "nodes.integrations.pabbly.Pabbly",
    "nodes.integrations.template.Template",
    "nodes.integrations.openai.OpenAINode",
    "nodes.integrations.email.Email",
    "nodes.integrations.sms.Sms",
    "nodes.integrations.calendar.Calendar",
    "nodes.integrations.sheets.Sheets",
] + env.list("NODE_TYPES_EXTRA", default=[])
FLOW_STEP_LIMIT = env.int("FLOW_STEP_LIMIT", default=200)
CHAT_REPLY_WAIT_S = env.float("CHAT_REPLY_WAIT_S", default=10.0)
CHAT_MAX_TEXT = env.int("CHAT_MAX_TEXT", default=4000)
# A worker inside a conversation's turns holds its lease, renewed from a timer every third of this; when the worker
# is gone, the lease lapses after at most this long and another worker may take the turn over (flows/locks.py).
TURN_LOCK_TTL_S = env.float("TURN_LOCK_TTL_S", default=30.0)
# A turn running longer than this is presumed stuck: its lease is no longer renewed, so it can be taken over.
TURN_MAX_S = env.float("TURN_MAX_S", default=900.0)
WORKER_HEARTBEAT_S = env.float("WORKER_HEARTBEAT_S", default=5.0)
# A run still queued after this long, with no live lease on its conversation for a whole TURN_LOCK_TTL_S, lost its
# task or its worker (say, the broker restarted empty, or the worker was killed): a worker sends it again.
STALE_RUN_S = env.float("STALE_RUN_S", default=60.0)
# Timers (flows/scheduler.py): every worker fires due timers unless TIMER_SCHEDULER=false; it looks at least every
# TIMER_POLL_S seconds (sooner when a timer is due sooner) and claims up to TIMER_BATCH due timers per transaction.
TIMER_SCHEDULER = env.bool("TIMER_SCHEDULER", default=True)
TIMER_POLL_S = env.float("TIMER_POLL_S", default=0.25)
TIMER_BATCH = env.int("TIMER_BATCH", default=500)

# Credential vault: Fernet keys, newest first (the first encrypts, all decrypt). Unset in the embedded default:
# a key is made once in var/vault.key and the run command says so.
VAULT_KEYS = env.list("VAULT_KEYS", default=[])
VAULT_KEY_FILE = Path(env("VAULT_KEY_FILE", default=str(VAR_DIR / "vault.key")))

# The guarded HTTP client (integrations/http.py): every outbound request a flow makes.
# SSRF_ALLOW opens named private hosts or networks (host names, IPs, CIDRs) for self-hosted services and tests.
SSRF_ALLOW = env.list("SSRF_ALLOW", default=[])
HTTP_CONNECT_TIMEOUT_S = env.float("HTTP_CONNECT_TIMEOUT_S", default=5.0)
HTTP_READ_TIMEOUT_S = env.float("HTTP_READ_TIMEOUT_S", default=30.0)
HTTP_MAX_RESPONSE_BYTES = env.int("HTTP_MAX_RESPONSE_BYTES", default=5 * 1024 * 1024)
HTTP_MAX_REDIRECTS = env.int("HTTP_MAX_REDIRECTS", default=5)
# Token bucket per destination host ("<requests>/<s|m|h>"); credentials may set their own limit too.
HTTP_HOST_RATE = env("HTTP_HOST_RATE", default="20/s")
# A call over a rate limit waits its turn up to this long, then fails with a clear error.
HTTP_RATE_MAX_WAIT_S = env.float("HTTP_RATE_MAX_WAIT_S", default=10.0)
# Zapier/Make/Pabbly nodes accept only their platform's webhook hosts, plus these (self-hosted, tests).
WEBHOOK_HOSTS_EXTRA = env.list("WEBHOOK_HOSTS_EXTRA", default=[])
# Incoming hooks: signed timestamps further than this from now are refused (a delivery id is refused forever).
HOOK_TOLERANCE_S = env.int("HOOK_TOLERANCE_S", default=300)
HOOK_MAX_BODY_BYTES = env.int("HOOK_MAX_BODY_BYTES", default=256 * 1024)
# Messaging channels (docs/sms.md). PUBLIC_BASE_URL: this server's address as Twilio reaches it
# (https://bots.example.com), for channel webhook URLs and the status callbacks of outbound texts (blank sends none).
# TWILIO_TRUST_FORWARDED: a proxy in front sets X-Forwarded-Proto/Host, and Twilio's signature is checked over the URL
# it names. SMS_MAX_BODY_CHARS: a longer reply is split into texts of at most this many characters (Twilio's limit).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")
TWILIO_TRUST_FORWARDED = env.bool("TWILIO_TRUST_FORWARDED", default=False)
SMS_MAX_BODY_CHARS = env.int("SMS_MAX_BODY_CHARS", default=1600)

# Email (the email node; integrations/smtp.py). Certificates are always verified: a self-hosted server with a private
# CA is trusted through this PEM bundle (or the credential's own CA certificate field), never by turning checks off.
SMTP_CA_BUNDLE = env("SMTP_CA_BUNDLE", default="")
EMAIL_HELO_NAME = env("EMAIL_HELO_NAME", default="")  # the EHLO name; blank: this machine's FQDN
EMAIL_MAX_ATTACHMENT_BYTES = env.int("EMAIL_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024)  # all of one message's
EMAIL_BULK_MAX_RECIPIENTS = env.int("EMAIL_BULK_MAX_RECIPIENTS", default=5000)  # per bulk send
# A bulk send runs in slices of this many seconds, each one task; a slice must end well inside the broker's
# visibility timeout, or the broker would hand the still-running task to a second worker.
EMAIL_BATCH_SLICE_S = env.float("EMAIL_BATCH_SLICE_S", default=max(1.0, min(60.0, _visibility / 3)))
# Files an admin uploads as flow assets (email attachments) are stored in the database, so every worker sees them.
FLOW_ASSET_MAX_BYTES = env.int("FLOW_ASSET_MAX_BYTES", default=10 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        "uvicorn": {"level": "WARNING"},
        # Celery's lines for every task (received, succeeded): two log writes a turn, 3% of a worker's CPU under load.
        # A failed task is still logged (ERROR), and every turn is stored with its status and duration.
        "celery.app.trace": {"level": env("CELERY_TASK_LOG_LEVEL", default="WARNING")},
        "celery.worker.strategy": {"level": env("CELERY_TASK_LOG_LEVEL", default="WARNING")},
    },
}
