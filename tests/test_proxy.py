"""MODERATION_TRUSTED_PROXIES: forwarded headers are trusted only when configured."""

from __future__ import annotations

import pytest
from flask import Flask, request

from moderation import create_app
from moderation.web.proxy import ProxyConfigError


def _scheme_seen(app: Flask) -> str:
    @app.get("/scheme-probe")
    def probe() -> str:
        return request.scheme

    response = app.test_client().get("/scheme-probe", headers={"X-Forwarded-Proto": "https"})
    return response.get_data(as_text=True)


def test_forwarded_headers_are_ignored_by_default(app_config: dict[str, object]) -> None:
    assert _scheme_seen(create_app(app_config)) == "http"


def test_one_trusted_proxy_makes_the_forwarded_scheme_count(app_config: dict[str, object]) -> None:
    assert _scheme_seen(create_app({**app_config, "TRUSTED_PROXIES": "1"})) == "https"


@pytest.mark.parametrize("value", ["two", "-1", "9"])
def test_a_bad_proxy_count_stops_the_start(app_config: dict[str, object], value: str) -> None:
    with pytest.raises(ProxyConfigError, match="MODERATION_TRUSTED_PROXIES"):
        create_app({**app_config, "TRUSTED_PROXIES": value})
