from django.urls import path

from atendo.tickets import api

urlpatterns = [
    path("tickets", api.TicketListApi.as_view(), name="ticket-list"),
    path("tickets/counts", api.TicketCountsApi.as_view(), name="ticket-counts"),
    path("tickets/<uuid:ticket_id>", api.TicketDetailApi.as_view(), name="ticket-detail"),
    path("tickets/<uuid:ticket_id>/status", api.TicketStatusApi.as_view(), name="ticket-status"),
    path("tickets/<uuid:ticket_id>/transfer", api.TicketTransferApi.as_view(), name="ticket-transfer"),
    path("tickets/<uuid:ticket_id>/comments", api.TicketCommentsApi.as_view(), name="ticket-comments"),
    path("tickets/<uuid:ticket_id>/sla", api.TicketSlaApi.as_view(), name="ticket-sla"),
]
