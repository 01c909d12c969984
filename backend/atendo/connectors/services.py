"""Channel account writes. Web chat accounts are created whole (connector + account) because
a widget has no provider credentials to set up first."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.backends.postgresql.psycopg_any import is_psycopg3
from django.db.models import ProtectedError
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from atendo.connectors.adapters.base import AdapterError
from atendo.connectors.events import InboundEventStored
from atendo.connectors.models import ChannelAccount, ChannelConnector, ChannelKind, DeadLetter, InboundEvent
from atendo.core.access import ensure_can
from atendo.core.db import execute_prepared
from atendo.core.errors import ApplicationError, ConflictError
from atendo.core.events import publish
from atendo.core.models import Tenant, TenantUser
from atendo.core.services.audit import SYSTEM, RequestContext, assign_changed_fields, audit_record
from atendo.organizations.models import Department, Team

WEBCHAT_DEFAULTS: dict[str, Any] = {
    "allowed_origins": [],
    "primary_color": "#128C7E",
    "greeting": "",
    "prechat_fields": [],
    "require_identity": False,
}


def _routing(department: Department | None, team: Team | None) -> tuple[Department | None, Team | None]:
    """Where new conversations of an account start. A team implies its department; a team of
    another department than the one given is refused. Both were resolved inside the tenant."""
    if team is None:
        return department, None
    if department is not None and team.department_id != department.id:
        raise ApplicationError(
            _("This team belongs to another department."),
            code="team_outside_department",
            fields={"default_team": [_("This team belongs to another department.")]},
        )
    return team.department, team


def _routing_changes(
    account: ChannelAccount, department: Department | None, team: Team | None
) -> dict[str, dict[str, Any]]:
    """Set the account's routing; the audit's `{field: {"from", "to"}}` (ids) of what changed."""
    changes: dict[str, dict[str, Any]] = {}
    for field_name, row in (("default_department", department), ("default_team", team)):
        before = getattr(account, f"{field_name}_id")
        after = row.id if row is not None else None
        if before != after:
            changes[field_name] = {"from": before, "to": after}
            setattr(account, field_name, row)
    return changes


def webchat_account_build(
    *,
    tenant: Tenant,
    name: str,
    settings: dict[str, Any],
    default_department: Department | None = None,
    default_team: Team | None = None,
) -> ChannelAccount:
    """Connector + active account with a fresh widget token and identity secret (no checks,
    no audit: callers are `webchat_account_create` and the demo loader)."""
    connector = ChannelConnector.objects.create(tenant=tenant, kind=ChannelKind.WEBCHAT, name=name)
    return ChannelAccount.objects.create(
        tenant=tenant,
        connector=connector,
        kind=ChannelKind.WEBCHAT,
        name=name,
        external_id=secrets.token_urlsafe(18),
        status=ChannelAccount.Status.ACTIVE,
        settings={**WEBCHAT_DEFAULTS, **settings},
        secret=secrets.token_urlsafe(32),
        default_department=default_department,
        default_team=default_team,
    )


def webchat_account_create(
    *,
    tenant: Tenant,
    actor: TenantUser,
    name: str,
    settings: dict[str, Any],
    default_department: Department | None = None,
    default_team: Team | None = None,
    context: RequestContext = SYSTEM,
) -> ChannelAccount:
    ensure_can(actor, "channel.manage", tenant)
    department, team = _routing(default_department, default_team)
    with transaction.atomic():
        account = webchat_account_build(
            tenant=tenant, name=name, settings=settings, default_department=department, default_team=team
        )
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="channel.webchat_created",
            target=account,
            changes={
                "name": name,
                "settings": account.settings,
                "default_department": account.default_department_id,
                "default_team": account.default_team_id,
            },
            context=context,
        )
    return account


def webchat_account_update(
    *,
    tenant: Tenant,
    actor: TenantUser,
    account: ChannelAccount,
    name: str | None = None,
    settings: dict[str, Any] | None = None,
    status: str | None = None,
    rotate_secret: bool = False,
    routing: tuple[Department | None, Team | None] | None = None,
    context: RequestContext = SYSTEM,
) -> ChannelAccount:
    """`routing`: the new (default department, default team), None to leave them as they are."""
    ensure_can(actor, "channel.manage", tenant)
    merged_settings = {**account.settings, **settings} if settings is not None else None
    changes = assign_changed_fields(
        account, {"name": name, "settings": merged_settings, "status": status}, ("name", "settings", "status")
    )
    if routing is not None:
        changes |= _routing_changes(account, *_routing(*routing))
    if rotate_secret:
        account.secret = secrets.token_urlsafe(32)
        changes["secret"] = "rotated"  # noqa: S105 - an audit note, not a secret
    if changes:
        with transaction.atomic():
            account.save()
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="channel.webchat_updated",
                target=account,
                changes=changes,
                context=context,
            )
    return account


_STORE_SQL = (
    "INSERT INTO connectors_inboundevent (tenant_id, connector_id, event_key, body, status, attempts, "
    "last_error, received_at) VALUES (%s, %s, %s, %s, 'pending', 0, '', now()) "
    "ON CONFLICT (connector_id, event_key) DO NOTHING RETURNING id"
)


def inbound_event_store(*, tenant_id: Any, connector_id: Any, event_key: str, body: bytes) -> int | None:
    """Store a raw provider event with one (prepared) statement; None when it was already stored
    (a provider retry, a mail fetched twice). The caller publishes InboundEventStored."""
    row = execute_prepared(_STORE_SQL, [tenant_id, connector_id, event_key, body])
    return int(row[0]) if row else None


@dataclass(frozen=True)
class ClaimedEvent:
    """A stored event this worker holds: `attempts` already counts the current attempt."""

    id: int
    tenant_id: UUID
    connector_id: UUID
    body: bytes
    attempts: int


# One statement: pick due, unclaimed pending events in arrival order and count the attempt. It
# commits before processing starts (autocommit), so a worker killed mid-batch has used it up.
# Times are statement_timestamp(), like the `next_attempt_at` default (Django's Now()): now()
# would be the start of an enclosing transaction.
_CLAIM_SQL = """
    UPDATE connectors_inboundevent AS event
    SET attempts = event.attempts + 1, claimed_at = statement_timestamp()
    FROM (
        SELECT id FROM connectors_inboundevent
        WHERE status = 'pending' AND claimed_at IS NULL AND next_attempt_at <= statement_timestamp() {only}
        ORDER BY id
        LIMIT %(limit)s
        FOR UPDATE SKIP LOCKED
    ) AS due
    WHERE event.id = due.id
    RETURNING event.id, event.tenant_id, event.connector_id, event.body, event.attempts
