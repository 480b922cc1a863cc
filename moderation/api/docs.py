"""/docs: Swagger UI from the pinned swagger-ui-bundle package, served here (works offline) under a strict CSP."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, render_template, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__, url_prefix="/docs", template_folder="templates", static_folder="static")

# Only this origin's own scripts and styles; no inline script. Swagger UI's icons are data: images in its CSS,
# and "Try it out" calls this API (connect-src). The docs page may not be framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)
# The files of the bundle that the page loads; nothing else in the package is served.
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"})


@bp.after_request
def add_security_headers(response: Response) -> Response:
    """The docs page and its files: strict CSP, no framing, no sniffing."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.route("", strict_slashes=False)
def docs_page() -> str:
    """The Swagger UI page for the OpenAPI document."""
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))


@bp.route("/swagger-ui/<path:filename>")
def swagger_asset(filename: str) -> Response:
    """One file of the pinned Swagger UI bundle (cached for a day: the version only changes with the package)."""
    if filename not in ASSETS:
        abort(404)
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


def init_app(app: Flask) -> None:
    """Serve the docs page (flask-smorest's own page is switched off: it needs an inline script)."""
    app.register_blueprint(bp)
