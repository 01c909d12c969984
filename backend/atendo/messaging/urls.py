from django.urls import path

from atendo.messaging import api, widget_api

urlpatterns = [
    path("conversations", api.ConversationListApi.as_view(), name="conversation-list"),
    path("conversations/<uuid:conversation_id>", api.ConversationDetailApi.as_view(), name="conversation-detail"),
    path(
        "conversations/<uuid:conversation_id>/messages",
        api.ConversationMessagesApi.as_view(),
        name="conversation-messages",
    ),
    path(
        "conversations/<uuid:conversation_id>/messages/<uuid:message_id>/retry",
        api.MessageRetryApi.as_view(),
        name="message-retry",
    ),
    path(
        "conversations/<uuid:conversation_id>/assign", api.ConversationAssignApi.as_view(), name="conversation-assign"
    ),
    path(
        "conversations/<uuid:conversation_id>/status", api.ConversationStatusApi.as_view(), name="conversation-status"
    ),
    path("conversations/<uuid:conversation_id>/read", api.ConversationReadApi.as_view(), name="conversation-read"),
    path(
        "conversations/<uuid:conversation_id>/typing", api.ConversationTypingApi.as_view(), name="conversation-typing"
    ),
    path(
        "conversations/<uuid:conversation_id>/participants",
        api.ConversationParticipantsApi.as_view(),
        name="conversation-participants",
    ),
    path(
        "conversations/<uuid:conversation_id>/participants/<uuid:member_id>",
        api.ConversationParticipantDetailApi.as_view(),
        name="conversation-participant-detail",
    ),
    path("widget/<str:token>/config", widget_api.WidgetConfigApi.as_view(), name="widget-config"),
    path("widget/<str:token>/sessions", widget_api.WidgetSessionApi.as_view(), name="widget-sessions"),
    path("widget/<str:token>/messages", widget_api.WidgetMessagesApi.as_view(), name="widget-messages"),
    path("widget/<str:token>/typing", widget_api.WidgetTypingApi.as_view(), name="widget-typing"),
]
