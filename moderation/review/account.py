"""Sign-in with a moderate or admin key, and sign-out."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from .blueprint import bp
from .session import REVIEW_ROLE, current_moderator, safe_next, sign_in, sign_out

_MAX_KEY_LENGTH = 500


@bp.route("/")
def home() -> Response:
    """The review pages start at the decision log."""
    return redirect(url_for("review.reject_log"))


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_page() -> Response | tuple[str, int]:
    """Show the sign-in form, or check the key it sent and start a session."""
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_moderator() is not None:
            return redirect(target)
        return render_template("review/sign_in.html", next=target), 200
    secret = request.form.get("key", "").strip()
    key = current_app.extensions["moderation.keys"].authenticate(secret) if 0 < len(secret) <= _MAX_KEY_LENGTH else None
    if key is None:
        error = "That key is not known. Use the moderate or admin key you were given."
        return render_template("review/sign_in.html", next=target, error=error), 401
    if not key.allows(REVIEW_ROLE):
        error = f"This is a {key.role} key; the review pages need a moderate or admin key."
        return render_template("review/sign_in.html", next=target, error=error), 403
    sign_in(key)
    return redirect(target)


@bp.route("/sign-out", methods=["POST"], endpoint="sign_out")
def sign_out_page() -> Response:
    """End the session (a POST with a CSRF token, so no other site can sign a moderator out)."""
    sign_out()
    flash("You are signed out.")
    return redirect(url_for("review.sign_in"))
