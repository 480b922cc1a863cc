"""gunicorn settings for `make run`; every value can be overridden by GUNICORN_CMD_ARGS or the environment."""

import multiprocessing
import os

bind = os.environ.get("MODERATION_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("MODERATION_WORKERS", min(4, multiprocessing.cpu_count())))
threads = int(os.environ.get("MODERATION_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
accesslog = "-"
# The path only: query strings (author=, q=) and the Referer (a review page with its query) stay out of the access log.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
