from django.urls import path

from atendo.connectors import api

urlpatterns = [
    path("channels/webchat", api.WebChatAccountListApi.as_view(), name="webchat-account-list"),
    path("channels/webchat/<uuid:account_id>", api.WebChatAccountDetailApi.as_view(), name="webchat-account-detail"),
    path("channels/connectors", api.ConnectorListApi.as_view(), name="connector-list"),
    path("channels/connectors/<uuid:connector_id>", api.ConnectorDetailApi.as_view(), name="connector-detail"),
    path("channels/accounts", api.AccountListApi.as_view(), name="account-list"),
    path("channels/accounts/<uuid:account_id>", api.AccountDetailApi.as_view(), name="account-detail"),
    path("channels/accounts/<uuid:account_id>/activate", api.AccountActivateApi.as_view(), name="account-activate"),
    path(
        "channels/accounts/<uuid:account_id>/deactivate", api.AccountDeactivateApi.as_view(), name="account-deactivate"
    ),
    path("channels/dead-letters", api.DeadLetterListApi.as_view(), name="dead-letter-list"),
    path(
        "channels/dead-letters/<uuid:dead_letter_id>/replay",
        api.DeadLetterReplayApi.as_view(),
        name="dead-letter-replay",
    ),
]
