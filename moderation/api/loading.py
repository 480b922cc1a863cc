"""Request bodies loaded by their schema's own fields, without marshmallow's per-load machinery; marshmallow for the rest.

A comment body is a handful of strings. Schema.load runs hooks, an error store, unknown-field bookkeeping and
per-field wrappers around the few checks that matter, which cost more than the checks. FieldLoader runs the same
fields' deserialize() (type, CleanString's character checks, every validator) in the schema's order, and gives up
(None) at the first thing it does not accept: then marshmallow loads the body itself, so every error, message and
edge case stays marshmallow's. tests/api/test_loading.py checks the two agree.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, missing
from marshmallow.decorators import VALIDATES


class FieldLoader:
    """Loads a JSON object as its schema would (fields, nested schemas, @validates methods); None when in any doubt."""

    def __init__(self, schema: Schema):
        if not compilable(schema):
            raise TypeError(f"{type(schema).__name__} needs marshmallow's own load (hooks, renamed fields or defaults)")
        self.fields: list[tuple[str, fields.Field[Any], FieldLoader | None]] = []
        for name, field in schema.load_fields.items():
            nested = FieldLoader(field.schema) if isinstance(field, fields.Nested) else None
            self.fields.append((name, field, nested))
        # The schema's @validates methods and their fields, run as marshmallow runs them on fields that loaded.
        self.checks = [(getattr(schema, attribute), spec["field_names"]) for attribute, _, spec in schema._hooks[VALIDATES]]

    def load(self, data: Any) -> dict[str, Any] | None:
        """What schema.load(data) returns, when data is plainly valid; None otherwise (then ask marshmallow)."""
        if type(data) is not dict:
            return None
        loaded: dict[str, Any] = {}
        for name, field, nested in self.fields:
            if name not in data:
                if field.required:
                    return None
                continue
            value = data[name]
            if nested is not None:
                inner = nested.load(value)
                if inner is None:
                    return None
                loaded[name] = inner
                continue
            try:
                loaded[name] = field.deserialize(value, name, data)
            except ValidationError:
                return None
        # Fewer loaded than sent: a key no field takes (an unknown field, which RAISE refuses).
        if len(loaded) != len(data):
            return None
        try:
            for check, names in self.checks:
                for name in names:
                    if name in loaded:
                        check(loaded[name], data_key=name)
        except ValidationError:
            return None
        return loaded


def compilable(schema: Schema) -> bool:
    """True when FieldLoader loads exactly as the schema would: plain names, no defaults, no hooks but @validates."""
    # marshmallow keeps a schema's pre_load, post_load, validates and validates_schema methods in _hooks (its own
    # structure: tests/api/test_loading.py notices when it changes). Only @validates ones are run here.
    hooks = schema._hooks
    if schema.unknown != RAISE or schema.many or schema.partial or any(hooks[kind] for kind in hooks if kind != VALIDATES):
        return False
    for name, field in schema.load_fields.items():
        if field.data_key not in (None, name) or field.attribute not in (None, name) or field.load_default is not missing:
            return False
        if isinstance(field, fields.Nested):
            nested = field.schema
            if getattr(field, "many", False) or not isinstance(nested, Schema) or not compilable(nested):
                return False
    return True
