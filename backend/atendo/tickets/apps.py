from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "atendo.tickets"
    label = "tickets"
