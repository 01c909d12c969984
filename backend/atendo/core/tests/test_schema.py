"""The OpenAPI schema is complete: generating it raises no warning, and errors are documented."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command


def test_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    me = schema["paths"]["/api/v1/users/me"]["get"]["responses"]
    assert {"200", "401"} <= set(me)
    members_post = schema["paths"]["/api/v1/tenants/{tenant_slug}/members"]["post"]
    assert {"201", "400", "401", "403", "404"} <= set(members_post["responses"])
    assert "Error" in schema["components"]["schemas"]


@pytest.mark.django_db
def test_schema_and_docs_are_served(anon):
    assert anon.get("/api/schema/").status_code == 200
    docs = anon.get("/api/docs/")
    assert docs.status_code == 200
    # The Swagger UI assets ship with the app (no CDN): every script the page loads is served here.
    scripts = re.findall(r'src="(/static/[^"]+\.js)"', docs.content.decode())
    assert scripts
    for script in scripts:
        assert anon.get(script).status_code == 200, script


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


REPO = Path(__file__).resolve().parents[4]
GENERATED_TYPES = REPO / "frontend" / "src" / "shared" / "api" / "schema.d.ts"
OPENAPI_TYPESCRIPT = REPO / "frontend" / "node_modules" / ".bin" / "openapi-typescript"


def test_frontend_api_types_match_the_schema(tmp_path):
    """The web app's API types are generated from this schema; a change to the API without
    `make api-types` fails here instead of drifting silently."""
    assert OPENAPI_TYPESCRIPT.exists(), "frontend dependencies are missing: npm --prefix frontend ci"
    schema = tmp_path / "openapi.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema))
    fresh = tmp_path / "schema.d.ts"
    subprocess.run([str(OPENAPI_TYPESCRIPT), str(schema), "-o", str(fresh)], check=True, capture_output=True)
    assert fresh.read_text() == GENERATED_TYPES.read_text(), "frontend API types are stale: run `make api-types`"
