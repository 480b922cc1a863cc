"""GET /v1/health, the OpenAPI document and its docs page, and the error shape for unknown routes."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from moderation import create_app


def test_health_reports_ruleset_and_database(app: Flask, client: FlaskClient) -> None:
    response = client.get("/v1/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["ruleset"] == app.extensions["moderation.rules"].current.version
    assert body["rules"] == len(app.extensions["moderation.rules"].current.rules) > 0
    assert body["rules_error"] is None


def test_health_needs_no_key(client: FlaskClient) -> None:
    assert client.get("/v1/health").status_code == 200


def test_health_reports_an_unreachable_database(app_config: dict[str, object], tmp_path: Path) -> None:
    app = create_app(app_config)
    client = app.test_client()
    app.extensions["moderation.db"].dispose()
    # Point the engine at a directory: SQLite cannot open it as a database.
    from sqlalchemy import create_engine

    app.extensions["moderation.db"] = create_engine(f"sqlite:///{tmp_path}")
    body = client.get("/v1/health").get_json()
    assert body["database"] == "unreachable"
    assert body["status"] == "degraded"


def test_openapi_document(client: FlaskClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/v1/comments", "/v1/comments/batch", "/v1/health"} <= set(spec["paths"])
    assert "post" in spec["paths"]["/v1/comments"]
    assert "post" in spec["paths"]["/v1/comments/batch"]
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"
    assert spec["paths"]["/v1/comments"]["post"]["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/v1/comments/batch"]["post"]["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"]["/v1/health"]["get"]


def test_openapi_describes_the_comment_body(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    comment = next(schema for name, schema in schemas.items() if name.startswith("Comment") and "text" in schema.get("properties", {}))
    assert "text" in comment["required"]
    assert comment["properties"]["text"]["maxLength"] == 20000
    decision = next(schema for name, schema in schemas.items() if name.startswith("Decision"))
    assert set(decision["properties"]) >= {"decision", "decision_id", "categories", "reasons", "ruleset"}


def test_docs_page(client: FlaskClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "swagger-ui" in page
    assert "openapi.json" in page


def test_unknown_route_uses_the_error_shape(client: FlaskClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == 404 and body["status"] == "Not Found"


def test_wrong_method_uses_the_error_shape(client: FlaskClient) -> None:
    response = client.get("/v1/comments")
    assert response.status_code == 405
    assert response.get_json()["code"] == 405
