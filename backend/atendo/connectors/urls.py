from django.urls import path

from atendo.connectors import api

urlpatterns = [
    path("channels/webchat", api.WebChatAccountListApi.as_view(), name="webchat-account-list"),
    path("channels/webchat/<uuid:account_id>", api.WebChatAccountDetailApi.as_view(), name="webchat-account-detail"),
]
