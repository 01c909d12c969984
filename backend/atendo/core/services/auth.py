"""Authentication: magic links (request, delivery, exchange), JWT refresh rotation, logout.

Magic links: a row is stored when a link is asked for; the delivery task mints the secret,
stores only its SHA-256 and sends the e-mail. Exchanging the secret is single use (row lock),
time limited, and returns a JWT pair. The answer to a request never depends on whether the
address exists (same status, same body, and the mail goes out asynchronously so timing does
not tell either).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, Token

from atendo.core.errors import ApplicationError
from atendo.core.events import publish
from atendo.core.models import Locale, MagicLinkToken, Tenant, TenantUser, User
from atendo.core.ratelimit import rate_limit_hit
from atendo.core.services.audit import SYSTEM, RequestContext, audit_record
from atendo.core.services.events import MemberChanged


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _memberships_for_audit(user: User) -> list[TenantUser]:
    return list(
        TenantUser.objects.unscoped()
        .filter(user=user)
        .exclude(status=TenantUser.Status.DISABLED)
        .select_related("tenant")
    )


def _audit_for_user(
    *, user: User | None, email: str, action: str, changes: dict[str, Any], context: RequestContext
) -> None:
    """Account-level events are written to each tenant the person belongs to (so its admins
    see their members' logins), or once without a tenant when they belong to none."""
    tenants: list[Tenant | None] = [m.tenant for m in _memberships_for_audit(user)] if user else []
    for tenant in tenants or [None]:
        audit_record(
            tenant=tenant,
            actor=user,
            action=action,
            target_type="user",
            target_id=str(user.pk) if user else email,
            changes=changes,
            context=context,
        )


def _enqueue_delivery(link: MagicLinkToken) -> None:
    from atendo.core.tasks import deliver_magic_link

    transaction.on_commit(lambda: deliver_magic_link.delay(str(link.id)))


def magic_link_request(*, email: str, language: str | None, context: RequestContext = SYSTEM) -> None:
    """Ask for a login (or sign-up) link. Silently does nothing for disabled accounts or, with
    sign-up off, unknown addresses; the caller answers the same way in every case."""
    email = email.strip().lower()
    rate_limit_hit(
        key=f"magic:ip:{context.ip}", limit=settings.MAGIC_LINK_RATE_PER_IP, window=settings.MAGIC_LINK_RATE_WINDOW
    )
    rate_limit_hit(
        key=f"magic:email:{hash_secret(email)}",
        limit=settings.MAGIC_LINK_RATE_PER_EMAIL,
        window=settings.MAGIC_LINK_RATE_WINDOW,
    )
    user = User.objects.filter(email__iexact=email).first()
    purpose: str | None
    if user is not None:
        purpose = MagicLinkToken.Purpose.LOGIN if user.is_active else None
        link_language = user.preferred_language
    else:
        purpose = MagicLinkToken.Purpose.SIGNUP if settings.SIGNUP_ENABLED else None
        link_language = Locale.from_language_code(language)
    with transaction.atomic():
        if purpose is not None:
            link = MagicLinkToken.objects.create(
                email=email,
                user=user,
                purpose=purpose,
                language=link_language,
                expires_at=timezone.now() + settings.MAGIC_LINK_TTL,
                requested_ip=context.ip,
            )
            _enqueue_delivery(link)
        _audit_for_user(
            user=user,
            email=email,
            action="auth.magic_link_requested",
            changes={"purpose": purpose or "none"},
            context=context,
        )


def magic_link_issue_invite(*, member: TenantUser, ip: str | None = None) -> MagicLinkToken:
    """Called inside `member_invite`'s transaction."""
    link = MagicLinkToken.objects.create(
        email=member.user.email,
        user=member.user,
        purpose=MagicLinkToken.Purpose.INVITE,
        membership=member,
        language=member.user.preferred_language,
        expires_at=timezone.now() + max(settings.MAGIC_LINK_TTL, timedelta(days=7)),
        requested_ip=ip,
    )
    _enqueue_delivery(link)
    return link


def magic_link_mint(*, link: MagicLinkToken) -> str | None:
    """Mint the secret for a stored link (the delivery task calls this). None when the link
    was already sent, used or has expired, so a redelivered task sends nothing twice."""
    with transaction.atomic():
        locked = MagicLinkToken.objects.select_for_update().get(id=link.id)
        if locked.sent_at or locked.used_at or locked.expires_at <= timezone.now():
            return None
        secret = secrets.token_urlsafe(32)
        locked.token_hash = hash_secret(secret)
        locked.save(update_fields=["token_hash"])
    link.token_hash = locked.token_hash
    return secret


def magic_link_mark_sent(*, link: MagicLinkToken) -> None:
    MagicLinkToken.objects.filter(id=link.id).update(sent_at=timezone.now())


def magic_link_url(secret: str) -> str:
    return f"{settings.APP_URL}/auth/verify?{urlencode({'token': secret})}"


def _issue_tokens(user: User) -> TokenPair:
    refresh = RefreshToken.for_user(user)
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))


