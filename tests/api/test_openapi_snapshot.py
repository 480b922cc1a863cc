"""The OpenAPI document is byte-identical to the reviewed copy in tests/api/openapi.json.

Speed work on the request path (serializers, loaders) must not change the contract. A deliberate change
of the API regenerates the copy: `UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/pytest tests/api/test_openapi_snapshot.py`,
and the diff of openapi.json is then reviewed with the change.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

from flask.testing import FlaskClient

SNAPSHOT = Path(__file__).with_name("openapi.json")


def test_the_openapi_document_is_the_reviewed_one(client: FlaskClient) -> None:
    served = client.get("/openapi.json").get_data()
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT"):
        SNAPSHOT.write_bytes(served)
    reviewed = SNAPSHOT.read_bytes()
    if served != reviewed:
        # Show where they differ, field by field, rather than two 80 kB blobs.
        lines = difflib.unified_diff(
            json.dumps(json.loads(reviewed), indent=1, sort_keys=True).splitlines(),
            json.dumps(json.loads(served), indent=1, sort_keys=True).splitlines(),
            "reviewed",
            "served",
            lineterm="",
        )
        diff = "\n".join(list(lines)[:60])
        raise AssertionError(f"/openapi.json differs from {SNAPSHOT.name} (regenerate only for a deliberate API change):\n{diff}")
