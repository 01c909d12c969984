from django.urls import path

from atendo.tickets import consumers

websocket_urlpatterns = [
    path("ws/<slug:tenant_slug>/tickets", consumers.TicketBoardConsumer.as_asgi()),
]
