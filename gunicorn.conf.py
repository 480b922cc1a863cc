"""gunicorn settings for `make run`; every value can be overridden by GUNICORN_CMD_ARGS or the environment.

gevent workers: a connection costs a greenlet, not a thread, so slow clients (a header byte a second) wait
in their own greenlets while ordinary requests are served. The master is not monkey-patched (gunicorn's
arbiter runs threads of its own); each worker patches itself after the fork, then renews what the
preloaded app made before (moderation.web.serving). The rules are compiled once, in the master
(preload_app), and the workers share those pages; gc.freeze() keeps the collector from touching them.
gunicorn's own refusals (bad request line, 414, 431) come in the JSON error shape (moderation.web.serving).
"""

import gc
import multiprocessing
import os

WORKER_CLASSES = {
    "gevent": "moderation.web.serving.JsonErrorGeventWorker",
    "gthread": "moderation.web.serving.JsonErrorThreadWorker",
}
worker_kind = os.environ.get("MODERATION_WORKER_CLASS", "gevent")
if worker_kind not in WORKER_CLASSES:
    raise SystemExit(f"MODERATION_WORKER_CLASS must be one of {', '.join(WORKER_CLASSES)}, not {worker_kind!r}")

bind = os.environ.get("MODERATION_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("MODERATION_WORKERS", min(4, multiprocessing.cpu_count())))
worker_class = WORKER_CLASSES[worker_kind]
# gevent: simultaneous connections per worker; gthread: threads per worker.
worker_connections = int(os.environ.get("MODERATION_WORKER_CONNECTIONS", "1000"))
threads = int(os.environ.get("MODERATION_THREADS", "4"))
preload_app = True
timeout = 30
graceful_timeout = 10
keepalive = 5
# gunicorn's defaults, stated: a request line of 4094 bytes, 100 header fields of 8190 bytes each.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = os.environ.get("MODERATION_ACCESS_LOG", "-") or None
# The path only: query strings (author=, q=) and the Referer (a review page with its query) stay out of the access log.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
# gunicorn's logger, writing the lines of this format without its per-request dicts (moderation.web.access_log).
logger_class = "moderation.web.access_log.AccessLogger"


def when_ready(server: object) -> None:
    """After the preloaded app is built and before the first fork: rules reload by new forks; freeze what exists."""
    from moderation.engine.language import load_word_lists
    from moderation.rulebook.compiler import attach_compiler
    from moderation.web.serving import reload_by_forking

    load_word_lists()  # else each worker reads its own copy on its first comment
    reload_by_forking(server)
    attach_compiler(server)  # forked before the workers: they never share its pages
    gc.collect()
    gc.freeze()


def pre_fork(server: object, worker: object) -> None:
    """Freeze again before each fork, so a worker started later shares what the master made since."""
    gc.freeze()
