"""A test client whose requests meet the webhook fast path first, as in production
(atendo.config.wsgi: WebhookFastPath in front of Django's handler)."""

from __future__ import annotations

from typing import Any

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import Client
from django.test.client import ClientHandler

from atendo.connectors.webhooks import acknowledge


class FastPathHandler(ClientHandler):
    """Connection housekeeping stays the test client's (the test's transaction must survive):
    only `acknowledge` runs, exactly as WebhookFastPath runs it."""

    def __call__(self, environ: dict[str, Any]) -> HttpResponse:
        answer = acknowledge(environ)
        if answer is None:
            response = super().__call__(environ)
            response.fast_path = False  # type: ignore[attr-defined]
            return response
        response = HttpResponse(answer.body, status=int(answer.status.split()[0]))
        for name in list(response.headers):
            del response.headers[name]
        for name, value in answer.headers:
            response.headers[name] = value
        response.wsgi_request = WSGIRequest(environ)  # type: ignore[attr-defined]
        response.fast_path = True  # type: ignore[attr-defined]
        return response


class FastPathClient(Client):
    def __init__(self, **defaults: Any) -> None:
        super().__init__(**defaults)
        self.handler = FastPathHandler(enforce_csrf_checks=False)


def webhook_api() -> Any:
    """The root conftest's anonymous Api, on a FastPathClient."""
    from conftest import Api

    api = Api()
    api.client = FastPathClient()
    return api
