"""Configuration read from the environment, with safe defaults for the embedded SQLite mode."""

import json
import os
import secrets
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from noticeboard.core.crypto import new_key

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'noticeboard.sqlite3'}"
    # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants the psycopg 3 dialect.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


DATA_KEY_FILE = INSTANCE_DIR / "data_keys.json"


def data_keys(path: Path = DATA_KEY_FILE) -> tuple[list[str], str]:
    """The keys of personal data at rest (core/crypto.py): the data keys, current first, and
    the index key. NOTICEBOARD_DATA_KEY (comma-separated, current first) and
    NOTICEBOARD_INDEX_KEY from the environment; else a file generated once in instance/,
    outside the database, so a copied database or backup alone reads as ciphertext."""
    data = [k.strip() for k in os.environ.get("NOTICEBOARD_DATA_KEY", "").split(",") if k.strip()]
    index = os.environ.get("NOTICEBOARD_INDEX_KEY", "").strip()
    if data and index:
        return data, index
    if not path.exists():
        write_data_keys({"data": [new_key()], "index": new_key()}, path)
    kept = json.loads(path.read_text())
    return data or kept["data"], index or kept["index"]


def write_data_keys(keys: dict, path: Path = DATA_KEY_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(keys, indent=1))
    partial.chmod(0o600)
    partial.replace(path)  # a crash never leaves half a key file


class Config:
    SQLALCHEMY_DATABASE_URI = _database_url()
    # hide_parameters: database errors must not quote names, IDs or phones into logs.
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {
        "pool_pre_ping": True,
        "hide_parameters": True,
        # Connections kept per process: gunicorn.conf.py sets one per thread of a worker.
        "pool_size": int(os.environ.get("DB_POOL_SIZE", "5")),
        "max_overflow": int(os.environ.get("DB_MAX_OVERFLOW", "5")),
    }
    SECRET_KEY = _secret_key()
    DATA_KEYS = data_keys()
    # Years a terminated or rejected case keeps its personal data after closing (档案保管
    # period the county follows); then `flask retention run` erases the identifiers.
    RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", "5"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Also on whenever PUBLIC_BASE_URL is https (follow_public_address).
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a clerk's working day on one form
    # No form here is near this; a larger request is refused (413) before it is read.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024)))
    # Spreadsheet imports (the upload page alone accepts a body this large): a township's
    # recipients fit many times over; larger files are refused with the limit named.
    IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "20000"))
    # Shared by every worker process of this machine (core/ratelimit_storage.py); several
    # machines share a Redis: redis://host:6379/0.
    RATELIMIT_STORAGE_URI = os.environ.get(
        "RATELIMIT_STORAGE_URI", f"sqlite:///{INSTANCE_DIR / 'ratelimits.sqlite3'}"
    )
    RATELIMIT_STRATEGY = "fixed-window"
    RATELIMIT_HEADERS_ENABLED = True
    # Failed logins allowed per client address before a pause. A township office shares one
    # public address, so this is several staff members' worth of typing mistakes.
    LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "20 per 5 minutes")
    # Failed logins allowed per account (from any address) before that account is paused.
    LOGIN_ACCOUNT_FAILURE_LIMIT = os.environ.get("LOGIN_ACCOUNT_FAILURE_LIMIT", "5 per 5 minutes")
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed; 0 ignores
    # the headers (a client could write them itself).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # A staff session ends after this long without a request, and after this long in any case.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    # Where residents reach this site; printed in PDFs and QR codes, used in feeds and the API.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Days an ended 7-day notice stays readable online before it leaves public view.
    NOTICE_GRACE_DAYS = int(os.environ.get("NOTICE_GRACE_DAYS", "30"))
    # Notices per page of /api/v1/notices.
    API_PAGE_SIZE = int(os.environ.get("API_PAGE_SIZE", "100"))
    # Public statistics: a cell counting fewer households than this is suppressed.
    STATS_SUPPRESS_BELOW = int(os.environ.get("STATS_SUPPRESS_BELOW", "3"))
    # `flask backup create`: where backups go and how many of the newest are kept.
    BACKUP_DIR = os.environ.get("BACKUP_DIR") or str(INSTANCE_DIR / "backups")
    BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))
    # Memory per worker for public answers kept between requests (core/response_cache.py);
    # 0 turns the cache off.
    RESPONSE_CACHE_MB = int(os.environ.get("RESPONSE_CACHE_MB", "32"))
    # Working days from a 低保/特困 application to its decision (cases/deadlines.py).
    DECISION_WORKING_DAYS = int(os.environ.get("DECISION_WORKING_DAYS", "30"))
    # Working days from a refusal to its written notice to the applicant (cases/deadlines.py).
    REFUSAL_LETTER_WORKING_DAYS = int(os.environ.get("REFUSAL_LETTER_WORKING_DAYS", "3"))
    # Working days from an upheld objection to a 特困 case's new notice (notices/deadlines.py).
    RENOTICE_WORKING_DAYS = int(os.environ.get("RENOTICE_WORKING_DAYS", "15"))
    # Working days after a 先行救助 payment to complete its paperwork (cases/emergency.py).
    EMERGENCY_PAPERWORK_WORKING_DAYS = int(os.environ.get("EMERGENCY_PAPERWORK_WORKING_DAYS", "5"))
    # Render each published notice's board copy (A4) in the job worker right after it is
    # published, so a batch print of a county only merges stored PDFs (printing/prerender.py).
    PRERENDER_PDFS = os.environ.get("PRERENDER_PDFS", "1") not in ("0", "false", "no", "")
    # Hours a finished job (a batch print's file, a failed job's error) is kept.
    JOB_KEEP_HOURS = int(os.environ.get("JOB_KEEP_HOURS", "24"))
    # Objections raised online, per client address.
    OBJECTION_LIMIT = os.environ.get("OBJECTION_LIMIT", "5 per hour")
    # Months between periodic reviews (定期核查) of a 低保/特困 case, and for households with
    # irregular income or members able to work (《最低生活保障审核确认办法》第三十一条).
    REVIEW_MONTHS = int(os.environ.get("REVIEW_MONTHS", "12"))
    REVIEW_MONTHS_FREQUENT = int(os.environ.get("REVIEW_MONTHS_FREQUENT", "6"))
    # Full resident IDs one account may see (pages and reveals) within an hour before the
    # administrator and the county are alerted (audit/access.py).
    ACCESS_ALERT_PER_HOUR = int(os.environ.get("ACCESS_ALERT_PER_HOUR", "100"))


def follow_public_address(config) -> None:
    """Settings that follow from PUBLIC_BASE_URL once overrides are in: a site served over
    HTTPS sends its cookies over HTTPS only."""
    if urlsplit(config["PUBLIC_BASE_URL"]).scheme == "https":
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