"""


def _statements_in_one_round_trip() -> bool:
    """Several statements with parameters go in one execute with client-side binding (Django's
    default with psycopg 3), not with server-side binding (one statement per prepared query)."""
    return is_psycopg3 and connection.settings_dict.get("OPTIONS", {}).get("server_side_binding") is not True


def inbound_events_claim(
    *, limit: int, event_id: int | None = None, lock_first: int | None = None
) -> list[ClaimedEvent]:
    """Claim up to `limit` due pending events (or just `event_id`), oldest first. Call it
    outside a transaction: the claim has to be durable before the work starts. `lock_first`:
    a session advisory lock (the drain's claim order) taken just before the claim, in the same
    round trip when the driver allows it: a statement after another, each with its own snapshot
    (read committed), committed together as soon as the claim is done."""
    only = "AND id = %(event_id)s" if event_id is not None else ""
    claim = _CLAIM_SQL.format(only=only)
    params: dict[str, Any] = {"limit": limit, "event_id": event_id, "lock": lock_first}
    with connection.cursor() as cursor:
        if lock_first is not None and _statements_in_one_round_trip():
            cursor.execute("SELECT pg_advisory_lock(%(lock)s);" + claim, params)
            cursor.nextset()  # the claim's rows
        else:
            if lock_first is not None:
                cursor.execute("SELECT pg_advisory_lock(%s)", [lock_first])
            cursor.execute(claim, params)
        rows = cursor.fetchall()
    events = [
        ClaimedEvent(id=row[0], tenant_id=row[1], connector_id=row[2], body=bytes(row[3]), attempts=row[4])
        for row in rows
    ]
    return sorted(events, key=lambda event: event.id)


def inbound_events_mark_done(event_ids: Iterable[int]) -> None:
    ids = list(event_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE connectors_inboundevent SET status = 'done', processed_at = statement_timestamp(), "
            "claimed_at = NULL, last_error = '' WHERE id = ANY(%s)",
            [ids],
        )


def inbound_event_retry_later(*, event_id: int, error: str, delay_seconds: float) -> None:
    """Give the claim back; the event is due again after `delay_seconds` (the caller's backoff)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE connectors_inboundevent SET claimed_at = NULL, last_error = %s, "
            "next_attempt_at = statement_timestamp() + make_interval(secs => %s) WHERE id = %s AND status = 'pending'",
            [error[:2000], delay_seconds, event_id],
        )


def inbound_event_dead_letter(*, event: ClaimedEvent, error: str) -> None:
    """Stop trying: the event is kept as dead and an admin sees (and may replay) the letter."""
    with transaction.atomic():
        InboundEvent.objects.unscoped().filter(id=event.id).update(
            status=InboundEvent.Status.DEAD, claimed_at=None, last_error=error[:2000]
        )
        DeadLetter.objects.create(
            tenant_id=event.tenant_id, event_id=event.id, error=error[:5000], attempts=event.attempts
        )


def inbound_events_release_stale(*, grace_seconds: int) -> int:
    """Hand back claims older than the grace period: their worker died (kill -9, lost host)
    before finishing. The attempt it used stays counted."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE connectors_inboundevent SET claimed_at = NULL "
            "WHERE status = 'pending' AND claimed_at < statement_timestamp() - make_interval(secs => %s)",
            [grace_seconds],
        )
        return int(cursor.rowcount)


def inbound_events_overdue(*, grace_seconds: int, limit: int = 10_000) -> int:
    """Pending events nobody has claimed for `grace_seconds` after they became due (their wake-up
    was lost: broker restarted, workers down)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM connectors_inboundevent WHERE status = 'pending' "
            "AND claimed_at IS NULL AND next_attempt_at <= statement_timestamp() - make_interval(secs => %s) "
            "LIMIT %s) AS overdue",
            [grace_seconds, limit],
        )
        return int(cursor.fetchone()[0])


