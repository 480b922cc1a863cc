"""Request body guards: JSON content type, strict UTF-8, valid JSON, an object at the top."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, abort, g, request

_BODY_METHODS = {"POST", "PUT", "PATCH"}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json_body(raw: bytes) -> Any:
    """Decode a request body strictly, aborting with a precise 400 when it is not UTF-8 JSON."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        abort(400, f"The body is not valid UTF-8 (invalid byte at offset {error.start}).")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        abort(400, f"The body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}.")
    except ValueError as error:
        abort(400, f"The body is not valid JSON: {error}.")
    except RecursionError:
        abort(400, "The body is not valid JSON: nested too deeply.")


def check_json_body() -> None:
    """Before a JSON endpoint runs: refuse other content types and malformed bodies."""
    if request.method not in _BODY_METHODS or not request.path.startswith("/v1/"):
        return
    if request.mimetype != "application/json":
        abort(415, "Send the body as JSON with Content-Type: application/json.")
    body = parse_json_body(request.get_data(cache=True))
    if not isinstance(body, dict):
        abort(400, "The body must be a JSON object.")
    g.json_body = body


def init_app(app: Flask) -> None:
    """Run the body guard before every request."""
    app.before_request(check_json_body)
