"""Contact writes: upsert by identity (used by every channel), edits, merges."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atendo.contacts.events import ContactChanged
from atendo.contacts.identities import normalize_identity
from atendo.contacts.models import Contact, ContactIdentity, IdentityKind
from atendo.core.access import ensure_can
from atendo.core.errors import ApplicationError, ConflictError
from atendo.core.events import publish, publish_all
from atendo.core.models import Tenant, TenantUser
from atendo.core.services.audit import SYSTEM, RequestContext, assign_changed_fields, audit_record

CONTACT_EDITABLE_FIELDS = ("name", "avatar_url", "language", "custom_attributes", "tags", "blocked")

# Identities an agent may add, change or remove by hand. The others (WhatsApp, Telegram, web chat
# visitor, the tenant site's identifier) are how a channel recognises the person: changing them
# would silently detach the channel, so they only come and go with the channel (or a merge).
AGENT_EDITABLE_IDENTITY_KINDS = (IdentityKind.PHONE, IdentityKind.EMAIL)

# Steps other apps add to a merge (e.g. messaging re-points conversations). They run inside the
# merge's transaction, so a merge is all or nothing; registered from AppConfig.ready().
MergeStep = Callable[[Tenant, Contact, Contact], None]
_merge_steps: list[MergeStep] = []


def register_merge_step(step: MergeStep) -> None:
    if step not in _merge_steps:
        _merge_steps.append(step)


def contact_upsert_by_identity(
    *,
    tenant: Tenant,
    kind: str,
    value: str,
    name: str = "",
    language: str = "",
    attributes: dict[str, Any] | None = None,
) -> tuple[Contact, bool]:
    """The contact owning (kind, value), created when new. Safe under concurrency: twenty
    simultaneous first messages from one person make one contact. Returns (contact, created)."""
    value = normalize_identity(kind, value)
    identity = (
        ContactIdentity.objects.for_tenant(tenant).filter(kind=kind, value=value).select_related("contact").first()
    )
    if identity is not None:
        contact = identity.contact
        if name and not contact.name:
            contact.name = name[:200]
            contact.save(update_fields=["name", "updated_at"])
        return contact, False
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                tenant=tenant, name=name[:200], language=language, custom_attributes=attributes or {}
            )
            ContactIdentity.objects.create(tenant=tenant, contact=contact, kind=kind, value=value)
    except IntegrityError:
        # Another request created the identity first; its transaction has committed by now
        # (the unique index made us wait for it), so we can read its contact.
        identity = ContactIdentity.objects.for_tenant(tenant).select_related("contact").get(kind=kind, value=value)
        return identity.contact, False
    publish(ContactChanged(tenant_id=tenant.id, contact_id=contact.id, change="created"))
    return contact, True


def contacts_upsert_by_identities(*, tenant: Tenant, kind: str, names: Mapping[str, str]) -> dict[str, Contact]:
    """contact_upsert_by_identity for many people at once (a batch of inbound messages):
    `names` maps normalised identity values to the names the channel gave. Three queries for
    the batch, whatever its size: the known identities, then the new contacts and their
    identities in bulk. Safe under concurrency: an identity another transaction created first
    wins (the unique index made us wait for it) and our contact for it is dropped."""
    identities = ContactIdentity.objects.for_tenant(tenant).filter(kind=kind).select_related("contact")
    found = {identity.value: identity.contact for identity in identities.filter(value__in=list(names))}
    for value, contact in found.items():
        if names.get(value) and not contact.name:
            contact.name = names[value][:200]
            contact.save(update_fields=["name", "updated_at"])
    missing = [value for value in names if value not in found]
    if not missing:
        return found
    with transaction.atomic():
        created = {value: Contact(tenant=tenant, name=(names[value] or "")[:200]) for value in missing}
        Contact.objects.bulk_create(created.values())
        ContactIdentity.objects.bulk_create(
            [
                ContactIdentity(tenant=tenant, contact=contact, kind=kind, value=value)
                for value, contact in created.items()
            ],
            ignore_conflicts=True,
        )
        winners = {identity.value: identity.contact for identity in identities.filter(value__in=missing)}
        lost = [contact.id for value, contact in created.items() if winners[value].id != contact.id]
        if lost:  # a concurrent request created these people first
            Contact.objects.for_tenant(tenant).filter(id__in=lost).delete()
    found.update(winners)
    publish_all(
        [
            ContactChanged(tenant_id=tenant.id, contact_id=contact.id, change="created")
            for value, contact in created.items()
            if winners[value].id == contact.id
        ]
    )
    return found


def contact_create(
    *,
    tenant: Tenant,
    actor: TenantUser,
    data: dict[str, Any],
    identities: list[tuple[str, str]],
    context: RequestContext = SYSTEM,
) -> Contact:
    ensure_can(actor, "contact.edit", tenant)
    normalized = [(kind, normalize_identity(kind, value)) for kind, value in identities]
    with transaction.atomic():
        contact = Contact.objects.create(
            tenant=tenant, **{k: v for k, v in data.items() if k in CONTACT_EDITABLE_FIELDS}
        )
        try:
            with transaction.atomic():
                ContactIdentity.objects.bulk_create(
                    [ContactIdentity(tenant=tenant, contact=contact, kind=k, value=v) for k, v in normalized]
                )
        except IntegrityError as exc:
            raise ConflictError(
                _("Another contact already has this identity."),
                code="identity_taken",
                fields={"identities": [_("Already used by another contact.")]},
            ) from exc
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="contact.created",
            target=contact,
            changes={"name": contact.name, "identities": normalized},
            context=context,
        )
        publish(ContactChanged(tenant_id=tenant.id, contact_id=contact.id, change="created"))
    return contact


def contact_update(
    *, tenant: Tenant, actor: TenantUser, contact: Contact, data: dict[str, Any], context: RequestContext = SYSTEM
) -> Contact:
    ensure_can(actor, "contact.edit", tenant)
    changes = assign_changed_fields(contact, data, CONTACT_EDITABLE_FIELDS)
    if changes:
        with transaction.atomic():
            contact.save(update_fields=[*changes, "updated_at"])
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="contact.updated",
                target=contact,
                changes=changes,
                context=context,
            )
            publish(ContactChanged(tenant_id=tenant.id, contact_id=contact.id, change="updated"))
    return contact


def _identity_taken() -> ConflictError:
    return ConflictError(
        _("Another contact already has this identity."),
        code="identity_taken",
        fields={"value": [_("Already used by another contact.")]},
    )


def _ensure_agent_editable(kind: str) -> None:
    if kind not in AGENT_EDITABLE_IDENTITY_KINDS:
        raise ApplicationError(
            _("This identity comes from a channel and cannot be changed by hand."),
            code="identity_read_only",
            fields={"kind": [_("Only phone numbers and e-mail addresses can be edited.")]},
        )


def contact_identity_add(
    *, tenant: Tenant, actor: TenantUser, contact: Contact, kind: str, value: str, context: RequestContext = SYSTEM
) -> ContactIdentity:
    """Give the contact another phone number or e-mail address (normalised, unique per tenant)."""
    ensure_can(actor, "contact.edit", tenant)
    _ensure_agent_editable(kind)
    value = normalize_identity(kind, value)
    try:
        with transaction.atomic():
            identity = ContactIdentity.objects.create(tenant=tenant, contact=contact, kind=kind, value=value)
            Contact.objects.for_tenant(tenant).filter(id=contact.id).update(updated_at=timezone.now())
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="contact.identity_added",
                target=contact,
                changes={"identity": [kind, value]},
                context=context,
            )
            publish(ContactChanged(tenant_id=tenant.id, contact_id=contact.id, change="updated"))
    except IntegrityError as exc:
        raise _identity_taken() from exc
    return identity


def contact_identity_change(
    *,
    tenant: Tenant,
    actor: TenantUser,
    identity: ContactIdentity,
    value: str,
    context: RequestContext = SYSTEM,
) -> ContactIdentity:
    """Correct a phone number or e-mail address the contact gave (a typo, a new number)."""
    ensure_can(actor, "contact.edit", tenant)
    _ensure_agent_editable(identity.kind)
    value = normalize_identity(identity.kind, value)
    if value == identity.value:
        return identity
    previous = identity.value
    try:
        with transaction.atomic():
            identity.value = value
            identity.save(update_fields=["value"])
            Contact.objects.for_tenant(tenant).filter(id=identity.contact_id).update(updated_at=timezone.now())
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="contact.identity_changed",
                target=identity.contact,
                changes={"kind": identity.kind, "value": {"from": previous, "to": value}},
                context=context,
            )
            publish(ContactChanged(tenant_id=tenant.id, contact_id=identity.contact_id, change="updated"))
    except IntegrityError as exc:
        identity.value = previous
        raise _identity_taken() from exc
    return identity


def contact_identity_remove(
    *, tenant: Tenant, actor: TenantUser, identity: ContactIdentity, context: RequestContext = SYSTEM
) -> None:
    """Forget a phone number or e-mail address. A contact keeps a name or at least one identity."""
    ensure_can(actor, "contact.edit", tenant)
    _ensure_agent_editable(identity.kind)
    with transaction.atomic():
        contact = Contact.objects.for_tenant(tenant).select_for_update().get(id=identity.contact_id)
        others = ContactIdentity.objects.for_tenant(tenant).filter(contact=contact).exclude(id=identity.id)
        if not contact.name.strip() and not others.exists():
            raise ApplicationError(_("Give the contact a name or at least one identity."), code="contact_empty")
        identity.delete()
        contact.save(update_fields=["updated_at"])
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="contact.identity_removed",
            target=contact,
            changes={"identity": [identity.kind, identity.value]},
            context=context,
        )
        publish(ContactChanged(tenant_id=tenant.id, contact_id=contact.id, change="updated"))


def contact_merge(
    *, tenant: Tenant, actor: TenantUser, source: Contact, target: Contact, context: RequestContext = SYSTEM
) -> Contact:
    """Merge the duplicate `source` into `target`: identities, tags, attributes (target wins)
    and, through registered steps, everything that points at the source (conversations)."""
    ensure_can(actor, "contact.manage", tenant)
    if source.id == target.id:
        raise ApplicationError(_("A contact cannot be merged into itself."), code="merge_same_contact")
    with transaction.atomic():
        locked = {
            c.id: c
            for c in Contact.objects.for_tenant(tenant).select_for_update().filter(id__in=[source.id, target.id])
        }
        source, target = locked[source.id], locked[target.id]
        if source.merged_into_id or target.merged_into_id:
            raise ConflictError(_("This contact was already merged."), code="already_merged")
        moved = list(ContactIdentity.objects.for_tenant(tenant).filter(contact=source).values_list("kind", "value"))
        ContactIdentity.objects.for_tenant(tenant).filter(contact=source).update(contact=target)
        target.tags = sorted(set(target.tags) | set(source.tags))
        target.custom_attributes = {**source.custom_attributes, **target.custom_attributes}
        target.name = target.name or source.name
        target.save(update_fields=["tags", "custom_attributes", "name", "updated_at"])
        for step in _merge_steps:
            step(tenant, source, target)
        source.merged_into = target
        source.save(update_fields=["merged_into", "updated_at"])
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="contact.merged",
            target=target,
            changes={"source": source.id, "identities": moved},
            context=context,
        )
        publish(ContactChanged(tenant_id=tenant.id, contact_id=target.id, change="merged"))
    return target