def inbound_events_next_due_in(*, horizon_seconds: int) -> float | None:
    """Seconds until the next pending event waiting for a retry becomes due (None: none within
    the horizon)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(epoch FROM min(next_attempt_at) - statement_timestamp()) FROM connectors_inboundevent "
            "WHERE status = 'pending' AND claimed_at IS NULL "
            "AND next_attempt_at <= statement_timestamp() + make_interval(secs => %s)",
            [horizon_seconds],
        )
        seconds = cursor.fetchone()[0]
    return None if seconds is None else max(0.0, float(seconds))


CREDENTIAL_KEYS: dict[str, tuple[str, ...]] = {
    "whatsapp": ("access_token", "app_secret", "verify_token"),
    "telegram": ("bot_token", "secret_token"),
    "email": (
        "imap_host",
        "imap_port",
        "imap_security",
        "imap_folder",
        "username",
        "password",
        "smtp_host",
        "smtp_port",
        "smtp_security",
        "smtp_username",
        "smtp_password",
    ),
}
# Connectors can be created without these (Atendo picks a Telegram secret token; e-mail has
# defaults for ports, security, the folder and the SMTP login).
OPTIONAL_CREDENTIAL_KEYS = frozenset(
    {
        "secret_token",
        "imap_port",
        "imap_security",
        "imap_folder",
        "smtp_port",
        "smtp_security",
        "smtp_username",
        "smtp_password",
    }
)


def connector_create(
    *,
    tenant: Tenant,
    actor: TenantUser,
    kind: str,
    name: str,
    credentials: dict[str, str],
    context: RequestContext = SYSTEM,
) -> ChannelConnector:
    ensure_can(actor, "channel.manage", tenant)
    if kind == ChannelKind.TELEGRAM and not credentials.get("secret_token"):
        credentials = {**credentials, "secret_token": secrets.token_urlsafe(24)}  # Atendo picks it for setWebhook
    with transaction.atomic():
        connector = ChannelConnector.objects.create(
            tenant=tenant, kind=kind, name=name, credentials=json.dumps(credentials)
        )
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="channel.connector_created",
            target=connector,
            changes={"kind": kind, "name": name, "credentials": sorted(credentials)},
            context=context,
        )
    return connector


def connector_update(
    *,
    tenant: Tenant,
    actor: TenantUser,
    connector: ChannelConnector,
    name: str | None = None,
    credentials: dict[str, str] | None = None,
    context: RequestContext = SYSTEM,
) -> ChannelConnector:
    from atendo.connectors.webhooks import forget_connector

    ensure_can(actor, "channel.manage", tenant)
    changes: dict[str, Any] = {}
    if name is not None and name != connector.name:
        changes["name"] = {"from": connector.name, "to": name}
        connector.name = name
    if credentials:
        merged = {**json.loads(connector.credentials or "{}"), **credentials}
        connector.credentials = json.dumps(merged)
        changes["credentials"] = sorted(credentials)  # names only: secrets never reach the audit log
    if changes:
        with transaction.atomic():
            connector.save()
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="channel.connector_updated",
                target=connector,
                changes=changes,
                context=context,
            )
        transaction.on_commit(lambda: forget_connector(connector.webhook_key))
    return connector


def connector_delete(
    *, tenant: Tenant, actor: TenantUser, connector: ChannelConnector, context: RequestContext = SYSTEM
) -> None:
    """Disables its accounts and removes the connector; conversations keep their history."""
    from atendo.connectors.webhooks import forget_connector

    ensure_can(actor, "channel.manage", tenant)
    with transaction.atomic():
        ChannelAccount.objects.for_tenant(tenant).filter(connector=connector).update(
            status=ChannelAccount.Status.DISABLED
        )
        key = connector.webhook_key
        connector.webhook_key = f"deleted-{secrets.token_hex(8)}"  # the public URL stops working at once
        connector.save(update_fields=["webhook_key", "updated_at"])
        audit_record(
            tenant=tenant, actor=actor.user, action="channel.connector_deleted", target=connector, context=context
        )
    transaction.on_commit(lambda: forget_connector(key))


def account_create(
    *,
    tenant: Tenant,
    actor: TenantUser,
    connector: ChannelConnector,
    name: str,
    external_id: str,
    default_department: Department | None = None,
    default_team: Team | None = None,
    context: RequestContext = SYSTEM,
) -> ChannelAccount:
    ensure_can(actor, "channel.manage", tenant)
    default_department, default_team = _routing(default_department, default_team)
    if connector.kind == ChannelKind.EMAIL:
        external_id = _email_account_address(connector, external_id)
    try:
        with transaction.atomic():
            account = ChannelAccount.objects.create(
                tenant=tenant,
                connector=connector,
                kind=connector.kind,
                name=name,
                external_id=external_id,
                status=ChannelAccount.Status.PENDING,
                default_department=default_department,
                default_team=default_team,
            )
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="channel.account_created",
                target=account,
                changes={"name": name, "external_id": external_id},
                context=context,
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("This account is already connected."),
            code="account_taken",
            fields={"external_id": [_("Already connected.")]},
        ) from exc
    return account


def _email_account_address(connector: ChannelConnector, address: str) -> str:
    """An e-mail connector holds one mailbox's IMAP/SMTP login, so it has one account, whose
    external id is the mailbox address (lower-case)."""
    try:
        validate_email(address.strip())
    except ValidationError as exc:
        raise ApplicationError(
            _("Give the mailbox address."), code="invalid", fields={"external_id": [_("Enter a valid email address.")]}
        ) from exc
    if ChannelAccount.objects.for_tenant(connector.tenant_id).filter(connector=connector, deleted_at=None).exists():
        raise ConflictError(
            _("This mailbox connection already has its account."),
            code="account_taken",
            fields={"connector": [_("Create another e-mail connection for another mailbox.")]},
        )
    return address.strip().lower()


def _start_mailbox(account: ChannelAccount) -> None:
    from atendo.connectors.imap_sync import ImapError
    from atendo.connectors.mailboxes import mailbox_start

    try:
        mailbox_start(account)
    except ImapError as exc:
        raise AdapterError(str(exc), code="imap_error") from exc


def provider_error_fields(kind: str, error: AdapterError) -> dict[str, Any]:
    """A provider's refusal on the inputs it is about: `{"credentials": {key: [message]}}` for
    the credentials the adapter named, `{"external_id": [message]}` for the account's provider
    id, `{"credentials": {"non_field_errors": [message]}}` when it could not tell."""
    fields: dict[str, Any] = {}
    credentials = {key: [error.message] for key in error.fields if key in CREDENTIAL_KEYS.get(kind, ())}
    if "external_id" in error.fields:
        fields["external_id"] = [error.message]
    if credentials or not fields:
        fields["credentials"] = credentials or {"non_field_errors": [error.message]}
    return fields


def account_activate(
    *, tenant: Tenant, actor: TenantUser, account: ChannelAccount, webhook_url: str, context: RequestContext = SYSTEM
) -> ChannelAccount:
    """Check the credentials against the provider (and register the webhook where needed);
    the account is active on success, in error with the provider's reason otherwise."""
    from atendo.connectors.adapters import get_adapter

    ensure_can(actor, "channel.manage", tenant)
    credentials = json.loads(account.connector.credentials or "{}")
    try:
        get_adapter(account.kind).check_credentials(credentials, account.external_id, webhook_url)
        if account.kind == ChannelKind.EMAIL:
            _start_mailbox(account)  # import mail arriving from now on
    except AdapterError as exc:
        account.status, account.last_error = ChannelAccount.Status.ERROR, exc.message
        account.save(update_fields=["status", "last_error", "updated_at"])
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="channel.account_activation_failed",
            target=account,
            changes={"error": exc.message},
            context=context,
        )
        raise ApplicationError(
            exc.message, code="provider_refused", fields=provider_error_fields(account.kind, exc)
        ) from exc
    account.status, account.last_error = ChannelAccount.Status.ACTIVE, ""
    account.save(update_fields=["status", "last_error", "updated_at"])
    audit_record(tenant=tenant, actor=actor.user, action="channel.account_activated", target=account, context=context)
    return account


