"""WSGI entry point: plain HTTP (API, webhooks, static) is served through granian WSGI.

Signed provider webhooks (`POST /webhooks/<key>`) are acknowledged in front of Django's handler
and middleware (atendo.connectors.webhooks.WebhookFastPath); everything else, and any webhook
that path does not answer itself, goes through the full stack. A middleware added to
settings.MIDDLEWARE that must see webhooks needs its counterpart there.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atendo.config.settings")

django_application = get_wsgi_application()

from atendo.connectors.webhooks import WebhookFastPath  # noqa: E402  (after the app registry is ready)

application = WebhookFastPath(django_application)

# The ~135,000 objects of the loaded app live as long as the process: kept out of the cyclic
# collector's sight, a full collection no longer walks them while every thread of the worker
# waits (~25 ms each time, measured; 100-170 ms on a slower day), a stall that lands in the
# requests' tail latency. The URLconf (every view module, ~15,000 objects) is loaded first, as
# the first request would, so that it is frozen too.
get_resolver().url_patterns  # noqa: B018 (loads it)
gc.freeze()
