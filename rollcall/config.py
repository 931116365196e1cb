"""Settings: defaults here, then instance/config.py, then ROLLCALL_* environment variables."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask


class DefaultConfig:
    """Defaults that are safe for development; production overrides them from the environment."""

    ENV = "development"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # computed: instance/rollcall.sqlite3
    # hide_parameters: a database error must never carry a phone number or text into a log.
    # PostgreSQL adds its pool settings (see _engine_options) unless this names them.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"hide_parameters": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=60)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # a form left open since morning reading must still submit

    # Rollcall's own log lines to stderr (rollcall.logs): INFO shows what the scheduler did.
    LOG_LEVEL = "INFO"
    # Flask-Compress: pages, static files and JSON. Pages may be compressed because their CSRF
    # token is masked afresh for every response (rollcall.csrf_mask), so BREACH has no
    # repeating secret to read back from compressed sizes.
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript",
                          "application/json", "image/svg+xml"]

    # Reverse proxies in front of the app (X-Forwarded-For/-Proto hops to trust).
    TRUSTED_PROXY_HOPS = 0

    # Guess throttling, per account and address pair: after SLOWDOWN_AFTER guesses each one
    # waits longer (2, 4, 8 … s); after PAIR_LOCK_AFTER the pair (never the whole account) is
    # locked for LOCK_MINUTES. The account as a whole only slows down: past
    # ACCOUNT_SLOWDOWN_AFTER guesses from anywhere, one guess per ACCOUNT_PAUSE_SECONDS.
    LOGIN_SLOWDOWN_AFTER = 3
    LOGIN_PAIR_LOCK_AFTER = 8
    LOGIN_ACCOUNT_SLOWDOWN_AFTER = 10
    LOGIN_ACCOUNT_PAUSE_SECONDS = 2
    LOGIN_LOCK_MINUTES = 15

    # Request bodies (rollcall.limits): the default, sign-in's, the API's; the roster upload
    # takes ROSTER_MAX_FILE_BYTES. Bigger bodies get 413 before they are read.
    MAX_CONTENT_LENGTH = 1024 * 1024
    SIGN_IN_MAX_CONTENT_LENGTH = 16 * 1024
    API_MAX_CONTENT_LENGTH = 512 * 1024

    BABEL_DEFAULT_LOCALE = "zh_Hans"
    LANGUAGES = ("zh_Hans", "en")

    # Roster import: the largest file accepted (each file of a OneRoster set counts alone).
    ROSTER_MAX_FILE_BYTES = 20 * 1024 * 1024

    # Parent texts (used by the notify area).
    ALERT_DELAY_MINUTES = 15
    SMS_WINDOW = "07:00-21:00"
    SMS_RATE_PER_SECOND = 1.0
    TWILIO_ACCOUNT_SID: str | None = None
    TWILIO_AUTH_TOKEN: str | None = None
    TWILIO_FROM_NUMBER: str | None = None
    TWILIO_MESSAGING_SERVICE_SID: str | None = None
    TWILIO_API_BASE_URL = "https://api.twilio.com"
    PUBLIC_BASE_URL: str | None = None
    SMS_PROVIDER = "twilio"  # or "aliyun" (Alibaba Cloud SMS); a school may choose its own
    ALIYUN_ACCESS_KEY_ID: str | None = None
    ALIYUN_ACCESS_KEY_SECRET: str | None = None
    ALIYUN_SMS_SIGN_NAME: str | None = None  # the approved signature, without 【】
    ALIYUN_SMS_ENDPOINT = "dysmsapi.aliyuncs.com"  # or http://127.0.0.1:PORT (a stand-in)
    # JSON: text kind → approved template code, e.g. {"absence": "SMS_123", ...}
    ALIYUN_SMS_TEMPLATES: dict | str = {}
    SMS_FAN_OUT = "first"  # "first" reachable guardian in contact order, or "all"
    SMS_FOLLOW_UP = True  # text again when an absent student arrives after the text
    SMS_MAX_ATTEMPTS = 8
    SMS_BACKOFF_BASE_SECONDS = 2.0
    SMS_BACKOFF_MAX_SECONDS = 300.0
    SMS_HTTP_TIMEOUT_SECONDS = 15.0
    SMS_CLAIM_LEASE_SECONDS = 120.0  # a sender silent this long is presumed dead
    SCHEDULER_LOCK_FILE: str | None = None  # SQLite: default instance/scheduler.lock
    # Every scheduler writes a heartbeat this often; when no running one has written for
    # SCHEDULER_STALE_AFTER_SECONDS, the office sees a red banner and /healthz answers 503.
    SCHEDULER_HEARTBEAT_SECONDS = 20.0
    SCHEDULER_STALE_AFTER_SECONDS = 180.0
    SCHEDULER_SEND_PASS_SECONDS = 60.0  # the send pass's period (the fault tests run it faster)


PRODUCTION_OVERRIDES = {
    "SESSION_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_SECURE": True,
}


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the app refuses to start."""


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill app.config in order: defaults, instance/config.py, ROLLCALL_* env, test config."""
    app.config.from_object(DefaultConfig)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("ROLLCALL")
    else:
        app.config.from_mapping(test_config)
    if app.config["ENV"] == "production":
        for key, value in PRODUCTION_OVERRIDES.items():
            if key not in (test_config or {}) and f"ROLLCALL_{key}" not in _env_keys():
                app.config[key] = value
    _ensure_database_uri(app)
    _engine_options(app)
    _ensure_secret_key(app)


def _env_keys() -> set[str]:
    return {key for key in os.environ if key.startswith("ROLLCALL_")}


def _ensure_database_uri(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        path = Path(app.instance_path) / "rollcall.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://") or uri.startswith("postgres://"):
        # psycopg 3 is the driver Rollcall ships with.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]


def _engine_options(app: Flask) -> None:
    """PostgreSQL's pool: pre-ping kept, statements prepared on their second use.

    Pre-ping costs one loopback round trip when a request checks a connection out (not a
    statement); without it, a PostgreSQL restart (an upgrade, a failover) fails the next
    request of every worker, which may be a teacher's save. SQLite has no server to lose.
    psycopg prepares a statement on its sixth use by default; a morning sends the same few
    dozen statements, and a class's multi-row INSERT is seen less often than that per
    worker, so it was parsed again on most saves.
    """
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"] or {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options.setdefault("pool_pre_ping", True)
        options["connect_args"] = {"prepare_threshold": 1} | dict(
            options.get("connect_args") or {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _ensure_secret_key(app: Flask) -> None:
    if app.config["SECRET_KEY"]:
        return
    if app.config["ENV"] == "production":
        raise ConfigError(
            "ROLLCALL_SECRET_KEY is not set: refusing to start in production without it."
        )
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()
