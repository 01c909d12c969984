"""WSGI entry point: plain HTTP (API, webhooks, static) is served through granian WSGI."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atendo.config.settings")

application = get_wsgi_application()
