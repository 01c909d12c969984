"""ASGI entry point for websockets (uvicorn). Plain HTTP is served by granian WSGI; the ASGI
app still answers HTTP (Django) so a single ASGI deployment also works."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atendo.config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from atendo.core.realtime.auth import JwtAuthMiddleware  # noqa: E402
from atendo.core.realtime.routing import websocket_urlpatterns as core_sockets  # noqa: E402
from atendo.messaging.routing import websocket_urlpatterns as messaging_sockets  # noqa: E402
from atendo.tickets.routing import websocket_urlpatterns as ticket_sockets  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The widget's socket comes first: "widget" would otherwise match a tenant slug.
        "websocket": JwtAuthMiddleware(
            URLRouter(messaging_sockets[-1:] + core_sockets + messaging_sockets[:-1] + ticket_sockets)
        ),
    }
)

# The loaded app lives as long as the process: kept out of the cyclic collector's sight (as in
# config/wsgi.py), a full collection no longer stalls every socket of this event loop.
gc.freeze()
