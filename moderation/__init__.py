"""Comment moderation service: approve or reject comments against the site's guideline rules."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, then each concern wired by its init_app."""
    # Imported here: the engine (moderation.engine) is used without Flask, by the CLI's rule tools and the benchmarks.
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True, instance_path=os.environ.get("MODERATION_INSTANCE_PATH") or None)

    from . import config, rulebook, storage, webhooks
    from .api import init_app as init_api
    from .cli import init_app as init_cli
    from .review import init_app as init_review
    from .web import auth, errors, guards, proxy

    config.init_app(app, test_config)
    proxy.init_app(app)
    guards.init_app(app)
    auth.init_app(app)
    rulebook.init_app(app)
    storage.init_app(app)
    webhooks.init_app(app)
    init_api(app)
    # After the API: flask-smorest installs its own error handler, and the project's one shape replaces it.
    errors.init_app(app)
    init_review(app)
    init_cli(app)
    return app
