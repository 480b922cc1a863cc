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
# The screenshots shown in docs/review.md (and the README).
DOCS_SHOTS = (
    "review-log.png",
    "review-decision.png",
    "review-approved.png",
    "review-bulk.png",
    "review-decision-phone.png",
    "review-log-phone.png",
)
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


def get_decision(base_url: str, decision_id: str) -> dict[str, Any]:
    """Read a decision through the JSON API with the moderate key."""
    request = urllib.request.Request(f"{base_url}/v1/decisions/{decision_id}", headers={"Authorization": f"Bearer {MODERATOR_KEY}"})
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


def keep_screenshot(tab: Any, folder: Path, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot; with MODERATION_UPDATE_SCREENSHOTS=1 also refresh the docs' copy of those it shows.

    Phone pages are taken as the first screen only: a full-page capture resizes the viewport and drops the touch emulation.
    """
    path = folder / name
    tab.screenshot(path=str(path), full_page=full_page)
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

    assert page.locator(".shortcuts").first.is_visible()  # a keyboard: the hints show

    page.fill("#note", "Said about a referee in a chant; overturned after checking")
    page.keyboard.press("Escape")  # leave the note, so the next key is a shortcut
    with page.expect_navigation():
        page.keyboard.press("o")
    # The verdict opens the next threat of the queue; the one just reviewed is a click away.
    assert page.url != first_decision and "category=threat" in page.url
    assert page.locator("#review-status").inner_text() == "unreviewed"
    assert "Overturned: the comment is now approved." in page.locator("main").inner_text()
    second_decision = page.url
    with page.expect_navigation():
        page.click("#just-reviewed")
    assert page.locator("#review-status").inner_text() == "overturned"
    assert page.locator("#current-status").inner_text().lower() == "approve"
    assert "Said about a referee" in page.locator("ol.history").inner_text()
    keep_screenshot(page, screenshots, "review-decision-overturned.png")

    page.goto(first_decision)
    with page.expect_navigation():
        page.keyboard.press("j")
    assert page.url == second_decision
    # Overturned, the first threat stands approved: it left the rejected queue, so k finds no newer one there...
    assert page.locator("[data-shortcut=previous]").count() == 0
    # ...but it is still the newer one among every outcome.
    assert "status=reject" in second_decision  # the filter form names the queue's outcome
    page.goto(second_decision.replace("status=reject", "status=any"))
    with page.expect_navigation():
        page.keyboard.press("k")
    assert page.url.split("?")[0] == first_decision.split("?")[0]

    page.goto("/review/log?review=overturned")
    assert page.locator("table.log tbody tr").count() == 1
    assert "overturned" in page.locator("table.log tbody tr").first.inner_text()
    assert "approved" in page.locator("table.log tbody tr").first.inner_text()  # an overturned reject stands approved
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
        threat = server.answers[5]["decision_id"]
        for path, name in (
            ("/review/log", "review-log-phone.png"),
            ("/review/rules", "review-rules-phone.png"),
            (f"/review/decisions/{threat}", "review-decision-phone.png"),
        ):
            phone.goto(path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width} px wide at phone width"
            assert not any(phone.locator("kbd").nth(index).is_visible() for index in range(phone.locator("kbd").count()))
            keep_screenshot(phone, screenshots, name, full_page=name == "review-rules-phone.png")

        # The verdict buttons come right under the text, before "Why"; the labels in the text are just numbers.
        text_box = phone.locator("#comment-text").bounding_box()
        review_box = phone.locator(".review-box").bounding_box()
        buttons = phone.locator(".review-box .buttons").bounding_box()
        why = phone.locator("#reasons-heading").bounding_box()
        assert text_box and review_box and buttons and why
        assert 0 <= review_box["y"] - (text_box["y"] + text_box["height"]) <= 40
        assert buttons["y"] + buttons["height"] <= why["y"]
        assert buttons["y"] + buttons["height"] <= 844, "the buttons are below the first screen"
        assert phone.locator("#comment-text sup.tag").first.inner_text().strip().isdigit()
        assert not phone.locator("#comment-text .tag-detail").first.is_visible()
        assert phone.locator("kbd").count() > 0  # there are hints on this page, and none of them shows
        assert not phone.locator(".shortcuts").first.is_visible()
    finally:
        context.close()


def test_ten_rows_fit_a_laptop_screen_and_twenty_are_upheld_with_the_keyboard(page: Any, server: LiveServer, screenshots: Path) -> None:
    ids = [post_comment(server.url, {"text": f"I will kill you, troll number {n}", "site": "bulk-desk"})["decision_id"] for n in range(24)]
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "/review/log?site=bulk-desk")
    rows = page.locator("table.log tbody tr")
    assert rows.count() == 24
    bottoms = [box["y"] + box["height"] for box in (rows.nth(index).bounding_box() for index in range(24)) if box]
    on_screen = sum(bottom <= 800 for bottom in bottoms)
    print(f"\nrows on one 1280x800 screen: {on_screen}")
    assert on_screen >= 10, f"only {on_screen} rows fit a 1280x800 screen"

    # Select twenty with the keyboard (j moves down, x selects), then a range with shift-click, then uphold them.
    for _ in range(20):
        page.keyboard.press("j")
        page.keyboard.press("x")
    assert page.locator("#picked").inner_text() == "20 selected"
    assert page.locator("tbody tr.picked").count() == 20
    page.keyboard.press("x")  # the twentieth again: unselected
    assert page.locator("#picked").inner_text() == "19 selected"
    page.keyboard.press("x")
    page.fill("#bulk-note", "Same troll wave, checked one by one")
    page.keyboard.press("Escape")
    keep_screenshot(page, screenshots, "review-bulk.png")
    with page.expect_navigation():
        page.keyboard.press("u")
    assert "Upheld 20 comments." in page.locator("main").inner_text()
    newest_first = ids[::-1]
    upheld = [get_decision(server.url, decision_id) for decision_id in newest_first[:20]]
    assert {(d["review_status"], d["status"], d["reviews"][0]["note"]) for d in upheld} == {
        ("upheld", "reject", "Same troll wave, checked one by one")
    }
    assert {get_decision(server.url, decision_id)["review_status"] for decision_id in newest_first[20:]} == {"unreviewed"}

    # Shift-click selects a range of the rest; u reviews only what is selected.
    page.goto("/review/log?site=bulk-desk&review=unreviewed")
    boxes = page.locator("tbody input[name=ids]")
    assert boxes.count() == 4
    boxes.nth(0).click()
    boxes.nth(2).click(modifiers=["Shift"])
    assert page.locator("#picked").inner_text() == "3 selected"
    with page.expect_navigation():
        page.click(".bulk-bar button.overturn")
    assert "Overturned 3 comments." in page.locator("main").inner_text()
    assert page.locator("tbody tr").count() == 1
    assert page.dialogs == [] and page.errors == []


def test_the_approved_queue_finds_what_the_rules_missed(page: Any, server: LiveServer, screenshots: Path) -> None:
    missed = post_comment(server.url, {"text": "People like you should all be deported, go home", "site": "approved-desk"})
    fine = post_comment(server.url, {"text": "A fair point about the bus timetable", "site": "approved-desk"})
    assert missed["decision"] == fine["decision"] == "approve"
    sign_in(page, "/review/log?site=approved-desk")
    assert page.locator("table.log tbody tr").count() == 0
    with page.expect_navigation():
        page.click("a[data-queue=approved]")
    assert "status=approve" in page.url and "site=approved-desk" in page.url
    assert page.locator("a[data-queue=approved] b").inner_text() == "2"
    rows = page.locator("table.log tbody tr")
    assert rows.count() == 2 and "bus timetable" in rows.first.inner_text() and "deported" in rows.nth(1).inner_text()  # newest first
    keep_screenshot(page, screenshots, "review-approved.png")

    with page.expect_navigation():
        rows.nth(1).locator("td.excerpt a").click()
    assert "Overturn reject it" in " ".join(page.locator("button.overturn").inner_text().split())
    with page.expect_navigation():
        page.keyboard.press("o")
    assert "Overturned: the comment is now rejected." in page.locator("main").inner_text()
    assert get_decision(server.url, missed["decision_id"])["status"] == "reject"
    page.goto("/review/log?site=approved-desk")  # the rejected queue
    rows = page.locator("table.log tbody tr")
    assert rows.count() == 1 and "rejected" in rows.first.inner_text() and "overturned" in rows.first.inner_text()
    assert page.dialogs == [] and page.errors == []


def test_times_show_the_readers_local_time_beside_utc(browser: Any, server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url, timezone_id="Asia/Kolkata")
    try:
        tab = context.new_page()
        threat = server.answers[5]["decision_id"]
        sign_in(tab, f"/review/decisions/{threat}")
        logged = tab.locator("dl.details time").first
        assert "UTC" in logged.inner_text()
        local = logged.locator(".local-time").inner_text()
        assert local.endswith("local")
        utc_minutes = logged.get_attribute("datetime")
        assert utc_minutes and local[:5] != utc_minutes[11:16]  # India is 5:30 ahead: never the same minutes
    finally:
        context.close()


def test_the_rules_page_shows_hits(page: Any, server: LiveServer) -> None:
    threat_rule = server.answers[1]["reasons"][0]["rule"]
    sign_in(page, "/review/rules")
    row = page.locator("tr", has=page.get_by_text(threat_rule, exact=True))
    assert row.count() == 1
    assert row.locator("td[data-label=Hits]").inner_text().startswith("2")
    assert "The last load succeeded." in page.content()
