from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "atendo.tickets"
    label = "tickets"

    def ready(self) -> None:
        from atendo.tickets import listeners  # noqa: F401  (registers the board broadcaster)
