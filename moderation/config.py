"""Configuration: embedded defaults, then MODERATION_* environment variables, then a test config."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The default rules inside an installed package (setup.py copies rules/ there when it builds the wheel).
PACKAGED_RULES_DIR = Path(__file__).resolve().parent / "rules"


def default_rules_dir() -> Path:
    """The rules used when MODERATION_RULES_DIR is not set: a checkout's rules/ (the admin's copy), else the packaged ones."""
    checkout = PROJECT_ROOT / "rules"
    if (PROJECT_ROOT / "setup.cfg").is_file() and checkout.is_dir():
        return checkout
    return PACKAGED_RULES_DIR


DEFAULT_RULES_DIR = default_rules_dir()
MAX_TEXT_LENGTH = 20_000
MAX_BATCH = 100
MAX_BODY_BYTES = 1024 * 1024
SHORT_PII_KEY = 16  # characters; a shorter key can be guessed, and then every hashed address with it

log = logging.getLogger(__name__)


def init_app(app: Flask, test_config: dict[str, Any] | None = None) -> None:
    """Load defaults and the environment into app.config."""
    # Keys, the keys file and the SQLite log live here: only the service's own user may read it.
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
    app.config.from_mapping(
        RULES_DIR=str(DEFAULT_RULES_DIR),
        RULES_TEST_SECONDS=8.0,  # POST /v1/rules/test with candidate files: CPU limit (twice that wall-clock)
        RULES_TEST_MEMORY_MB=384,  # ... and address-space limit of its child process
        DATABASE_URL=f"sqlite:///{Path(app.instance_path) / 'moderation.sqlite3'}",
        API_KEYS="",
        API_KEYS_FILE=str(Path(app.instance_path) / "api-keys"),
        STORE_AUTHOR_PII="hashed",
        PII_HASH_SALT=None,  # the HMAC key of hashed e-mails and IPs; None: made once in the instance folder
        REQUIRE_KEYS=True,
        CORAL_SECRETS="",
        WEBHOOK_URL="",  # where review events are posted (none: no webhooks)
        WEBHOOK_SECRET="",  # signs each body: X-Moderation-Signature
        WEBHOOK_TIMEOUT_SECONDS=10.0,
        WEBHOOK_RETRY_HOURS=24.0,
        CORAL_APPROVE="approved",
        CORAL_FORMAT="HTML",
        CORAL_SITES="",  # Coral site id=policy pairs, comma-separated; an unmapped site id is itself the policy's name
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        API_TITLE="Comment moderation",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        # /docs is served by moderation/api/docs.py from the pinned swagger-ui-bundle package, not from a CDN.
        OPENAPI_SWAGGER_UI_PATH=None,
        OPENAPI_SWAGGER_UI_URL=None,
    )
    environment = {
        "RULES_DIR": "MODERATION_RULES_DIR",
        "RULES_RELOAD_INTERVAL": "MODERATION_RULES_RELOAD_INTERVAL",
        "RULES_CACHE_DIR": "MODERATION_RULES_CACHE_DIR",
        "RULES_TEST_SECONDS": "MODERATION_RULES_TEST_SECONDS",
        "RULES_TEST_MEMORY_MB": "MODERATION_RULES_TEST_MEMORY_MB",
        "DATABASE_URL": "MODERATION_DATABASE_URL",
        "API_KEYS": "MODERATION_API_KEYS",
        "API_KEYS_FILE": "MODERATION_API_KEYS_FILE",
        "CORAL_SECRETS": "MODERATION_CORAL_SECRETS",
        "CORAL_APPROVE": "MODERATION_CORAL_APPROVE",
        "CORAL_FORMAT": "MODERATION_CORAL_FORMAT",
        "CORAL_SITES": "MODERATION_CORAL_SITES",
        "STORE_AUTHOR_PII": "MODERATION_STORE_AUTHOR_PII",
        "PII_HASH_SALT": "MODERATION_PII_HASH_SALT",
        "SQLITE_SYNCHRONOUS": "MODERATION_SQLITE_SYNCHRONOUS",
        "SECRET_KEY": "MODERATION_SECRET_KEY",
        "TRUSTED_PROXIES": "MODERATION_TRUSTED_PROXIES",
        "WEBHOOK_URL": "MODERATION_WEBHOOK_URL",
        "WEBHOOK_SECRET": "MODERATION_WEBHOOK_SECRET",
        "WEBHOOK_TIMEOUT_SECONDS": "MODERATION_WEBHOOK_TIMEOUT_SECONDS",
        "WEBHOOK_RETRY_HOURS": "MODERATION_WEBHOOK_RETRY_HOURS",
    }
    for key, variable in environment.items():
        value = os.environ.get(variable)
        if value:
            app.config[key] = value
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):  # signs the review pages' session cookie
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path) / "secret-key")
    app.config["PII_HASH_SALT"] = pii_hash_key(app, explicitly_empty="MODERATION_PII_HASH_SALT" in os.environ)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the contract's field order


def pii_hash_key(app: Flask, *, explicitly_empty: bool = False) -> str:
    """The key that hashed author e-mails and IPs are keyed with: the configured salt, else one kept in the instance folder.

    An empty key would make the hashes a plain SHA-256 of the address, and the IPv4 space (or a list of e-mail
    addresses) can be hashed in minutes: an empty salt is refused with a warning and the instance key used instead.
    """
    configured = app.config.get("PII_HASH_SALT")
    if configured:
        if len(str(configured)) < SHORT_PII_KEY:
            log.warning("MODERATION_PII_HASH_SALT is shorter than %d characters: hashed e-mails and IPs can be guessed", SHORT_PII_KEY)
        return str(configured)
    if configured is not None or explicitly_empty:
        log.warning("MODERATION_PII_HASH_SALT is empty: using the key in the instance folder instead (an empty key hides nothing)")
    return instance_secret_key(Path(app.instance_path) / "pii-key")


def instance_secret_key(path: Path) -> str:
    """The secret kept in the instance folder (mode 600), made on first use; every process then reads the same one."""
    if not path.exists():
        # Written aside then linked into place: of several workers starting at once, one wins and none reads half a file.
        scratch = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(scratch, path)
        except FileExistsError:
            pass
        finally:
            scratch.unlink()
    return path.read_text(encoding="utf-8").strip()
