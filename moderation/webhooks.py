"""Webhooks: a sender thread in each server process posts the outbox's signed events to the site, with retries."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import random
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from sqlalchemy import Engine

from .storage.outbox import (
    ClaimedDelivery,
    claim_deliveries,
    has_due_deliveries,
    mark_delivered,
    mark_failed_attempt,
    purge_deliveries,
    set_outbox_enabled,
)

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Moderation-Signature"
USER_AGENT = "comment-moderation-webhooks/1"
FIRST_RETRY_SECONDS = 10.0
LONGEST_RETRY_SECONDS = 3600.0
BATCH = 10
KEEP_DAYS = 30
_PURGE_EVERY = timedelta(hours=1)
_RESPONSE_BYTES = 300  # of a refusal's body, kept as the delivery's last error


@dataclass(frozen=True)
class WebhookSettings:
    """Where events go, the signing secret, and how long and how patiently to try."""

    url: str
    secret: str
    timeout: float = 10.0
    retry_hours: float = 24.0
    poll_seconds: float = 1.0


def signature(secret: str, body: bytes) -> str:
    """The X-Moderation-Signature value of a body: sha256=<hex HMAC-SHA256 of the raw body, keyed by the secret>."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: 10 s doubling up to an hour, with ±10 % jitter."""
    base = min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), LONGEST_RETRY_SECONDS)
    # Jitter spreads a burst of retries after an outage; it guards nothing, so any generator does.
    return float(base * random.uniform(0.9, 1.1))  # noqa: S311


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver that redirects is misconfigured: the attempt fails instead of re-posting (or dropping) the body."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects())


def post_event(settings: WebhookSettings, delivery_id: int, body: str) -> tuple[int | None, str]:
    """POST one signed event; the HTTP status (None when unreachable) and an error text ('' on a 2xx)."""
    raw = body.encode("utf-8")
    # The URL's scheme was checked at start-up (http or https only).
    request = urllib.request.Request(  # noqa: S310
        settings.url,
        data=raw,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Moderation-Event": "decision.reviewed",
            "X-Moderation-Delivery": str(delivery_id),
            SIGNATURE_HEADER: signature(settings.secret, raw),
        },
    )
    try:
        with _opener.open(request, timeout=settings.timeout) as response:
            status = int(response.status)
            return (status, "") if 200 <= status < 300 else (status, f"HTTP {status}")
    except urllib.error.HTTPError as error:
        detail = error.read(_RESPONSE_BYTES).decode("utf-8", "replace").strip()
        return error.code, f"HTTP {error.code}" + (f": {detail}" if detail else "")
    except (urllib.error.URLError, OSError, ValueError) as error:  # refused, timed out, DNS, TLS, bad URL
        reason = getattr(error, "reason", error)
        return None, f"unreachable: {reason}"


