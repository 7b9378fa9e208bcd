"""Django settings. Every value that differs between machines comes from the environment."""

import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from artifacts.kinds import CONTENT_TYPES
from naturalcad.database_settings import database_settings
from naturalcad.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_rates,
    env_str,
)
from naturalcad.storage_settings import artifact_storage, build_storages, require_writable

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("NATURALCAD_DATA_DIR", str(BASE_DIR / ".data")))

DEBUG = env_bool("DEBUG", False)
# production: behind TLS, every secret from the environment. local (`make run`, `make test`):
# plain HTTP on loopback, secrets generated once by the stack; not DEBUG, so answers are the
# same JSON as in production (no settings pages, no URLconf listings).
PROFILE = env_choice("NATURALCAD_PROFILE", "production", ["production", "local"])
LOCAL = PROFILE == "local" or DEBUG

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # A one-off command under DEBUG (a bench, make_part): a key of this process only.
    SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if LOCAL else [])
# Where the Django admin lives; another path than the default keeps scanners off it.
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "procrastinate.contrib.django",
    "audit",
    "artifacts",
    "jobs",
]

MIDDLEWARE = [
    "jobs.api.edge.HealthBeforeHostMiddleware",  # first: before any middleware reads the Host
    "jobs.api.edge.BodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jobs.api.edge.AdminSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "jobs.api.edge.AdminAuthenticationMiddleware",
    "jobs.api.edge.AdminMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jobs.api.edge.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "naturalcad.urls"
CSRF_FAILURE_VIEW = "jobs.api.edge.csrf_failure"
WSGI_APPLICATION = "naturalcad.wsgi.application"
APPEND_SLASH = False

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
            ],
        },
    },
]

# Without DATABASE_URL only database-free commands work (make_part); `make run` and
# `make test` start an embedded Postgres and set it.
# The web (wsgi.py and asgi.py say so) may go through a transaction-mode pooler: DATABASE_URL,
# e.g. Supabase's port 6543, where DATABASE_POOLER defaults to on. Every other process (the
# worker: LISTEN/NOTIFY and long sessions; migrations; admin commands) needs a session of its
# own: WORKER_DATABASE_URL, a direct or session-mode connection (Supabase's port 5432).
WEB_PROCESS = env_choice("NATURALCAD_PROCESS", "other", ["web", "other"]) == "web"
DATABASES = database_settings(
    env_str("DATABASE_URL"), env_str("WORKER_DATABASE_URL"), web=WEB_PROCESS
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
WHITENOISE_USE_FINDERS = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["jobs.api.parsers.LimitedJSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "jobs.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NaturalCAD API",
    "DESCRIPTION": "A sentence in, CAD files out.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # /api/docs from files this server ships: it works offline and loads nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API key (nc_...). Optional unless the server requires one.",
            }
        }
    },
    # drf-spectacular adds the anonymous alternative ({}) itself: the key is optional.
    "SECURITY": [{"bearer": []}],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jobs.api.openapi.postprocess",
    ],
}

