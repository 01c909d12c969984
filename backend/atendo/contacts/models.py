"""Contacts (the customers) and their identities on each channel."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper

from atendo.core.models import Locale, UUIDModel
from atendo.core.tenancy import TenantOwnedModel


class Contact(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True, default="")
    avatar_url = models.URLField(max_length=500, blank=True, default="")
    language = models.CharField(max_length=5, choices=Locale.choices, blank=True, default="")
    custom_attributes = models.JSONField(default=dict, blank=True)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    blocked = models.BooleanField(default=False)
    # Set when this contact was merged into another; merged contacts are hidden from lists.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    # The values of the contact's identities, one a line (IDENTITY_TEXT_SEPARATOR), sorted by kind
    # and value: search finds a contact by any part of a phone, e-mail or id in its own row (one
    # trigram index, no lookup into the identities per contact). Kept by the database (triggers of
    # contacts.0003: whoever writes an identity, and whatever a save() sends, it is recomputed).
    identity_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["tenant", "-updated_at", "-id"], name="contact_tenant_recent"),
            GinIndex(fields=["tags"], name="contact_tags"),
            # Search by any part of the name (`name__icontains` is UPPER(name) LIKE …): trigrams
            # find the few matches among 100,000s without reading every contact.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="contact_name_trgm"),
            GinIndex(OpClass(Upper("identity_text"), name="gin_trgm_ops"), name="contact_identity_text_trgm"),
        ]

    def __str__(self) -> str:
        return self.name or str(self.id)


# Between two identity values in `Contact.identity_text`: a search term without it cannot match
# across two values.
IDENTITY_TEXT_SEPARATOR = "\n"


class IdentityKind(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    WEBCHAT = "webchat", "Web chat visitor"
    EXTERNAL = "external", "Identifier from the tenant's own site"


class ContactIdentity(UUIDModel, TenantOwnedModel):
    """How a contact is recognised on a channel; the value is normalised (E.164 phones,
    lower-case e-mails) and unique per tenant and kind."""

    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=16, choices=IdentityKind.choices)
    value = models.CharField(max_length=320)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "kind", "value"], name="identity_unique_per_tenant"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "value"], name="identity_tenant_value"),
            # Search by any part of a phone, e-mail or id (`value__icontains`), as for names.
            GinIndex(OpClass(Upper("value"), name="gin_trgm_ops"), name="identity_value_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
