from django.urls import path

from atendo.core.realtime import consumers

websocket_urlpatterns = [
    path("ws/<slug:tenant_slug>/notifications", consumers.NotificationsConsumer.as_asgi()),
    path("ws/<slug:tenant_slug>/presence", consumers.PresenceConsumer.as_asgi()),
]
