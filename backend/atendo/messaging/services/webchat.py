"""Web chat visitors: anonymous sessions (optionally verified by the tenant's site), their
messages and typing. Public endpoints call these; tenant scoping comes from the widget token."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atendo.connectors.adapters.webchat import identity_is_verified
from atendo.connectors.models import ChannelAccount
from atendo.contacts.models import IdentityKind
from atendo.contacts.services import contact_upsert_by_identity
from atendo.core.errors import ApplicationError, NotFoundError
from atendo.core.events import publish
from atendo.messaging.events import TypingChanged
from atendo.messaging.models import Conversation, ConversationStatus, Message, WidgetSession
from atendo.messaging.services.conversations import conversation_for_inbound
from atendo.messaging.services.messages import FileRef, message_receive


class VisitorSessionInvalid(ApplicationError):
    status_code = 401

    def __init__(self) -> None:
        super().__init__(_("The chat session is not valid. Start a new one."), code="visitor_session_invalid")


@dataclass(frozen=True)
class StartedSession:
    session: WidgetSession
    token: str
    created: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_for_token(*, account: ChannelAccount, token: str) -> WidgetSession:
    session = (
        WidgetSession.objects.for_tenant(account.tenant_id)
        .filter(account=account, token_hash=_hash(token[:200]))
        .select_related("contact")
        .first()
    )
    if session is None or session.contact.blocked:
        raise VisitorSessionInvalid()
    return session


def widget_session_start(
    *,
    account: ChannelAccount,
    session_token: str | None,
    prechat: dict[str, str],
    identifier: str | None,
    identifier_hash: str | None,
    language: str,
    user_agent: str = "",
) -> StartedSession:
    """Resume a session, or start one. With an identifier signed by the tenant's site (HMAC of
    the identifier with the account's secret) the visitor is the same contact on every device."""
    if session_token:
        try:
            session = session_for_token(account=account, token=session_token)
            return StartedSession(session=session, token=session_token, created=False)
        except VisitorSessionInvalid:
            pass  # expired or foreign: start a fresh one below
    verified = bool(
        identifier and identifier_hash and identity_is_verified(account.secret, identifier, identifier_hash)
    )
    if identifier and not verified:
        raise ApplicationError(
            _("The visitor identity could not be verified."),
            code="identity_not_verified",
            fields={"identifier_hash": [_("Does not match.")]},
        )
    if account.settings.get("require_identity") and not verified:
        raise ApplicationError(_("This chat requires a signed-in customer."), code="identity_required")
    missing = [
        f["name"]
        for f in account.settings.get("prechat_fields", [])
        if f.get("required") and not str(prechat.get(f["name"], "")).strip()
    ]
    if missing:
        raise ApplicationError(
            _("Please fill in the required fields."),
            code="invalid",
            fields={name: [_("This field is required.")] for name in missing},
        )
    name = str(prechat.get("name", ""))[:200]
    extra = {k: str(v)[:500] for k, v in prechat.items() if k not in ("name", "email", "phone")}
    tenant = account.tenant
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        if verified and identifier:
            contact, _created = contact_upsert_by_identity(
                tenant=tenant,
                kind=IdentityKind.EXTERNAL,
                value=identifier,
                name=name,
                language=language,
                attributes=extra,
            )
        elif prechat.get("email"):
            contact, _created = contact_upsert_by_identity(
                tenant=tenant,
                kind=IdentityKind.EMAIL,
                value=str(prechat["email"]),
                name=name,
                language=language,
                attributes=extra,
            )
        else:
            contact, _created = contact_upsert_by_identity(
                tenant=tenant,
                kind=IdentityKind.WEBCHAT,
                value=f"visitor-{uuid.uuid4()}",
                name=name,
                language=language,
                attributes=extra,
            )
        if prechat.get("phone"):
            # A malformed phone in a pre-chat form must not stop the chat.
            with contextlib.suppress(ApplicationError):
                contact_upsert_identity_if_free(
                    tenant_id=tenant.id, contact_id=contact.id, kind=IdentityKind.PHONE, value=str(prechat["phone"])
                )
        session = WidgetSession.objects.create(
            tenant=tenant,
            account=account,
            contact=contact,
            token_hash=_hash(token),
            identity_verified=verified,
            user_agent=user_agent[:400],
        )
    return StartedSession(session=session, token=token, created=True)


def contact_upsert_identity_if_free(*, tenant_id: Any, contact_id: Any, kind: str, value: str) -> None:
    from atendo.contacts.identities import normalize_identity
    from atendo.contacts.models import ContactIdentity

    normalized = normalize_identity(kind, value)
    ContactIdentity.objects.for_tenant(tenant_id).get_or_create(
        tenant_id=tenant_id, kind=kind, value=normalized, defaults={"contact_id": contact_id}
    )


def visitor_conversation(session: WidgetSession) -> Conversation | None:
    """The visitor's latest conversation on this widget (resolved ones stay readable)."""
    return (
        Conversation.objects.for_tenant(session.tenant_id)
        .filter(account_id=session.account_id, contact_id=session.contact_id)
        .order_by("-last_activity_at")
        .first()
    )


SESSION_SEEN_RESOLUTION = timedelta(minutes=1)


def visitor_message_send(
    *,
    account: ChannelAccount,
    session: WidgetSession,
    body: str,
    client_id: str | None,
    files: Sequence[FileRef] = (),
) -> Message:
    """`account` is the (active) account the widget token resolved to; the session belongs to it."""
    if session.account_id != account.id or account.status != ChannelAccount.Status.ACTIVE:
        raise NotFoundError(_("This chat is not available."), code="widget_not_found")
    now = timezone.now()
    with transaction.atomic():
        conversation, _state = conversation_for_inbound(tenant=account.tenant, account=account, contact=session.contact)
        message, _created = message_receive(conversation=conversation, body=body, files=files, client_id=client_id)
        if now - session.last_seen_at > SESSION_SEEN_RESOLUTION:  # one write a minute is precise enough
            WidgetSession.objects.for_tenant(session.tenant_id).filter(id=session.id).update(last_seen_at=now)
    return message


def visitor_typing(*, session: WidgetSession, typing: bool) -> None:
    conversation = visitor_conversation(session)
    if conversation is None or conversation.status == ConversationStatus.RESOLVED:
        return
    publish(
        TypingChanged(
            tenant_id=session.tenant_id,
            conversation_id=conversation.id,
            by_contact=True,
            author_name=session.contact.name,
            typing=typing,
        )
    )
