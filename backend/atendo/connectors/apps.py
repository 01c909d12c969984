from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "atendo.connectors"
    label = "connectors"
