"""The web app packaged as a native app (Capacitor) calls the API from its own origin: only the
configured origins get CORS answers, only on the API, and never with credentials."""

from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

NATIVE = "capacitor://localhost"


@override_settings(CORS_ALLOWED_ORIGINS=[NATIVE])
def test_a_configured_native_origin_may_call_the_api(client, two_tenants):
    preflight = client.options(
        "/api/v1/users/me",
        HTTP_ORIGIN=NATIVE,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, x-tenant",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == NATIVE
    assert {"authorization", "x-tenant"} <= set(preflight["Access-Control-Allow-Headers"].split(", "))
    assert "Access-Control-Allow-Credentials" not in preflight

    api = two_tenants.a.api("agent")
    response = api.get("/api/v1/users/me", HTTP_ORIGIN=NATIVE)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == NATIVE


@override_settings(CORS_ALLOWED_ORIGINS=[NATIVE])
def test_other_origins_and_paths_get_no_cors_answer(client, two_tenants):
    api = two_tenants.a.api("agent")
    assert "Access-Control-Allow-Origin" not in api.get("/api/v1/users/me", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in client.get("/api/schema/", HTTP_ORIGIN=NATIVE)


def test_no_origin_is_allowed_by_default(two_tenants):
    api = two_tenants.a.api("agent")
    assert "Access-Control-Allow-Origin" not in api.get("/api/v1/users/me", HTTP_ORIGIN=NATIVE)
