"""The widget loader script (`/widget/{token}.js`) and the demo shop page (`/demo/widget`)."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from atendo.connectors.models import ChannelAccount, ChannelKind
from atendo.connectors.selectors import webchat_account_by_token
from atendo.core.api.base import Public, declare_access
from atendo.core.models import Tenant

WIDGET_BUNDLE_PATH = "/widget-assets/atendo-widget.js"


def _origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _websocket_base(request: HttpRequest) -> str:
    if settings.WEBSOCKET_URL:
        return settings.WEBSOCKET_URL
    return ("wss://" if request.is_secure() else "ws://") + request.get_host()


@declare_access(Public("The embeddable widget loader is public; it names no secret."))
@require_GET
def widget_loader(request: HttpRequest, token: str) -> HttpResponse:
    account = webchat_account_by_token(token)
    if account is None or account.status != ChannelAccount.Status.ACTIVE:
        return HttpResponse(
            "/* Atendo: this chat is not available. */",
            status=404,
            content_type="application/javascript; charset=utf-8",
        )
    config = {"token": account.external_id, "apiBase": _origin(request), "wsBase": _websocket_base(request)}
    script = (
        "(function(){if(window.AtendoWidgetConfig)return;"
        f"window.AtendoWidgetConfig={json.dumps(config)};"
        "var s=document.createElement('script');s.async=true;"
        f"s.src={json.dumps(_origin(request) + WIDGET_BUNDLE_PATH)};"
        "document.head.appendChild(s);})();"
    )
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@declare_access(Public("A demo page of a fictitious shop embedding the demo tenant's widget."))
@require_GET
def demo_widget_page(request: HttpRequest) -> HttpResponse:
    tenant = Tenant.objects.filter(slug="demo").first()
    account = (
        ChannelAccount.objects.for_tenant(tenant).filter(kind=ChannelKind.WEBCHAT).order_by("created_at").first()
        if tenant
        else None
    )
    if account is None:
        raise Http404("No demo web chat; run `manage.py load_demo`.")
    response = render(request, "messaging/demo_widget.html", {"token": account.external_id})
    # The demo page embeds our own script; keep it framable-proof like the rest of the site.
    return response
