"""/docs: Swagger UI from the pinned package, served by the service itself, under a CSP that forbids inline script."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
REFERENCES = re.compile(r'(?:src|href)="([^"]+)"')


def test_the_docs_page_loads_nothing_from_elsewhere_and_no_inline_script(client: FlaskClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    references = REFERENCES.findall(html)
    assert references and all(reference.startswith("/docs/") for reference in references)
    assert re.search(r"<script(?![^>]*\ssrc=)", html) is None
    for reference in references:
        asset = client.get(reference)
        assert asset.status_code == 200, reference
        assert asset.headers["Content-Security-Policy"] == policy


def test_only_the_pages_own_files_of_the_bundle_are_served(client: FlaskClient) -> None:
    assert client.get("/docs/swagger-ui/swagger-ui-bundle.js").status_code == 200
    for path in ("/docs/swagger-ui/index.html", "/docs/swagger-ui/../__init__.py", "/docs/swagger-ui/swagger-ui.js.map"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert set(response.get_json()) == {"code", "status", "message", "errors"}


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """The app on a loopback port (a real browser needs a socket)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)")
def test_swagger_ui_renders_offline_without_breaking_its_policy(served: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            problems: list[str] = []
            page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            elsewhere: list[str] = []

            def offline(route: Any) -> None:
                """Any request off this origin is refused, as it would be without internet."""
                if route.request.url.startswith(served):
                    route.continue_()
                else:
                    elsewhere.append(route.request.url)
                    route.abort()

            page.route("**/*", offline)
            page.goto(f"{served}/docs", wait_until="networkidle")
            page.wait_for_selector(".opblock", timeout=15_000)
            assert page.locator(".opblock").count() >= 10  # the operations are listed
            assert "Comment moderation" in page.locator(".info .title").inner_text()
            assert elsewhere == []
            assert [problem for problem in problems if "Content Security Policy" in problem] == []
        finally:
            browser.close()