# Workers beat every WORKER_HEARTBEAT_SECONDS; one silent for STALLED_AFTER_SECONDS is
# presumed dead and the sweep (every SWEEP_CRON, seconds last) puts its build back.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
STALLED_AFTER_SECONDS = env_int("STALLED_AFTER_SECONDS", 30, minimum=2)
SWEEP_CRON = env_str("SWEEP_CRON", "* * * * * */15")
# An active job older than this is failed with deadline_exceeded, whatever its state.
JOB_DEADLINE_SECONDS = env_int("JOB_DEADLINE_SECONDS", 3 * 3600, minimum=60)
# On SIGTERM a worker takes no new job and lets the jobs it has taken finish for this long
# (fly.toml's kill_timeout is longer).
WORKER_SHUTDOWN_SECONDS = env_int("WORKER_SHUTDOWN_SECONDS", 240, minimum=1)
# Build jobs one worker process runs at once. Their builds still take turns for the
# GEOMETRY_BUILD_SLOTS below: a second job only does its database and storage work (the
# spec, the commits, storing and attaching the files) while the other one builds.
WORKER_CONCURRENCY = env_int("WORKER_CONCURRENCY", 2, minimum=1, maximum=16)
# Builds one worker process runs at once, each in a geometry child of up to
# GEOMETRY_MEMORY_MB: the worker's VM is sized for one.
GEOMETRY_BUILD_SLOTS = env_int("GEOMETRY_BUILD_SLOTS", 1, minimum=1, maximum=16)
PROCRASTINATE_WORKER_DEFAULTS = {
    "delete_jobs": "successful",  # the Job row is the record; keep the queue table small
    "shutdown_graceful_timeout": WORKER_SHUTDOWN_SECONDS,
    "update_heartbeat_interval": WORKER_HEARTBEAT_SECONDS,
    "stalled_worker_timeout": STALLED_AFTER_SECONDS,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_upkeep": {"()": "jobs.queue.QuietUpkeep"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["quiet_upkeep"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
        # "Deferred 1 job" on every POST /jobs: the access log and the audit trail say it.
        "procrastinate.jobs": {"level": "WARNING"},
        "build123d": {"level": "WARNING"},
        # Twenty "creating ACAD_... dictionary" lines for every drawing the worker writes.
        "ezdxf": {"level": "WARNING"},
    },
}

# Limits of the public contract and of the geometry sandbox.
PROMPT_MAX_CHARS = env_int("PROMPT_MAX_CHARS", 2000, minimum=1)
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 16 * 1024, minimum=1024)
CLIENT_META_MAX_BYTES = env_int("CLIENT_META_MAX_BYTES", 2048, minimum=0)
GEOMETRY_TIMEOUT_SECONDS = env_int("GEOMETRY_TIMEOUT_SECONDS", 60, minimum=1, maximum=3600)
GEOMETRY_MEMORY_MB = env_int("GEOMETRY_MEMORY_MB", 2048, minimum=256)
# The drawing is made after the part's files, in the same child, under its own time limit:
# past it the job completes without a drawing and its log says why.
DRAWING_TIMEOUT_SECONDS = env_int("DRAWING_TIMEOUT_SECONDS", 10, minimum=1, maximum=600)
ARTIFACT_URL_TTL_SECONDS = env_int("ARTIFACT_URL_TTL_SECONDS", 3600, minimum=60)
ARTIFACT_RETENTION_DAYS = env_int("ARTIFACT_RETENTION_DAYS", 7, minimum=1)
# Per-kind overrides, e.g. ARTIFACT_RETENTION_DAYS_PNG=30.
ARTIFACT_RETENTION_DAYS_BY_KIND = {
    kind: env_int(f"ARTIFACT_RETENTION_DAYS_{kind.upper()}", ARTIFACT_RETENTION_DAYS, minimum=1)
    for kind in CONTENT_TYPES
}
# A completed job is reused only if its files outlive this margin (hours).
REUSE_MIN_REMAINING_HOURS = env_int("REUSE_MIN_REMAINING_HOURS", 1, minimum=0)
RETENTION_CRON = env_str("RETENTION_CRON", "17 3 * * *")
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 90, minimum=1)
ARTIFACT_STORAGE = artifact_storage(local_profile=LOCAL)
STORAGES = build_storages(ARTIFACT_URL_TTL_SECONDS, ARTIFACT_STORAGE)
if ARTIFACT_STORAGE == "local" and not LOCAL:
    require_writable(MEDIA_ROOT)
# A failing file store is retried with backoff this long before a built job fails with
# storage_unavailable; /health re-probes the store at most this often.
STORAGE_RETRY_WINDOW_SECONDS = env_int("STORAGE_RETRY_WINDOW_SECONDS", 600, minimum=0)
STORAGE_PROBE_SECONDS = env_int("STORAGE_PROBE_SECONDS", 30, minimum=1)
# Client IPs are stored only as HMAC-SHA256 under this key.
IP_HASH_KEY = env_str("IP_HASH_KEY") or SECRET_KEY