class WebhookSender:
    """The outbox sender of one process: a daemon thread (a greenlet under gevent) that wakes every poll_seconds."""

    def __init__(self, engine: Engine, settings: WebhookSettings):
        self.engine = engine
        self.settings = settings
        self.pid = os.getpid()
        # Made in the process that uses them, after any fork and after gevent's monkey-patching.
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_purge: datetime | None = None

    @property
    def running(self) -> bool:
        """True while this process's sender thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (once)."""
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="webhook-sender", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread after the delivery in hand (for tests and orderly shutdowns)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if has_due_deliveries(self.engine):
                    self.run_once()
                self._purge_now_and_then()
            except Exception:  # the database is away: keep the thread, try again at the next tick
                log.exception("webhooks: sending failed; trying again in %.0f s", self.settings.poll_seconds)
            self._stop.wait(self.settings.poll_seconds)

    def _purge_now_and_then(self) -> None:
        now = datetime.now(UTC)
        if self._last_purge is None or now - self._last_purge > _PURGE_EVERY:
            self._last_purge = now
            purge_deliveries(self.engine, now - timedelta(days=KEEP_DAYS))

    def run_once(self, now: datetime | None = None) -> int:
        """Claim the due deliveries (a batch) and try each once; return how many were tried."""
        # The lease outlasts the batch even if every receiver call times out, so nobody else takes them meanwhile.
        lease = BATCH * (self.settings.timeout + 5)
        claimed = claim_deliveries(self.engine, limit=BATCH, lease_seconds=lease, now=now)
        for delivery in claimed:
            self.deliver(delivery)
        return len(claimed)

    def deliver(self, delivery: ClaimedDelivery) -> None:
        """Send one claimed delivery and record the outcome: delivered, retried later, or given up after a day."""
        status, error = post_event(self.settings, delivery.id, delivery.body)
        now = datetime.now(UTC)
        if not error and status is not None:
            mark_delivered(self.engine, delivery, status, now)
            return
        deadline = delivery.created_at + timedelta(hours=self.settings.retry_hours)
        retry_at: datetime | None = now + timedelta(seconds=retry_delay(delivery.attempts + 1))
        if now >= deadline:
            retry_at = None
            log.error("webhooks: giving up delivery %s after %d attempts: %s", delivery.id, delivery.attempts + 1, error)
        elif retry_at is not None and retry_at > deadline:
            retry_at = deadline  # one last try at the end of the day
        mark_failed_attempt(self.engine, delivery, http_status=status, error=error, retry_at=retry_at, now=now)


def sender_for(app: Flask) -> WebhookSender | None:
    """The sender of this process for the app, made on first use (so each forked worker makes its own); None when off."""
    settings: WebhookSettings | None = app.extensions.get("moderation.webhook_settings")
    if settings is None:
        return None
    sender: WebhookSender | None = app.extensions.get("moderation.webhooks")
    if sender is None or sender.pid != os.getpid():
        # Two request threads racing here may each make one; the leases keep that harmless, and the last one stays.
        sender = app.extensions["moderation.webhooks"] = WebhookSender(app.extensions["moderation.db"], settings)
    return sender


def _start_sender() -> None:
    sender = sender_for(current_app._get_current_object())  # type: ignore[attr-defined]
    if sender is not None and not sender.running:
        sender.start()


def _settings(app: Flask) -> WebhookSettings | None:
    """The webhook settings from app.config, checked; None when no URL is configured."""
    url = str(app.config.get("WEBHOOK_URL") or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"MODERATION_WEBHOOK_URL must be an http or https URL, not {url!r}")
    secret = str(app.config.get("WEBHOOK_SECRET") or "")
    if not secret:
        raise ValueError("MODERATION_WEBHOOK_SECRET must be set with MODERATION_WEBHOOK_URL: receivers check the signature")
    try:
        timeout = float(app.config.get("WEBHOOK_TIMEOUT_SECONDS", 10.0))
        retry_hours = float(app.config.get("WEBHOOK_RETRY_HOURS", 24.0))
        poll = float(app.config.get("WEBHOOK_POLL_SECONDS", 1.0))
    except (TypeError, ValueError):
        raise ValueError("MODERATION_WEBHOOK_TIMEOUT_SECONDS and _RETRY_HOURS must be numbers") from None
    if not (0 < timeout <= 60 and 0 < retry_hours <= 24 * 30 and 0 < poll <= 60):
        raise ValueError("webhook timeout must be in (0, 60] s, retries in (0, 720] h, polling in (0, 60] s")
    return WebhookSettings(url, secret, timeout=timeout, retry_hours=retry_hours, poll_seconds=poll)


def init_app(app: Flask) -> None:
    """Queue review events when a webhook URL is configured; each process starts its sender at its first request.

    Not at start-up: gunicorn --preload builds the app in the master and forks, and threads do not survive a fork
    (nor would a thread made before gevent's monkey-patching cooperate with it). Load-balancer health checks are
    requests too, so an idle worker still sends what is waiting.
    """
    settings = _settings(app)
    set_outbox_enabled(app.extensions["moderation.db"], settings is not None)
    if settings is None:
        return
    app.extensions["moderation.webhook_settings"] = settings
    if app.config.get("WEBHOOK_SENDER", True):
        app.before_request(_start_sender)
