from django.urls import path

from atendo.contacts import api

urlpatterns = [
    path("contacts", api.ContactListApi.as_view(), name="contact-list"),
    path("contacts/<uuid:contact_id>", api.ContactDetailApi.as_view(), name="contact-detail"),
    path("contacts/<uuid:contact_id>/merge", api.ContactMergeApi.as_view(), name="contact-merge"),
]
