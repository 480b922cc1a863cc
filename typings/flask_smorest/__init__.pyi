"""Type stubs for the part of flask-smorest this project uses (the library ships no types).

Each decorator returns the function it is given, so views keep their own annotations under
``mypy --strict``. Signatures follow flask-smorest 0.46/0.47.
"""

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, NoReturn, TypeVar

import apispec
import flask
from webargs.flaskparser import FlaskParser

_F = TypeVar("_F", bound=Callable[..., Any])
_C = TypeVar("_C", bound=Callable[..., Any])
_Status = int | str | HTTPStatus

def abort(http_status_code: int, exc: Exception | None = ..., **kwargs: Any) -> NoReturn: ...

class Blueprint(flask.Blueprint):
    ARGUMENTS_PARSER: FlaskParser
    def __init__(self, name: str, import_name: str, *args: Any, description: str = ..., **kwargs: Any) -> None: ...
    # flask-smorest adds the keywords `parameters` and `tags`; they travel in **options here.
    def route(self, rule: str, **options: Any) -> Callable[[_C], _C]: ...
    def arguments(
        self,
        schema: Any,
        *,
        location: str = ...,
        content_type: str | None = ...,
        required: bool = ...,
        description: str | None = ...,
        example: Any = ...,
        examples: Mapping[str, Any] | None = ...,
        **kwargs: Any,
    ) -> Callable[[_F], _F]: ...
    def response(
        self,
        status_code: _Status,
        schema: Any = ...,
        *,
        content_type: str | None = ...,
        description: str | None = ...,
        example: Any = ...,
        examples: Mapping[str, Any] | None = ...,
        headers: Mapping[str, Any] | None = ...,
    ) -> Callable[[_F], _F]: ...
    def alt_response(
        self,
        status_code: _Status,
        response: Any = ...,
        *,
        schema: Any = ...,
        content_type: str | None = ...,
        description: str | None = ...,
        example: Any = ...,
        examples: Mapping[str, Any] | None = ...,
        headers: Mapping[str, Any] | None = ...,
        success: bool = ...,
    ) -> Callable[[_F], _F]: ...
    @staticmethod
    def doc(**kwargs: Any) -> Callable[[_F], _F]: ...

class Api:
    spec: apispec.APISpec
    def __init__(self, app: flask.Flask | None = ..., *, spec_kwargs: Mapping[str, Any] | None = ..., config_prefix: str = ...) -> None: ...
    def init_app(self, app: flask.Flask, *, spec_kwargs: Mapping[str, Any] | None = ...) -> None: ...
    def register_blueprint(self, blp: Blueprint, *, parameters: list[Any] | None = ..., **options: Any) -> None: ...