def account_deactivate(
    *, tenant: Tenant, actor: TenantUser, account: ChannelAccount, context: RequestContext = SYSTEM
) -> ChannelAccount:
    ensure_can(actor, "channel.manage", tenant)
    account.status = ChannelAccount.Status.DISABLED
    account.save(update_fields=["status", "updated_at"])
    audit_record(tenant=tenant, actor=actor.user, action="channel.account_deactivated", target=account, context=context)
    return account


def account_update(
    *,
    tenant: Tenant,
    actor: TenantUser,
    account: ChannelAccount,
    name: str | None = None,
    routing: tuple[Department | None, Team | None] | None = None,
    context: RequestContext = SYSTEM,
) -> ChannelAccount:
    """Rename an account or change where its new conversations start (`routing`: default
    department and team; None leaves them). Conversations already open stay where they are.
    Credentials belong to the connector (`connector_update`), the provider id to the account's
    identity: another number or bot is another account."""
    ensure_can(actor, "channel.manage", tenant)
    changes = assign_changed_fields(account, {"name": name}, ("name",))
    if routing is not None:
        changes |= _routing_changes(account, *_routing(*routing))
    if changes:
        with transaction.atomic():
            account.save()
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="channel.account_updated",
                target=account,
                changes=changes,
                context=context,
            )
    return account


