"""FieldLoader (api/loading.py) loads what marshmallow loads, and gives way to it for everything else."""

from __future__ import annotations

import random
from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields, post_load

from moderation.api.loading import FieldLoader, compilable
from moderation.api.schemas import BatchSchema, CommentSchema

TEXTS: list[Any] = [
    "Nice article",
    "",
    "   ",
    "\t\n",
    "a" * 20_000,
    "a" * 20_001,
    " " * 20_001,
    "bad\x00char",
    "tab\tand\nline",
    "\ud800",
    "It\x92s",
    5,
    None,
    ["x"],
    {"x": 1},
]
SHORT: list[Any] = ["x", "", "y" * 200, "y" * 201, "a\nb", "a\tb", None, 3, True, "\x7f"]
PEOPLE: list[Any] = [
    {},
    {"id": "u1"},
    {"id": "u1", "name": "Ann", "email": "a@example.org", "ip": "192.0.2.1"},
    {"email": "e" * 501},
    {"ip": "1" * 65},
]
PEOPLE += [{"role": "x"}, "someone", None, [], {"id": None}, {"id": 7}, {"url": "https://x.example", "title": "T"}]


def bodies(count: int) -> list[Any]:
    """Comment bodies, valid and not, drawn from the values above (the same every run)."""
    chosen = random.Random(13)
    made: list[Any] = [{}, [], "text", None, {"text": "ok", "unknown": 1}]
    for _ in range(count):
        body: dict[str, Any] = {}
        if chosen.random() < 0.95:
            body["text"] = chosen.choice(TEXTS)
        for name in ("comment_id", "site", "language"):
            if chosen.random() < 0.4:
                body[name] = chosen.choice(SHORT)
        for name in ("author", "article"):
            if chosen.random() < 0.4:
                body[name] = chosen.choice(PEOPLE)
        if chosen.random() < 0.03:
            body["extra"] = "x"
        made.append(body)
    return made


def test_the_field_loader_agrees_with_marshmallow_on_every_body() -> None:
    schema = CommentSchema()
    loader = FieldLoader(schema)
    valid = 0
    for body in bodies(4000):
        try:
            expected = schema.load(body)
        except ValidationError:
            expected = None
        found = loader.load(body)
        if expected is None:
            assert found is None, body  # marshmallow refuses it: so does the loader, and marshmallow says why
            continue
        valid += 1
        assert found is not None, body
        assert found == expected, body
        assert list(found) == list(expected), body  # the same field order, so the log stores the same JSON
        for name in ("author", "article"):
            if name in found:
                assert list(found[name]) == list(expected[name]), body
    assert valid > 100


def test_every_valid_plain_body_is_loaded_fast() -> None:
    loader = FieldLoader(CommentSchema())
    body = {
        "text": "Nice",
        "site": "news",
        "comment_id": "c1",
        "language": "en",
        "author": {"id": "u", "email": "a@b"},
        "article": {"url": "u"},
    }
    assert loader.load(body) == CommentSchema().load(body)
    assert loader.load({"text": "   "}) is None  # the @validates method runs here too
    assert loader.load({"text": "ok", "author": {"id": "u", "nick": "x"}}) is None


def test_schemas_it_cannot_load_exactly_are_left_to_marshmallow() -> None:
    class Renamed(Schema):
        text = fields.String(data_key="body")

    class Defaulted(Schema):
        text = fields.String(load_default="x")

    class Processed(Schema):
        text = fields.String()

        @post_load
        def _upper(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            return {key: value.upper() for key, value in data.items()}

    for schema in (Renamed(), Defaulted(), Processed(), CommentSchema(unknown="exclude")):
        assert not compilable(schema)
        with pytest.raises(TypeError):
            FieldLoader(schema)
    assert compilable(CommentSchema()) and compilable(BatchSchema())  # a list's field loads by marshmallow's own deserialize
