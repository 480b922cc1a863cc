"""The baseline of benchmarks/http_speed.py: a bare Flask app that answers POST /v1/comments with the JSON posted."""

from __future__ import annotations

from typing import Any

from flask import Flask, request

app = Flask(__name__)


@app.post("/v1/comments")
def echo() -> Any:
    """The posted JSON, parsed and encoded again (what any JSON API does at the least)."""
    return request.get_json()
