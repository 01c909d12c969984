from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "atendo.knowledge"
    label = "knowledge"
