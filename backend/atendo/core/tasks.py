"""Celery entry points of the core app: thin, idempotent, ids in."""

from __future__ import annotations

import random
import smtplib
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from atendo.core.mail import send_localized_email
from atendo.core.models import MagicLinkToken, Notification
from atendo.core.services.auth import magic_link_mark_sent, magic_link_mint, magic_link_url

MAX_BACKOFF_SECONDS = 600


def backoff_seconds(retries: int) -> int:
    """2^n seconds, capped, with up to 10% jitter so retries don't arrive in herds."""
    base = min(2**retries, MAX_BACKOFF_SECONDS)
    return base + random.randint(0, max(1, base // 10))  # noqa: S311 - jitter, not crypto


@shared_task(bind=True, queue="default", acks_late=True, max_retries=8)
def deliver_magic_link(self, link_id: str) -> None:  # type: ignore[no-untyped-def]
    link = (
        MagicLinkToken.objects.select_related("membership__tenant", "membership__invited_by").filter(id=link_id).first()
    )
    if link is None:
        return
    secret = magic_link_mint(link=link)
    if secret is None:  # already sent, used or expired: a redelivery does nothing
        return
    template = {
        MagicLinkToken.Purpose.LOGIN: "magic_link",
        MagicLinkToken.Purpose.SIGNUP: "signup_link",
        MagicLinkToken.Purpose.INVITE: "invitation",
    }[MagicLinkToken.Purpose(link.purpose)]
    membership = link.membership
    context = {
        "url": magic_link_url(secret),
        "email": link.email,
        "minutes": round((link.expires_at - link.created_at).total_seconds() / 60),
        "tenant_name": membership.tenant.name if membership else "",
        "inviter_name": membership.invited_by.display_name if membership and membership.invited_by else "",
    }
    try:
        send_localized_email(to=link.email, template=template, language=link.language, context=context)
    except (smtplib.SMTPException, OSError) as exc:
        # Forget the minted secret: the retry mints a fresh one.
        MagicLinkToken.objects.filter(id=link.id, sent_at__isnull=True).update(token_hash=None)
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
    magic_link_mark_sent(link=link)


@shared_task(queue="default")
def purge_expired_magic_links() -> int:
    """Daily housekeeping: links are useless a day after they expire."""
    deleted, _ = MagicLinkToken.objects.filter(expires_at__lt=timezone.now() - timedelta(days=1)).delete()
    return deleted


@shared_task(bind=True, queue="default", acks_late=True, max_retries=8)
def email_notifications(self, notification_ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    """E-mail notifications not e-mailed yet. The ones sent are marked before a retry, so a
    retry after a failure sends only the rest."""
    notes = (
        Notification.objects.unscoped()
        .select_related("recipient__user")
        .filter(id__in=notification_ids, emailed_at__isnull=True)
        .order_by("created_at")
    )
    sent: list[Any] = []

    def mark_sent() -> None:
        Notification.objects.unscoped().filter(id__in=sent, emailed_at__isnull=True).update(emailed_at=timezone.now())

    for note in notes:
        user = note.recipient.user
        context = {"title": note.title, "body": note.body, "url": f"{settings.APP_URL}/tickets"}
        try:
            send_localized_email(
                to=user.email, template="notification", language=user.preferred_language, context=context
            )
        except (smtplib.SMTPException, OSError) as exc:
            mark_sent()
            raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
        sent.append(note.id)
    mark_sent()
