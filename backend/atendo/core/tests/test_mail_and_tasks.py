"""E-mail delivery through a real SMTP server (aiosmtpd), retries with backoff, idempotency."""

from __future__ import annotations

import re
import smtplib
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from atendo.core import tasks
from atendo.core.models import MagicLinkToken
from atendo.core.tasks import backoff_seconds, deliver_magic_link, purge_expired_magic_links

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    try:
        yield inbox
    finally:
        controller.stop()


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def test_magic_link_mail_arrives_over_smtp_and_signs_in(
    smtp_server, two_tenants, anon, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert anon.post("/api/v1/auth/magic-link", {"email": "agent@acme.test"}).status_code == 202
    [message] = smtp_server.messages
    assert message["To"] == "agent@acme.test"
    assert message["Subject"] == "Seu link de acesso ao Atendo"  # the user's language (pt-BR)
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    assert "/auth/verify?token=" in html.get_content()
    secret = re.search(r"token=([\w-]+)", _text(message)).group(1)
    assert anon.post("/api/v1/auth/token", {"token": secret}).status_code == 200


def test_invitation_mail_names_the_tenant_and_the_inviter_in_spanish(
    smtp_server, two_tenants, django_capture_on_commit_callbacks
):
    two_tenants.a.tenant.locale = "es"
    two_tenants.a.tenant.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = two_tenants.a.api("admin").post(
            "/api/v1/tenants/acme/members", {"email": "nuevo@example.test", "roles": [{"role": "agent"}]}
        )
    assert response.status_code == 201
    [message] = smtp_server.messages
    assert message["Subject"] == "Te invitaron a Acme en Atendo"
    assert "Admin of acme te invitó a unirte a Acme" in _text(message)


def _stored_link(email: str = "agent@acme.test") -> MagicLinkToken:
    return MagicLinkToken.objects.create(
        email=email, purpose=MagicLinkToken.Purpose.LOGIN, expires_at=timezone.now() + timezone.timedelta(minutes=15)
    )


def test_smtp_failure_retries_with_exponential_backoff_and_mints_a_new_secret(two_tenants, monkeypatch):
    link = _stored_link()
    scheduled: list[int] = []

    def refuse(**kwargs: Any) -> None:
        raise smtplib.SMTPServerDisconnected("down")

    class Retry(Exception):
        pass

    def fake_retry(self: Any, exc: Exception, countdown: int) -> Exception:
        scheduled.append(countdown)
        return Retry()

    monkeypatch.setattr(tasks, "send_localized_email", refuse)
    monkeypatch.setattr(deliver_magic_link, "retry", fake_retry.__get__(deliver_magic_link))
    with pytest.raises(Retry):
        deliver_magic_link.run(str(link.id))
    link.refresh_from_db()
    assert link.token_hash is None
    assert link.sent_at is None
    assert 1 <= scheduled[0] <= 2


def test_backoff_doubles_and_is_capped():
    for n in range(8):
        assert 2**n <= backoff_seconds(n) <= 2**n * 1.1 + 1
    assert backoff_seconds(30) <= tasks.MAX_BACKOFF_SECONDS * 1.1 + 1


def test_redelivered_task_sends_nothing_twice(two_tenants, mailoutbox):
    link = _stored_link()
    deliver_magic_link.run(str(link.id))
    deliver_magic_link.run(str(link.id))
    assert len(mailoutbox) == 1
    link.refresh_from_db()
    assert link.sent_at is not None
    assert link.token_hash


def test_expired_link_is_not_sent(two_tenants, mailoutbox):
    link = _stored_link()
    MagicLinkToken.objects.filter(id=link.id).update(expires_at=timezone.now())
    deliver_magic_link.run(str(link.id))
    assert mailoutbox == []


def test_purge_removes_links_a_day_after_expiry(two_tenants):
    old = _stored_link()
    MagicLinkToken.objects.filter(id=old.id).update(expires_at=timezone.now() - timezone.timedelta(days=2))
    fresh = _stored_link()
    assert purge_expired_magic_links() == 1
    assert list(MagicLinkToken.objects.values_list("id", flat=True)) == [fresh.id]
