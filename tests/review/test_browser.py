"""The review pages in a real browser: Debian's Chromium driven by Playwright against gunicorn serving the app."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROJECT = Path(__file__).resolve().parents[2]
DOCS_SCREENSHOTS = PROJECT / "docs" / "screenshots"
DOCS_SHOTS = ("review-log.png", "review-decision.png")  # the two shown in docs/review.md
SUBMIT_KEY = "browser-submit-key"
MODERATOR_KEY = "browser-moderate-key"
# Marker a hostile comment would set if any of its script ran.
HOSTILE = (
    "fuck this <script>window.owned = 1; alert('script ran')</script> "
    "<img src=x onerror=\"window.owned = 2; alert('image ran')\"> "
    "<a href=\"javascript:alert('link ran')\">click me</a>"
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run the browser tests",
    ),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (pip install -e '.[test]')")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """gunicorn serving wsgi:app in its own process group."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    answers: list[dict[str, Any]] = field(default_factory=list)

    def stop(self) -> None:
        """Stop the whole process group (master and workers)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def start_server(folder: Path) -> LiveServer:
    """Start gunicorn on a free port with a fresh SQLite log and instance folder; wait until it answers."""
    port = free_port()
    environment = {
        **os.environ,
        "MODERATION_API_KEYS": f"browser-submit=submit:{SUBMIT_KEY},browser-moderator=moderate:{MODERATOR_KEY}",
        "MODERATION_DATABASE_URL": f"sqlite:///{folder / 'log.sqlite3'}",
        "MODERATION_INSTANCE_PATH": str(folder / "instance"),
    }
    environment.pop("MODERATION_SECRET_KEY", None)
    log = folder / "gunicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=PROJECT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/v1/health", timeout=2) as response:
                if response.status == 200:
                    return server
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    server.stop()
    pytest.fail(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")


def post_comment(base_url: str, body: dict[str, Any]) -> dict[str, Any]:
    """Submit a comment through the JSON API with the submit key."""
    request = urllib.request.Request(
        f"{base_url}/v1/comments",
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {SUBMIT_KEY}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer: dict[str, Any] = json.load(response)
    return answer


SEED = [
    {"text": "Great reporting, thank you.", "site": "daily-news", "article": {"id": "budget-2026", "title": "Council budget"}},
    {
        "text": "I will kill you if you come to the match on Saturday.",
        "site": "sport-desk",
        "author": {"id": "u-311", "name": "terrace_king"},
        "article": {"id": "derby", "url": "https://sport.example/derby", "title": "Derby preview"},
    },
    {
        "text": "Honestly, fuck this council and its budget.",
        "site": "daily-news",
        "author": {"id": "u-102", "name": "localvoice"},
        "article": {"id": "budget-2026", "url": "https://news.example/budget-2026", "title": "Council budget"},
    },
    {
        "text": "Read the article before commenting, you are a complete idiot.",
        "site": "daily-news",
        "author": {"id": "u-877", "name": "pedant"},
        "article": {"id": "budget-2026", "title": "Council budget"},
    },
    {
        "text": HOSTILE,
        "site": "daily-news",
        "author": {"id": "u-666", "name": "<img src=x onerror=alert('name ran')>"},
        "article": {"id": "budget-2026", "url": "javascript:alert('article ran')", "title": "<script>alert('title ran')</script>"},
    },
    {
        "text": "I will kill you, ref. You know who you are.",
        "site": "sport-desk",
        "comment_id": "c-9001",
        "language": "en",
        "author": {"id": "u-42", "name": "angry_fan"},
        "article": {"id": "derby", "url": "https://sport.example/derby", "title": "Derby preview"},
    },
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real server with a seeded log."""
    live = start_server(tmp_path_factory.mktemp("review-server"))
    try:
        live.answers = [post_comment(live.url, body) for body in SEED]
        assert [answer["decision"] for answer in live.answers[1:]] == ["reject"] * 5, live.answers
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this run's screenshots go (printed, so a failing run can be looked at)."""
    folder = tmp_path_factory.mktemp("review-screenshots")
    print(f"\nreview page screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, started by Playwright (never a downloaded browser)."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, server: LiveServer) -> Iterator[Any]:
    """A fresh browser tab (own cookies) that records every dialog and page error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
    tab = context.new_page()
    tab.dialogs = []
    tab.errors = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()


def sign_in(tab: Any, path: str = "/review/log") -> None:
    """Open a review page, get sent to sign-in, sign in with the moderate key and come back."""
    tab.goto(path)
    assert "/review/sign-in" in tab.url
    tab.fill("#key", MODERATOR_KEY)
    with tab.expect_navigation():
        tab.click("button[type=submit].primary")
    assert tab.url.endswith(path), tab.url


def keep_screenshot(tab: Any, folder: Path, name: str) -> Path:
    """Save a full-page screenshot; with MODERATION_UPDATE_SCREENSHOTS=1 also refresh the docs' copy of the two it shows."""
    path = folder / name
    tab.screenshot(path=str(path), full_page=True)
    if name in DOCS_SHOTS and os.environ.get("MODERATION_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / name)
    return path


def test_a_moderator_finds_threats_overturns_one_with_the_keyboard_and_moves_on(page: Any, screenshots: Path) -> None:
    sign_in(page)
    assert page.locator("table.log tbody tr").count() == 5

    page.select_option("#f-category", "threat")
    page.click("form.filters summary")  # "More filters" holds the dates
    page.fill("#f-since", datetime.now(UTC).date().isoformat())
    page.fill("#f-until", datetime.now(UTC).date().isoformat())
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "category=threat" in page.url and "since=" in page.url
    rows = page.locator("table.log tbody tr")
    assert rows.count() == 2
    assert all("threat" in text for text in rows.all_inner_texts())
    keep_screenshot(page, screenshots, "review-log.png")

    with page.expect_navigation():
        rows.first.locator("td.excerpt a").click()
    assert "/review/decisions/" in page.url and "category=threat" in page.url
    first_decision = page.url
    assert page.locator("#comment-text mark.hit").first.inner_text() != ""
    assert "threats/" in page.locator("#comment-text sup.tag").first.inner_text()
    assert page.locator("#review-status").inner_text() == "unreviewed"
    keep_screenshot(page, screenshots, "review-decision.png")

    page.fill("#note", "Said about a referee in a chant; overturned after checking")
    page.keyboard.press("Escape")  # leave the note, so the next key is a shortcut
    with page.expect_navigation():
        page.keyboard.press("o")
    assert page.locator("#review-status").inner_text() == "overturned"
    assert page.locator("#current-status").inner_text().lower() == "approve"
    assert "Said about a referee" in page.locator("ol.history").inner_text()
    keep_screenshot(page, screenshots, "review-decision-overturned.png")

    with page.expect_navigation():
        page.keyboard.press("j")
    assert page.url != first_decision and "category=threat" in page.url
    assert page.locator("#review-status").inner_text() == "unreviewed"
    with page.expect_navigation():
        page.keyboard.press("k")
    assert page.url == first_decision

    page.goto("/review/log?review=overturned")
    assert page.locator("table.log tbody tr").count() == 1
    assert "overturned" in page.locator("table.log tbody tr").first.inner_text()
    assert page.dialogs == [] and page.errors == []


def test_typing_a_note_does_not_trigger_shortcuts(page: Any) -> None:
    sign_in(page, "/review/log?category=profanity")
    page.locator("table.log tbody tr td.excerpt a").first.click()
    page.wait_for_load_state()
    decision = page.url
    page.click("#note")
    page.keyboard.type("obviously justified")
    assert page.url == decision
    assert page.locator("#review-status").inner_text() == "unreviewed"


def test_a_hostile_comment_shows_as_text_and_runs_nothing(page: Any, screenshots: Path) -> None:
    sign_in(page, "/review/log?q=click+me")
    row = page.locator("table.log tbody tr")
    assert row.count() == 1
    assert "<script>window.owned = 1;" in row.first.inner_text()
    with page.expect_navigation():
        row.first.locator("td.excerpt a").click()
    page.wait_for_timeout(500)  # time for an image error handler to fire, had an image been made
    comment = page.locator("#comment-text")
    assert "<script>window.owned = 1; alert('script ran')</script>" in comment.inner_text()
    assert "<img src=x onerror=" in comment.inner_text()
    assert comment.locator("script, img, a").count() == 0
    assert page.evaluate("typeof window.owned") == "undefined"
    assert page.locator("a[href^='javascript:']").count() == 0
    assert "<img src=x onerror=alert('name ran')>" in page.locator("dl.details").inner_text()
    keep_screenshot(page, screenshots, "review-hostile.png")
    assert page.dialogs == [], page.dialogs
    assert page.errors == [], page.errors


def test_the_pages_fit_a_phone(browser: Any, server: LiveServer, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server.url, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        sign_in(phone)
        for path, name in (("/review/log", "review-log-phone.png"), ("/review/rules", "review-rules-phone.png")):
            phone.goto(path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width} px wide at phone width"
            keep_screenshot(phone, screenshots, name)
    finally:
        context.close()


def test_the_rules_page_shows_hits(page: Any, server: LiveServer) -> None:
    threat_rule = server.answers[1]["reasons"][0]["rule"]
    sign_in(page, "/review/rules")
    row = page.locator("tr", has=page.get_by_text(threat_rule, exact=True))
    assert row.count() == 1
    assert row.locator("td[data-label=Hits]").inner_text().startswith("2")
    assert "The last load succeeded." in page.content()
