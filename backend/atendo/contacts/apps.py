from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "atendo.contacts"
    label = "contacts"
