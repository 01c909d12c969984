"""HTTP routes: the versioned API, its schema and docs, and the web app (single-page fallback)."""

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import include, path, re_path
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from atendo.connectors.webhooks import provider_webhook
from atendo.core.api.base import Public, declare_access
from atendo.core.api.errors import json_not_found
from atendo.core.storage.views import local_file
from atendo.messaging import widget_pages

handler400 = "atendo.core.api.errors.json_bad_request"
handler403 = "atendo.core.api.errors.json_permission_denied"
handler404 = "atendo.core.api.errors.json_not_found"
handler500 = "atendo.core.api.errors.json_server_error"


class SchemaApi(SpectacularAPIView):
    access = Public("The API description is public.")
    authentication_classes = []
    permission_classes = []


class DocsView(SpectacularSwaggerView):
    access = Public("Browsable API documentation.")
    authentication_classes = []
    permission_classes = []


@declare_access(Public("The web app's HTML shell."))
@require_GET
def web_app(request: HttpRequest, path: str = "") -> HttpResponseBase:
    """Client-side routes of the web app get its index.html; assets are served by WhiteNoise."""
    index = settings.FRONTEND_DIST_DIR / "index.html"
    if not index.is_file():
        return HttpResponse(
            "<!doctype html><title>Atendo</title><p>The web app is not built. Run <code>make run</code>.</p>",
            status=503,
        )
    response = FileResponse(index.open("rb"), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


not_found = declare_access(Public("Unknown API paths answer a JSON 404."))(json_not_found)

urlpatterns = [
    path("api/v1/", include("atendo.core.api.urls")),
    path("api/v1/", include("atendo.contacts.urls")),
    path("api/v1/", include("atendo.connectors.urls")),
    path("api/v1/", include("atendo.organizations.urls")),
    path("api/v1/", include("atendo.messaging.urls")),
    path("api/v1/", include("atendo.tickets.urls")),
    path("api/v1/", include("atendo.knowledge.urls")),
    path("api/schema/", SchemaApi.as_view(), name="schema"),
    path("api/docs/", DocsView.as_view(url_name="schema"), name="docs"),
    path("files/<str:signed>", local_file, name="attachment-file"),
    path("webhooks/<str:key>", provider_webhook, name="provider-webhook"),
    path("widget/<str:token>.js", widget_pages.widget_loader, name="widget-loader"),
    path("demo/widget", widget_pages.demo_widget_page, name="demo-widget"),
    re_path(r"^(?:api|ws|webhooks|static|files|widget|widget-assets)(?:/.*)?$", not_found),
    re_path(r"^(?P<path>.*)$", web_app, name="web-app"),
]
