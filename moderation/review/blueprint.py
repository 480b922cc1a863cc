"""The review blueprint: CSRF on every form, strict security headers, HTML error pages, template helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from flask import Blueprint, Response, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from .session import current_moderator

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates", static_folder="static")
csrf = CSRFProtect()

# Comments are hostile input: no inline script or style, nothing from elsewhere, no framing, no form posts away.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@bp.before_request
def check_csrf() -> None:
    """Refuse a form post without this session's CSRF token."""
    csrf.protect()


@bp.context_processor
def signed_in_moderator() -> dict[str, Any]:
    """Templates show who is signed in (read from the session, so error pages know it too).

    A page behind moderator_required has already checked the session and set g.moderator: it is not checked twice.
    """
    return {"moderator": g.get("moderator") or current_moderator()}


@bp.after_request
def add_security_headers(response: Response) -> Response:
    """Every review response forbids inline script and framing; pages holding comments are not cached."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.endpoint != "review.static":
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(CSRFError)
def csrf_refused(error: CSRFError) -> tuple[str, int]:
    """A form without a valid token: say what to do rather than show a bare 400."""
    message = "This form was not sent from a page of this site, or the page is too old. Reload the page and try again."
    return render_template("review/error.html", code=400, title="Form refused", message=message), 400


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[str, int]:
    """HTTP errors on the review pages as HTML (the JSON API keeps its own error shape)."""
    code = error.code or 500
    return render_template("review/error.html", code=code, title=error.name, message=error.description), code


@bp.errorhandler(Exception)
def unexpected_error(error: Exception) -> tuple[str, int]:
    """A bug: log it and show a plain 500 page without internals."""
    if isinstance(error, HTTPException):
        return http_error(error)
    current_app.logger.exception("unhandled error on a review page", exc_info=error)
    page = render_template("review/error.html", code=500, title="Server error", message=InternalServerError.description)
    return page, 500


@bp.route("/<path:unknown>")
def not_found(unknown: str) -> NoReturn:
    """Unknown addresses under /review/ get the HTML 404 page, not the API's JSON."""
    raise NotFound("There is no review page at this address.")


@bp.app_template_filter("review_time")
def format_utc(moment: datetime | None) -> str:
    """A time as the moderators read it: minutes, UTC."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


@bp.app_template_filter("review_minute")
def format_utc_short(moment: datetime | None) -> str:
    """A time in a dense table whose heading says UTC: minutes, no zone."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""