# Inference: Hugging Face chat completions; HF_TOKEN comes only from the environment.
HF_TOKEN = env_str("HF_TOKEN") or ""
HF_BASE_URL = env_str("HF_BASE_URL", "https://router.huggingface.co/v1")
HF_MODEL = env_str("HF_MODEL", "Qwen/Qwen2.5-72B-Instruct")
HF_TGI_GRAMMAR = env_bool("HF_TGI_GRAMMAR", False)
HF_TIMEOUT_SECONDS = env_int("HF_TIMEOUT_SECONDS", 20, minimum=1)
HF_MAX_RETRIES = env_int("HF_MAX_RETRIES", 2, minimum=0, maximum=5)
HF_MAX_WAIT_SECONDS = env_int("HF_MAX_WAIT_SECONDS", 30, minimum=0)
HF_DAILY_CALLS = env_int("HF_DAILY_CALLS", 500, minimum=0)
HF_DAILY_TOKENS = env_int("HF_DAILY_TOKENS", 1_000_000, minimum=0)
HF_USD_PER_MILLION_TOKENS = env_float("HF_USD_PER_MILLION_TOKENS", 0.5)
HF_CIRCUIT_FAILURES = env_int("HF_CIRCUIT_FAILURES", 3, minimum=1)
HF_CIRCUIT_SECONDS = env_int("HF_CIRCUIT_SECONDS", 60, minimum=1)
# A rules reading at least this confident skips the model (free and instant), in percent.
RULES_CONFIDENCE_PERCENT = env_int("RULES_CONFIDENCE_PERCENT", 80, minimum=0, maximum=100)

# Abuse protection. Rates are django-ratelimit rates, comma-separated: "5/m,50/d".
NATURALCAD_REQUIRE_API_KEY = env_bool("NATURALCAD_REQUIRE_API_KEY", False)
RATE_LIMITS = {
    "anonymous": env_rates("RATE_LIMIT_ANONYMOUS", "5/m,50/d"),
    "session": env_rates("RATE_LIMIT_SESSION", "5/m,50/d"),
    "space": env_rates("RATE_LIMIT_SPACE", "300/m,20000/d"),
    "space_user": env_rates("RATE_LIMIT_SPACE_USER", "5/m,50/d"),
    "trusted": env_rates("RATE_LIMIT_TRUSTED", "60/m,5000/d"),
}
# Failed admin logins allowed per username and per client in a window; then even the right
# password waits for the window to end.
ADMIN_LOGIN_FAILURES = env_rates("ADMIN_LOGIN_FAILURES", "5/15m")
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_USE_CACHE = "ratelimit"
_redis_url = env_str("REDIS_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "jobs.ratelimit_cache.PostgresCounterCache"}
    ),
}
# Our Postgres counter cache is atomic (one statement per operation) but not on
# django-ratelimit's list of known backends.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
# Where the client's IP comes from: remote_addr, fly (Fly-Client-IP) or x-forwarded-for
# (the hop before the last TRUSTED_PROXY_COUNT, which our own proxies appended).
CLIENT_IP_SOURCE = env_choice(
    "CLIENT_IP_SOURCE", "remote_addr", ["remote_addr", "fly", "x-forwarded-for"]
)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1, minimum=1)
MAX_QUEUE_DEPTH = env_int("MAX_QUEUE_DEPTH", 200, minimum=1)
MAX_UNFINISHED_PER_CLIENT = env_int("MAX_UNFINISHED_PER_CLIENT", 3, minimum=1)
MAX_UNFINISHED_PER_KEY = env_int("MAX_UNFINISHED_PER_KEY", 20, minimum=1)
SHED_RETRY_AFTER_SECONDS = env_int("SHED_RETRY_AFTER_SECONDS", 30, minimum=1)

if not LOCAL:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^health$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
