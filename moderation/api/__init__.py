"""JSON API: flask-smorest blueprints, the OpenAPI document and its docs page."""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import Flask
from marshmallow import Schema
from webargs.flaskparser import FlaskParser

from ..web.guards import json_body
from .loading import FieldLoader, compilable


class GuardedJsonParser(FlaskParser):
    """Reads the body strictly (web.guards.json_body), when the view asks for it: after routing and the key.

    A schema class is instantiated once, not per request (webargs would; marshmallow copies every
    declared field then): loading keeps no state in the schema. A JSON body whose schema FieldLoader
    can load is loaded by it, and by marshmallow through webargs when it is not plainly valid.
    """

    def __init__(self) -> None:
        super().__init__()
        self._schemas: dict[type[Schema], Schema] = {}
        self._loaders: dict[Any, FieldLoader | None] = {}

    def parse(self, argmap: Any, req: Any = None, *, location: str | None = None, validate: Any = None, **kwargs: Any) -> Any:
        """The loaded arguments: FieldLoader's for a plainly valid JSON body, else webargs' and marshmallow's (and their errors)."""
        if (location or self.location) == "json" and validate is None:
            loader = self._loader(argmap)
            loaded = loader.load(self.load_json(req, None)) if loader is not None else None
            if loaded is not None:
                return loaded
        return super().parse(argmap, req, location=location, validate=validate, **kwargs)

    def loader_of(self, argmap: Any) -> FieldLoader | None:
        """The FieldLoader this parser uses for a schema class or instance; None when marshmallow loads it."""
        return self._loader(argmap)

    def _loader(self, argmap: Any) -> FieldLoader | None:
        """The FieldLoader of a schema class or instance, made once; None for anything it cannot load exactly."""
        if not (isinstance(argmap, Schema) or (isinstance(argmap, type) and issubclass(argmap, Schema))):
            return None
        if argmap not in self._loaders:
            schema = argmap if isinstance(argmap, Schema) else self._get_schema(argmap, None)
            self._loaders[argmap] = FieldLoader(schema) if compilable(schema) else None
        return self._loaders[argmap]

    def _get_schema(self, argmap: Any, req: Any) -> Schema:
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas[argmap] = argmap()
            return schema
        found: Schema = super()._get_schema(argmap, req)
        return found

    def load_json(self, req: Any, schema: Any) -> Any:
        """The request's JSON object; 415, 413 or 400 in the one error shape when it is not one."""
        return json_body()


class Blueprint(flask_smorest.Blueprint):
    """The project's blueprint: flask-smorest's, with the guarded JSON parser."""

    ARGUMENTS_PARSER = GuardedJsonParser()


BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def init_app(app: Flask) -> None:
    """Create the flask-smorest Api and register every blueprint."""
    from ..integrations import coral_api as coral
    from ..integrations import perspective_api as perspective
    from . import comments, decisions, docs, health, rules, stats, webhooks

    api = flask_smorest.Api(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "An API key: role submit, moderate or admin."}
    )
    api.spec.components.security_scheme("perspectiveKey", perspective.KEY_SCHEME)
    for module in (comments, health, coral, perspective, decisions, stats, rules, webhooks):
        api.register_blueprint(module.blp)
    app.register_blueprint(perspective.fallback)
    comments.install_lean_path(app)
    docs.init_app(app)
    app.extensions["moderation.api"] = api
