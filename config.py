"""Configuration classes, read from the environment.

``create_app(config_class)`` takes one of these. Every setting a practice may
change comes from an environment variable named in README.md; the rest are
sensible defaults. Tests build their own subclass of ``TestingConfig`` rather than
changing these classes.
"""

import os
from datetime import timedelta


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str | None) -> str | None:
    """Normalise a DATABASE_URL so that PostgreSQL goes through psycopg 3."""
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Comma-separated Fernet keys for note bodies; the first encrypts, all decrypt.
    NOTES_KEYS = os.environ.get("MEND_NOTES_KEYS")
    # Development generates missing keys into the instance folder; production refuses.
    GENERATE_MISSING_KEYS = False
    # Without these the app refuses to start (``create_app``'s ``configure_secrets``).
    REQUIRED_SETTINGS = ("SECRET_KEY", "NOTES_KEYS")

    # None means a SQLite file in the instance folder, chosen in create_app.
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = _env_int("MEND_SQLITE_BUSY_TIMEOUT_MS", 15000)
    # CLI commands take SQLite's write lock when they begin; see practice/database.py.
    SQLITE_LOCK_OUTSIDE_REQUESTS = True

    # Sessions: an idle session ends after PERMANENT_SESSION_LIFETIME; any session
    # ends after MEND_SESSION_MAX_HOURS however active it was.
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=_env_int("MEND_IDLE_MINUTES", 30))
    SESSION_MAX_AGE = timedelta(hours=_env_int("MEND_SESSION_MAX_HOURS", 12))
    SESSION_COOKIE_NAME = "mend_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("MEND_SECURE_COOKIES")
    REMEMBER_COOKIE_DURATION = timedelta(0)

    # argon2id cost; the defaults are argon2-cffi's (RFC 9106, low-memory profile).
    ARGON2_PARAMETERS: dict = {}

    # CSRF tokens live as long as the session that issued them.
    WTF_CSRF_TIME_LIMIT = None

    # Login throttling: per client address and per account being tried.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("MEND_LOGIN_LIMIT", "10 per minute; 60 per hour")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("MEND_LOGIN_ACCOUNT_LIMIT", "5 per minute")
    # Forms kept for a login that ended (practice/parking.py), per account.
    PARKING_LIMIT = os.environ.get("MEND_PARKING_LIMIT", "10 per hour")

    # Number of reverse proxies in front of the app whose X-Forwarded-* to trust.
    TRUSTED_PROXIES = _env_int("MEND_TRUSTED_PROXIES", 0)
    HSTS = False

    # Outgoing email; without SMTP_HOST messages wait in the owner's outbox.
    SMTP_HOST = os.environ.get("SMTP_HOST")
    SMTP_PORT = _env_int("SMTP_PORT", 587)
    SMTP_USER = os.environ.get("SMTP_USER")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", True)
    MAIL_FROM = os.environ.get("MAIL_FROM", "Mend <no-reply@localhost>")
    # Where links in emails and feeds point when there is no request to ask.
    BASE_URL = os.environ.get("MEND_BASE_URL", "http://127.0.0.1:5000")

    # Tests only (honoured when TESTING): the moment the app's clock starts from,
    # e.g. 2026-03-10T09:30:00+00:00, so that no test depends on when it runs.
    FIXED_NOW = os.environ.get("MEND_FIXED_NOW")

    INVITATION_DAYS = _env_int("MEND_INVITATION_DAYS", 7)
    PAGE_SIZE = 25


class DevelopmentConfig(Config):
    """A laptop: SQLite in the instance folder, keys generated on first start."""

    GENERATE_MISSING_KEYS = True


class TestingConfig(Config):
    """The test suite: fixed keys, a database chosen by the fixtures."""

    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - only ever used by tests
    NOTES_KEYS = "ZmRfdGVzdF9rZXlfZm9yX25vdGVzX19fX19fX19fX18="
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL"))
    RATELIMIT_STORAGE_URI = "memory://"
    # Cheap hashing keeps the suite fast; still argon2id, still verified.
    ARGON2_PARAMETERS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


class ProductionConfig(Config):
    """A practice's server: secrets must come from the environment."""

    SESSION_COOKIE_SECURE = _env_bool("MEND_SECURE_COOKIES", True)
    HSTS = SESSION_COOKIE_SECURE


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
