"""Request guards in the contract's order: routing (404/405) first, then the key (401/403), then the body.

Routing is settled before any other check by a before_request hook. The key is checked by each view's
require_role decorator, and only then does the view's argument parser ask for the body (json_body):
JSON content type (415), size (413, chunked bodies too), strict UTF-8 JSON without duplicate keys (400),
an object at the top (400), then the schema (422).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, abort, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice (which one wins differs between parsers, so neither does)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # dict() in C first; the Python loop runs only for an object that lost a key.
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return found


# Made once: json.loads with hooks builds a new decoder (and its scanner) on every call, which is all it does beyond decode().
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_object_without_duplicates)


def parse_json_body(raw: bytes) -> Any:
    """Decode a request body strictly, aborting with a precise 400 when it is not UTF-8 JSON or repeats a key."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        abort(400, f"The body is not valid UTF-8 (invalid byte at offset {error.start}).")
    try:
        if text.startswith("\ufeff"):  # what json.loads says of a byte-order mark, which decode() alone does not check
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _DECODER.decode(text)
    except json.JSONDecodeError as error:
        abort(400, f"The body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}.")
    except DuplicateKeyError as error:
        abort(400, f"The body is not valid: the key {error.key!r} appears more than once in one object.")
    except ValueError as error:
        abort(400, f"The body is not valid JSON: {error}.")
    except RecursionError:
        abort(400, "The body is not valid JSON: nested too deeply.")


def read_body() -> bytes:
    """The raw body, cached; 413 past MAX_CONTENT_LENGTH, for a chunked body (no Content-Length) too."""
    raw = request.get_data(cache=True)
    limit = request.max_content_length
    # Werkzeug ends a body of unknown length at the limit without saying whether more followed: look. (The length
    # is compared first: a body under the limit needs no Content-Length parsed again.)
    unknown_length = limit is not None and len(raw) >= limit and request.content_length is None
    if unknown_length and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge(f"The request body is larger than {limit} bytes.")
    return raw


def json_body() -> dict[str, Any]:
    """The request's JSON object, decoded once per request; call it after the key is checked."""
    cached: dict[str, Any] | None = g.get("json_body")
    if cached is not None:
        return cached
    if request.mimetype != "application/json":
        abort(415, "Send the body as JSON with Content-Type: application/json.")
    body = parse_json_body(read_body())
    if not isinstance(body, dict):
        abort(400, "The body must be a JSON object.")
    g.json_body = body
    return body


def route_first() -> None:
    """An unknown path (404) or method (405) is answered before the key or the body is looked at."""
    # g outlives a request when a caller holds the app context (tests, CLI): no body is carried over.
    g.pop("json_body", None)
    if request.routing_exception is not None:
        current_app.raise_routing_exception(request)


def init_app(app: Flask) -> None:
    """Settle routing before every other before_request hook (this one is registered first)."""
    app.before_request(route_first)
