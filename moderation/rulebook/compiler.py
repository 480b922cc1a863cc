"""A warm compiler process for the gunicorn master: rule changes compile without paying imports and word tables again.

A child forked from the master for each reload (compile_child) starts cold: the master loaded its
rules from the cache, so lemminflect, wordfreq, wordninja's word list and their tables are not in it, and
loading them costs about as much CPU as compiling. This process is forked once, when the master is
ready; it loads all of that a second later (after the workers booted), then compiles each reload
into the disk cache, as a fresh child would. Its memory is its
own: the workers are forked from the master, never from it.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import pickle
import signal
import struct
import threading
from pathlib import Path
from typing import Any

from ..engine import Ruleset, fold, load_ruleset
from ..engine.inflection import inflections
from ..engine.segmenter import load_model
from ..engine.spelling import dictionary_words
from ..engine.wordlist import common_words, function_words, known_words, ordinary_words
from .compile_child import OK, compile_in_child, compile_message

log = logging.getLogger(__name__)
# The warm-up waits this long, so that it does not compete with the workers booting.
WARM_UP_DELAY = 1.0
# Signals the master handles: the compiler takes the default action (a TERM ends it).
_MASTER_SIGNALS = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGCHLD", "SIGTTIN", "SIGTTOU", "SIGUSR1", "SIGUSR2", "SIGWINCH")
PROCESS_NAME = "rules-compiler"
_LENGTH = struct.Struct("!I")


class Compiler:
    """The master's handle on the compiler process: compile() asks it, and falls back to a fresh child."""

    def __init__(self, pid: int, requests: int, replies: int):
        self.pid = pid
        self._requests = os.fdopen(requests, "wb")
        self._replies = os.fdopen(replies, "rb")
        self._lock = threading.Lock()
        self.alive = True

    def compile(self, directory: str | Path, cache_dir: str | Path) -> Ruleset:
        """Compile `directory` into `cache_dir` in the compiler process, then load it; raises RuleSetError."""
        message = self._ask(str(directory), str(cache_dir)) if self.alive else None
        if message is None:
            return compile_in_child(directory, cache_dir)
        if message != OK:
            raise pickle.loads(message)  # noqa: S301 - our own child
        return load_ruleset(directory, cache_dir=cache_dir, memo=False)

    def _ask(self, directory: str, cache_dir: str) -> bytes | None:
        with self._lock:
            try:
                self._requests.write(json.dumps([directory, cache_dir]).encode() + b"\n")
                self._requests.flush()
                head = self._replies.read(_LENGTH.size)
                if len(head) == _LENGTH.size:
                    (size,) = _LENGTH.unpack(head)
                    body = self._replies.read(size)
                    if len(body) == size:
                        return body
            except OSError:
                pass
            log.warning("the rules compiler process is gone; reloads compile in a fresh child")
            self.alive = False
            return None


def attach_compiler(server: Any) -> None:
    """The gunicorn when_ready hook, after reload_by_forking: the master's reloads compile in a warm compiler process."""
    book = getattr(server.app.wsgi(), "extensions", {}).get("moderation.rules")
    if book is None or not book.compile_in_child or not book.cache_dir:
        return
    book.compiler = start_compiler([listener.fileno() for listener in server.LISTENERS])


def start_compiler(close_fds: list[int]) -> Compiler | None:
    """Fork the compiler process (it closes `close_fds`, the master's listening sockets); None when it cannot start."""
    try:
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        pid = os.fork()
    except OSError as error:
        log.warning("cannot start the rules compiler process: %s", error)
        return None
    if pid == 0:
        code = 0
        try:
            os.close(request_write)
            os.close(reply_read)
            _serve(request_read, reply_write, close_fds)
        except BaseException:  # noqa: BLE001 - the master sees the pipe close and compiles in a fresh child
            code = 1
        os._exit(code)
    os.close(request_read)
    os.close(reply_write)
    return Compiler(pid, request_write, reply_read)


def _serve(requests_fd: int, replies_fd: int, close_fds: list[int]) -> None:
    """In the compiler process: warm up, then compile what the master asks until it closes the pipe."""
    for fd in close_fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    for name in _MASTER_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    gc.freeze()  # the master's objects live as long as this process: no collection goes over them again
    with contextlib.suppress(OSError):  # `ps` and the benchmarks tell it from the workers
        Path("/proc/self/comm").write_text(PROCESS_NAME)
    requests = os.fdopen(requests_fd, "rb")
    replies = os.fdopen(replies_fd, "wb")
    asked = threading.Event()
    busy = threading.Lock()  # one compile at a time: the warm-up and a reload share the lazily loaded tables
    threading.Thread(target=_warm_up, args=(asked, busy), daemon=True).start()
    for line in requests:
        asked.set()
        directory, cache_dir = json.loads(line)
        with busy:
            message = compile_message(directory, cache_dir)
        replies.write(_LENGTH.pack(len(message)) + message)
        replies.flush()
    # The master closed its end (it stopped or died): nothing more to do.


def _warm_up(asked: threading.Event, busy: threading.Lock) -> None:
    """Load what a compile loads on first use (unless a reload came first: it warms up instead)."""
    if asked.wait(WARM_UP_DELAY):
        return
    with busy:
        if not asked.is_set():
            with contextlib.suppress(Exception):  # a table that fails to load here fails again, reported, in the compile
                load_tables()


def load_tables() -> None:
    """Import and load every table a compile uses: inflections, lemmas, word frequencies, segmentation, look-alikes."""
    load_model()  # the segmenter's word costs

    inflections("walk", "verb")  # imports lemminflect and gives it the lazily parsed table, as a compile would
    dictionary_words()
    known_words()
    common_words()
    function_words()
    ordinary_words()
    fold("\u00e9")  # a letter with a mark: the look-alike table
