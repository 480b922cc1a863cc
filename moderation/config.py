"""Configuration: embedded defaults, then MODERATION_* environment variables, then a test config."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RULES_DIR = PROJECT_ROOT / "rules"
MAX_TEXT_LENGTH = 20_000
MAX_BATCH = 100
MAX_BODY_BYTES = 1024 * 1024


def init_app(app: Flask, test_config: dict[str, Any] | None = None) -> None:
    """Load defaults and the environment into app.config."""
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(
        RULES_DIR=str(DEFAULT_RULES_DIR),
        DATABASE_URL=f"sqlite:///{Path(app.instance_path) / 'moderation.sqlite3'}",
        API_KEYS="",
        API_KEYS_FILE=str(Path(app.instance_path) / "api-keys"),
        STORE_AUTHOR_PII="hashed",
        PII_HASH_SALT="",
        REQUIRE_KEYS=True,
        CORAL_SECRETS="",
        CORAL_APPROVE="approved",
        CORAL_FORMAT="HTML",
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        API_TITLE="Comment moderation",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
    )
    environment = {
        "RULES_DIR": "MODERATION_RULES_DIR",
        "DATABASE_URL": "MODERATION_DATABASE_URL",
        "API_KEYS": "MODERATION_API_KEYS",
        "API_KEYS_FILE": "MODERATION_API_KEYS_FILE",
        "CORAL_SECRETS": "MODERATION_CORAL_SECRETS",
        "CORAL_APPROVE": "MODERATION_CORAL_APPROVE",
        "CORAL_FORMAT": "MODERATION_CORAL_FORMAT",
        "STORE_AUTHOR_PII": "MODERATION_STORE_AUTHOR_PII",
        "PII_HASH_SALT": "MODERATION_PII_HASH_SALT",
    }
    for key, variable in environment.items():
        value = os.environ.get(variable)
        if value:
            app.config[key] = value
    if test_config:
        app.config.update(test_config)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the contract's field order
