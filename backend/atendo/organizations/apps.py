from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "atendo.organizations"
    label = "organizations"