def account_delete(
    *, tenant: Tenant, actor: TenantUser, account: ChannelAccount, context: RequestContext = SYSTEM
) -> None:
    """Remove a deactivated account. Like Chatwoot deleting an inbox, history is kept: an account
    that conversations point at is only marked deleted (hidden, never routed to, its provider id
    free for a new connection) while their messages keep showing where they came from; one that
    never received anything goes for good. An active account is refused: deactivating first
    stops intake (webhook events, mailbox sync) before it disappears from the settings."""
    ensure_can(actor, "channel.manage", tenant)
    if account.status == ChannelAccount.Status.ACTIVE:
        raise ConflictError(
            _("Deactivate this account before deleting it."),
            code="account_active",
            fields={"status": [_("The account is still active.")]},
        )
    with transaction.atomic():
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="channel.account_deleted",
            target=account,
            changes={"name": account.name, "external_id": account.external_id},
            context=context,
        )
        try:
            with transaction.atomic():
                account.delete()
        except ProtectedError:
            # Conversations and messages refer to it (on_delete=PROTECT): keep the row.
            account.deleted_at = timezone.now()
            account.status = ChannelAccount.Status.DISABLED
            account.save(update_fields=["deleted_at", "status", "updated_at"])


def dead_letter_replay(
    *, tenant: Tenant, actor: TenantUser, dead_letter: DeadLetter, context: RequestContext = SYSTEM
) -> None:
    """Put the event back to pending with fresh attempts; processing is idempotent."""
    ensure_can(actor, "channel.manage", tenant)
    with transaction.atomic():
        InboundEvent.objects.for_tenant(tenant).filter(id=dead_letter.event_id).update(
            status=InboundEvent.Status.PENDING, attempts=0, claimed_at=None, next_attempt_at=Now()
        )
        dead_letter.replayed_at = timezone.now()
        dead_letter.save(update_fields=["replayed_at"])
        audit_record(
            tenant=tenant, actor=actor.user, action="channel.dead_letter_replayed", target=dead_letter, context=context
        )
        publish(InboundEventStored(tenant_id=tenant.id, inbound_event_id=dead_letter.event_id))
