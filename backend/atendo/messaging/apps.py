from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "atendo.messaging"
    label = "messaging"

    def ready(self) -> None:
        from atendo.messaging import listeners  # noqa: F401  (registers event listeners and merge steps)
