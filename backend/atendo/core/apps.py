from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "atendo.core"
    label = "core"
    verbose_name = "Atendo core"

    def ready(self) -> None:
        from atendo.core import listeners  # noqa: F401  (registers event listeners)
