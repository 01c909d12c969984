from django.urls import path

from atendo.contacts import api

urlpatterns = [
    path("contacts", api.ContactListApi.as_view(), name="contact-list"),
    path("contacts/<uuid:contact_id>", api.ContactDetailApi.as_view(), name="contact-detail"),
    path("contacts/<uuid:contact_id>/merge", api.ContactMergeApi.as_view(), name="contact-merge"),
    path("contacts/<uuid:contact_id>/identities", api.ContactIdentityListApi.as_view(), name="contact-identities"),
    path(
        "contacts/<uuid:contact_id>/identities/<uuid:identity_id>",
        api.ContactIdentityDetailApi.as_view(),
        name="contact-identity",
    ),
]
