from django.urls import path

from atendo.knowledge import api

urlpatterns = [
    path("quick-replies", api.QuickReplyListApi.as_view(), name="quick-reply-list"),
    path("quick-replies/<uuid:quick_reply_id>", api.QuickReplyDetailApi.as_view(), name="quick-reply-detail"),
    path("quick-replies/<uuid:quick_reply_id>/use", api.QuickReplyUseApi.as_view(), name="quick-reply-use"),
]
