"""The OpenAPI schema is complete: generating it raises no warning, and errors are documented."""

from __future__ import annotations

import re

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
