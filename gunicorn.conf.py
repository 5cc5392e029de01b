"""gunicorn settings for `make run` and for production (docs/deploy.md); each can be changed
through the environment without editing this file."""

import os

# CPUs this server may use (a container's or taskset's share, not the host's count). Read
# here rather than imported from the app: the master process stays free of the app's modules.
CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

# 127.0.0.1 by default: in production nginx in front terminates TLS and serves as the proxy
# (TRUSTED_PROXIES=1); set WEB_BIND=0.0.0.0:5000 only behind a firewall.
bind = os.environ.get("WEB_BIND", "127.0.0.1:5000")
# One process per CPU: a request spends its time in Python (templates, masking), which one
# process runs on one CPU at a time. Threads let a worker answer other requests while one
# waits on the database or a slow client.
workers = int(os.environ.get("WEB_WORKERS", str(CPUS)))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
# A first print of a 2,000-row notice takes ~10 s on one CPU; above that the worker is stuck.
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Workers are not restarted after N requests (gunicorn's max_requests): at thousands of
# cached answers a second that would restart one every few seconds, a stall of ~1.5 s each
# (imports, fonts). WEB_MAX_REQUESTS turns it on should a leak ever show.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# Access lines go through gunicorn's logger: the URL paths of this app carry no personal data
# (ids, receipts and verification codes, never names or resident IDs).
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
errorlog = "-"
# Not preloaded: each worker builds its own app, database engine and pools after the fork.
preload_app = False
# The web workers render single PDFs in one go; the job worker keeps the PDF process pool
# (printing/pool.py) for batch prints. Two web workers with a pool each would put four
# rendering processes on two CPUs. Set here, before the fork, so every worker inherits it.
os.environ.setdefault("PDF_POOL_WORKERS", "0")
# Database connections per worker (config.py): one per thread; PostgreSQL's max_connections
# must exceed workers × this, times the app machines, plus the job worker's.
os.environ.setdefault("DB_POOL_SIZE", str(threads))
os.environ.setdefault("DB_MAX_OVERFLOW", "1")
