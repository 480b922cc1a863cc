"""API keys with roles (submit < moderate < admin), kept and compared as SHA-256 digests."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, request
from werkzeug.exceptions import Forbidden

ROLES = {"submit": 1, "moderate": 2, "admin": 3}
F = TypeVar("F", bound=Callable[..., Any])


class InsufficientRole(Forbidden):
    """403 for a known key whose role is too weak; says so in WWW-Authenticate (RFC 6750)."""

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        """The usual headers plus the Bearer challenge naming the problem."""
        return [*super().get_headers(*args, **kwargs), ("WWW-Authenticate", 'Bearer error="insufficient_scope"')]


class KeyConfigError(RuntimeError):
    """The keys configuration cannot be used (bad syntax, or no keys at all)."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A named key with a role; only the digest of the secret is kept."""

    name: str
    role: str
    digest: bytes

    def allows(self, role: str) -> bool:
        """True when this key's role includes the given role."""
        return ROLES[self.role] >= ROLES[role]


def digest(secret: str) -> bytes:
    """SHA-256 digest of a key."""
    return hashlib.sha256(secret.encode("utf-8")).digest()


def _check_role(role: str, where: str) -> str:
    if role not in ROLES:
        raise KeyConfigError(f"{where}: unknown role {role!r} (use submit, moderate or admin)")
    return role


def parse_env_keys(value: str) -> list[ApiKey]:
    """Parse MODERATION_API_KEYS: comma-separated role:key pairs (name them with name=role:key)."""
    keys = []
    for index, item in enumerate(part.strip() for part in value.split(",") if part.strip()):
        name, _, pair = item.rpartition("=") if "=" in item.split(":", 1)[0] else ("", "", item)
        role, separator, secret = pair.partition(":")
        if not separator or not secret:
            raise KeyConfigError(f"MODERATION_API_KEYS item {index + 1}: expected role:key")
        _check_role(role, f"MODERATION_API_KEYS item {index + 1}")
        keys.append(ApiKey(name or f"env-{index + 1}-{role}", role, digest(secret)))
    return keys


def read_keys_file(path: Path) -> list[ApiKey]:
    """Read a keys file: one "name role sha256:<hex>" (or "name role <key>") per line, # comments."""
    keys = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3:
            raise KeyConfigError(f"{path}:{number}: expected 'name role sha256:<hex>'")
        name, role, secret = parts
        _check_role(role, f"{path}:{number}")
        if secret.startswith("sha256:"):
            try:
                key_digest = bytes.fromhex(secret[7:])
            except ValueError:
                raise KeyConfigError(f"{path}:{number}: bad sha256 digest") from None
        else:
            key_digest = digest(secret)
        keys.append(ApiKey(name, role, key_digest))
    return keys


def create_key(path: Path, name: str, role: str) -> str:
    """Append a new key to a keys file (created with mode 600) and return the secret, shown once."""
    _check_role(role, "create key")
    if any(char.isspace() for char in name) or not name:
        raise KeyConfigError("a key name is one word")
    if path.exists() and any(key.name == name for key in read_keys_file(path)):
        raise KeyConfigError(f"a key named {name!r} already exists in {path}")
    secret = f"{role[:3]}_{secrets.token_urlsafe(24)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(f"{name} {role} sha256:{digest(secret).hex()}\n")
    return secret


def remove_key(path: Path, name: str) -> bool:
    """Take the key NAME out of a keys file (rewritten aside, mode 600, then moved into place); False if absent."""
    if not path.exists():
        return False
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if line.split()[:1] != [name] or line.lstrip().startswith("#")]
    if len(kept) == len(lines):
        return False
    scratch = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.writelines(kept)
    os.replace(scratch, path)
    return True


class KeyRing:
    """The configured keys; authenticate() compares digests in constant time."""

    def __init__(self, keys: list[ApiKey]):
        self.keys = keys

    def authenticate(self, secret: str) -> ApiKey | None:
        """The key whose secret this is, or None."""
        presented = digest(secret)
        found = None
        for key in self.keys:
            if hmac.compare_digest(presented, key.digest):
                found = key
        return found


def load_keys(config: dict[str, Any]) -> list[ApiKey]:
    """Keys from MODERATION_API_KEYS and from the keys file, when it exists."""
    keys = parse_env_keys(config.get("API_KEYS") or "")
    keys_file = Path(config["API_KEYS_FILE"])
    if keys_file.exists():
        keys.extend(read_keys_file(keys_file))
    return keys


def authorize(role: str) -> ApiKey:
    """The request's key, kept in g.api_key, when its role includes `role`; else 401 (no or unknown key) or 403."""
    # The header straight from the WSGI environ, where request.headers would look it up (the same string).
    header = request.environ.get("HTTP_AUTHORIZATION", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        abort(401, "Send an API key: Authorization: Bearer <key>.")
    key: ApiKey | None = current_app.extensions["moderation.keys"].authenticate(secret.strip())
    if key is None:
        abort(401, "Unknown API key.")
    if not key.allows(role):
        raise InsufficientRole(f"This key's role ({key.role}) cannot do this; it needs the {role} role.")
    g.api_key = key
    return key


def require_role(role: str) -> Callable[[F], F]:
    """Decorator: the request must carry a key whose role includes `role` (401 without, 403 too weak)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            authorize(role)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def init_app(app: Flask) -> None:
    """Load the keys; refuse to start with none unless the app is built for the CLI."""
    keys = load_keys(app.config)
    if not keys and app.config["REQUIRE_KEYS"]:
        raise KeyConfigError(
            "No API keys are configured, so the service would run open. Set MODERATION_API_KEYS "
            "(e.g. submit:KEY,moderate:KEY,admin:KEY) or run `moderation keys init` to create a keys file "
            f"at {app.config['API_KEYS_FILE']}."
        )
    app.extensions["moderation.keys"] = KeyRing(keys)
