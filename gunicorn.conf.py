"""gunicorn's settings, read from the working directory by a plain `gunicorn` (see docs/deployment.md).

Threaded workers: a PDF (100–270 ms of WeasyPrint) or a login (0.5 s of PBKDF2) holds one thread, not a whole
worker, so a burst of either does not queue the page views behind it.
"""

import os

wsgi_app = "familielos.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
# One process per CPU the app may use: the processes run Python in parallel, the threads wait in parallel.
workers = int(os.environ.get("WEB_CONCURRENCY", os.process_cpu_count() or 2))
# Every thread keeps its own database connection (CONN_MAX_AGE): workers × threads per app server.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker that stops answering its heartbeat this long is restarted; a long request alone does not trigger it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Idle keep-alive connections wait in the worker's poller, not in a thread. Keep them longer than the load
# balancer's idle timeout (often 60 s), so the balancer never reuses a connection gunicorn has just closed.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# Django and the URLs (with WeasyPrint) are loaded once, in the master, before the workers are forked: a worker
# started later (after a crash, or by max_requests) answers at once, not after some seconds of imports. Code is
# read at start only: a release restarts gunicorn (docs/deployment.md, "Workers"); a HUP does not reload it.
preload_app = True
# A worker is replaced after this many requests (spread, so not all at once): WeasyPrint's caches grow a worker
# from about 120 to 250 MB over the first few hundred PDFs; a fresh one starts small.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
