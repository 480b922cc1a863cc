"""The one JSON error shape: {"code", "status", "message", "errors"}, produced in one place."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

_DEFAULT_MESSAGES = {
    401: "Send an API key: Authorization: Bearer <key>.",
    404: "No such resource.",
    405: "Method not allowed on this resource.",
    413: "The request body is too large.",
    422: "The request is not valid.",
}


def error_body(code: int, message: str | None = None, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    """The contract's error object."""
    return {
        "code": code,
        "status": HTTPStatus(code).phrase,
        "message": message or _DEFAULT_MESSAGES.get(code) or HTTPStatus(code).description,
        "errors": errors or {},
    }


def _field_errors(error: HTTPException) -> dict[str, Any]:
    """Field errors from webargs/flask-smorest, without the location level ("json")."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors") or {}
    if not isinstance(messages, dict):
        return {"_body": messages}
    flat: dict[str, Any] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def handle_http_error(error: HTTPException) -> tuple[Response, int]:
    """Render any HTTP error in the contract's shape."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    message = data.get("message") or (error.description if error.description != type(error).description else None)
    response = jsonify(error_body(code, message, _field_errors(error)))
    for name, value in error.get_headers() if hasattr(error, "get_headers") else []:
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    if code == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response, code


def handle_unexpected(error: Exception) -> tuple[Response, int]:
    """A bug: log it, answer a 500 in the contract's shape without internals."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    from flask import current_app

    current_app.logger.exception("unhandled error", exc_info=error)
    return jsonify(error_body(500, InternalServerError.description)), 500


def init_app(app: Flask) -> None:
    """Register the error handlers (after flask-smorest's, which they replace)."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