def magic_link_exchange(*, secret: str, context: RequestContext = SYSTEM) -> tuple[User, TokenPair]:
    """Trade a magic-link secret for a JWT pair. Single use; accepts pending invitations,
    since following the link proves the address."""
    rate_limit_hit(
        key=f"exchange:ip:{context.ip}",
        limit=settings.TOKEN_EXCHANGE_RATE_PER_IP,
        window=settings.MAGIC_LINK_RATE_WINDOW,
    )
    now = timezone.now()
    with transaction.atomic():
        link = MagicLinkToken.objects.select_for_update().filter(token_hash=hash_secret(secret)).first()
        if link is None:
            raise ApplicationError(_("This sign-in link is not valid."), code="token_invalid")
        if link.used_at is not None:
            raise ApplicationError(_("This sign-in link was already used. Ask for a new one."), code="token_used")
        if link.expires_at <= now:
            raise ApplicationError(_("This sign-in link has expired. Ask for a new one."), code="token_expired")
        link.used_at = now
        link.save(update_fields=["used_at"])
        user = link.user or _user_for_signup(link)
        if not user.is_active:
            raise ApplicationError(_("This account is disabled."), code="account_disabled")
        accepted = list(
            TenantUser.objects.unscoped().filter(user=user, status=TenantUser.Status.INVITED).select_for_update()
        )
        for member in accepted:
            member.status = TenantUser.Status.ACTIVE
            member.joined_at = now
            member.save(update_fields=["status", "joined_at", "updated_at"])
            audit_record(tenant=member.tenant, actor=user, action="member.joined", target=member, context=context)
            publish(MemberChanged(tenant_id=member.tenant_id, member_id=member.id, change="joined"))
        tokens = _issue_tokens(user)
        user.last_login = now
        user.save(update_fields=["last_login"])
        _audit_for_user(
            user=user, email=user.email, action="auth.login", changes={"purpose": link.purpose}, context=context
        )
    return user, tokens


def _user_for_signup(link: MagicLinkToken) -> User:
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=link.email, preferred_language=link.language)
    except IntegrityError:  # the same address signed up through another link meanwhile
        user = User.objects.get(email__iexact=link.email)
    link.user = user
    link.save(update_fields=["user"])
    return user


def _revoke_all_refresh_tokens(user_id: Any) -> None:
    outstanding = OutstandingToken.objects.filter(user_id=user_id).exclude(blacklistedtoken__isnull=False)
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=t) for t in outstanding], ignore_conflicts=True)


def token_refresh(*, refresh: str, context: RequestContext = SYSTEM) -> TokenPair:
    """Rotate a refresh token. Presenting one that was already rotated or revoked is treated as
    theft: every refresh token of that user is revoked (the attacker and the victim both have to
    sign in again)."""
    try:
        # Signature, expiry and type, but not the blacklist: a blacklisted token is handled
        # below as a reuse, not as a mere invalid token.
        token = RefreshToken(refresh, verify=False)  # type: ignore[arg-type]
        token.get_token_backend().decode(refresh, verify=True)  # type: ignore[arg-type]
        Token.verify(token)
    except (TokenError, TokenBackendError) as exc:
        raise ApplicationError(_("The session token is not valid."), code="token_invalid") from exc
    user_id = token.get(settings.SIMPLE_JWT["USER_ID_CLAIM"])
    if BlacklistedToken.objects.filter(token__jti=token["jti"]).exists():
        _revoke_all_refresh_tokens(user_id)
        user = User.objects.filter(id=user_id).first()
        _audit_for_user(user=user, email="", action="auth.refresh_reuse_detected", changes={}, context=context)
        raise ApplicationError(_("This session has ended. Please sign in again."), code="token_revoked")
    user = User.objects.filter(id=user_id, is_active=True).first()
    if user is None:
        raise ApplicationError(_("The session token is not valid."), code="token_invalid")
    with transaction.atomic():
        token.blacklist()
        pair = _issue_tokens(user)
    return pair


def logout(*, refresh: str, user: User, context: RequestContext = SYSTEM) -> None:
    try:
        token = RefreshToken(refresh)  # type: ignore[arg-type]
    except TokenError as exc:
        raise ApplicationError(_("The session token is not valid."), code="token_invalid") from exc
    if str(token.get(settings.SIMPLE_JWT["USER_ID_CLAIM"])) != str(user.pk):
        raise ApplicationError(_("The session token is not valid."), code="token_invalid")
    token.blacklist()
    _audit_for_user(user=user, email=user.email, action="auth.logout", changes={}, context=context)
