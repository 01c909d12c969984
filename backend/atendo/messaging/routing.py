from django.urls import path

from atendo.messaging import consumers

websocket_urlpatterns = [
    path("ws/<slug:tenant_slug>/conversations/<uuid:conversation_id>", consumers.ConversationConsumer.as_asgi()),
    path("ws/<slug:tenant_slug>/inbox", consumers.InboxConsumer.as_asgi()),
    path("ws/widget/<str:token>", consumers.VisitorConsumer.as_asgi()),
]
