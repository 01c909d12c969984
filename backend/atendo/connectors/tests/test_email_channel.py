"""E-mail end to end against a real Dovecot (IMAP) and a real aiosmtpd (SMTP with AUTH):
activation checks both logins; new mail becomes conversations (only mail arriving after the
connection, deduplicated by Message-ID, also across a UIDVALIDITY change); agent replies go out
threaded; customer replies thread back by In-Reply-To or by the Reply-To token; bounces mark
our message failed; auto-replies are flagged so nothing answers them."""

from __future__ import annotations

import io
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from atendo.config.asgi import application
from atendo.connectors.models import ChannelAccount, InboundEvent, MailboxState
from atendo.connectors.tasks import sync_mailbox, sync_mailboxes
from atendo.connectors.tests.dovecot import Dovecot
from atendo.connectors.watcher import MailboxWatcher
from atendo.contacts.models import ContactIdentity
from atendo.messaging.models import Conversation, Message, MessageAttachment
from atendo.messaging.services.conversations import conversation_reply_token

MAILBOX = "support@acme.test"
SMTP_USER, SMTP_PASSWORD = "support@acme.test", "smtp-secret"
CUSTOMER = "ana.souza@cliente.example"


@dataclass
class SmtpRelay:
    port: int = 0
    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 <nobody@cliente.example>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), mail))  # type: ignore[arg-type]
        return "250 2.0.0 queued"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == SMTP_USER
        and auth_data.password.decode() == SMTP_PASSWORD
    )
    return AuthResult(success=ok)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_relay() -> Iterator[SmtpRelay]:
    relay = SmtpRelay(port=_free_port())
    controller = Controller(
        relay,
        hostname="127.0.0.1",
        port=relay.port,
        authenticator=_authenticator,
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    try:
        yield relay
    finally:
        controller.stop()


def credentials(dovecot: Dovecot, smtp: SmtpRelay, folder: str, **overrides: str) -> dict[str, str]:
    return {
        "imap_host": dovecot.host,
        "imap_port": str(dovecot.port),
        "imap_security": "none",
        "imap_folder": folder,
        "username": MAILBOX,
        "password": dovecot.passwords[MAILBOX],
        "smtp_host": "127.0.0.1",
        "smtp_port": str(smtp.port),
        "smtp_security": "none",
        "smtp_username": SMTP_USER,
        "smtp_password": SMTP_PASSWORD,
        **overrides,
    }


@dataclass
class Mailbox:
    account: ChannelAccount
    folder: str
    dovecot: Dovecot

    def deliver(self, raw: bytes) -> None:
        self.dovecot.append(MAILBOX, raw, folder=self.folder)


def connect(tenant_world, dovecot: Dovecot, smtp: SmtpRelay, folder: str, **overrides: str) -> Any:
    admin = tenant_world.api("admin")
    connector = admin.post(
        "/api/v1/channels/connectors",
        {"kind": "email", "name": "Suporte", "credentials": credentials(dovecot, smtp, folder, **overrides)},
    )
    assert connector.status_code == 201, connector.json()
    account = admin.post(
        "/api/v1/channels/accounts",
        {"connector": connector.json()["id"], "name": "Suporte Acme", "external_id": "Support@Acme.test"},
    )
    assert account.status_code == 201, account.json()
    return admin, connector.json(), account.json()


@pytest.fixture
def mailbox(two_tenants, dovecot: Dovecot, smtp_relay: SmtpRelay) -> Mailbox:
    folder = dovecot.new_folder(MAILBOX, prefix="E")
    admin, _connector, account = connect(two_tenants.a, dovecot, smtp_relay, folder)
    activated = admin.post(f"/api/v1/channels/accounts/{account['id']}/activate")
    assert (activated.status_code, activated.json()["status"]) == (200, "active"), activated.json()
    row = ChannelAccount.objects.for_tenant(two_tenants.a.tenant).select_related("connector").get(id=account["id"])
    return Mailbox(account=row, folder=folder, dovecot=dovecot)


def mail(
    subject: str = "Pedido 4521 atrasado",
    body: str = "Olá, meu pedido ainda não chegou.",
    *,
    message_id: str,
    sender: str = f"Ana Souza <{CUSTOMER}>",
    to: str = f"Acme Suporte <{MAILBOX}>",
    extra: str = "",
) -> bytes:
    text = (
        f"From: {sender}\nTo: {to}\nSubject: {subject}\nMessage-ID: {message_id}\n"
        f"Date: Sat, 28 Nov 2026 10:00:00 -0300\nMIME-Version: 1.0\n{extra}"
        f"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{body}\n"
    )
    return text.replace("\n", "\r\n").encode()


def sync(mailbox: Mailbox, capture) -> int:
    with capture(execute=True):
        return sync_mailbox(str(mailbox.account.id))


def test_activation_checks_imap_and_smtp_logins(two_tenants, dovecot, smtp_relay, anon):
    folder = dovecot.new_folder(MAILBOX, prefix="A")
    for overrides, reason in (({"password": "wrong"}, "IMAP"), ({"smtp_password": "wrong"}, "SMTP")):
        admin, connector, account = connect(two_tenants.a, dovecot, smtp_relay, folder, **overrides)
        refused = admin.post(f"/api/v1/channels/accounts/{account['id']}/activate")
        body = refused.json()
        assert (refused.status_code, body["code"]) == (400, "provider_refused")
        assert reason in body["message"]
        if reason == "IMAP":  # a refused login sits on the credentials it is about
            assert body["fields"] == {"credentials": {key: [body["message"]] for key in ("username", "password")}}
        else:  # the relay hangs up on a bad login: nothing tells which input is wrong
            assert set(body["fields"]) == {"credentials"}
        stored = ChannelAccount.objects.for_tenant(two_tenants.a.tenant).get(id=account["id"])
        assert stored.status == "error" and reason in stored.last_error
        admin.delete(f"/api/v1/channels/connectors/{connector['id']}")
        ChannelAccount.objects.for_tenant(two_tenants.a.tenant).filter(id=account["id"]).delete()

    admin, connector, account = connect(two_tenants.a, dovecot, smtp_relay, folder)
    assert account["external_id"] == MAILBOX  # normalized
    assert admin.post(f"/api/v1/channels/accounts/{account['id']}/activate").json()["status"] == "active"
    listed = admin.get("/api/v1/channels/connectors").content.decode()
    assert SMTP_PASSWORD not in listed and dovecot.passwords[MAILBOX] not in listed
    assert connector["webhook_url"] == ""  # Atendo fetches e-mail; nothing posts it
    webhook_key = ChannelAccount.objects.for_tenant(two_tenants.a.tenant).get(id=account["id"]).connector.webhook_key
    assert anon.client.post(f"/webhooks/{webhook_key}", b"x", content_type="message/rfc822").status_code == 404
    second = admin.post(
        "/api/v1/channels/accounts", {"connector": connector["id"], "name": "Outra", "external_id": "b@acme.test"}
    )
    assert (second.status_code, second.json()["code"]) == (409, "account_taken")


def test_bad_email_connector_input_is_refused_clearly(two_tenants):
    admin = two_tenants.a.api("admin")
    missing = admin.post(
        "/api/v1/channels/connectors", {"kind": "email", "name": "X", "credentials": {"imap_host": "imap.x"}}
    )
    assert missing.status_code == 400
    assert set(missing.json()["fields"]["credentials"]) == {"username", "password", "smtp_host"}
    bad_port = admin.post(
        "/api/v1/channels/connectors",
        {
            "kind": "email",
            "name": "X",
            "credentials": {
                "imap_host": "imap.x",
                "smtp_host": "smtp.x",
                "username": "a@x.com",
                "password": "p",
                "imap_port": "99999",
                "smtp_security": "tls13",
            },
        },
    )
    assert bad_port.status_code == 400
    errors = bad_port.json()["fields"]["credentials"]
    assert set(errors) == {"imap_port", "smtp_security"}
    assert errors["imap_port"] == ["Informe um número de porta de 1 a 65535."]  # the workspace default: pt-BR
    connector = admin.post(
        "/api/v1/channels/connectors",
        {
            "kind": "email",
            "name": "X",
            "credentials": {"imap_host": "imap.x", "smtp_host": "smtp.x", "username": "a@x.com", "password": "p"},
        },
    ).json()
    not_an_address = admin.post(
        "/api/v1/channels/accounts", {"connector": connector["id"], "name": "X", "external_id": "not-an-address"}
    )
    assert (not_an_address.status_code, list(not_an_address.json()["fields"])) == (400, ["external_id"])
    unknown_key = admin.patch(f"/api/v1/channels/connectors/{connector['id']}", {"credentials": {"bot_token": "x"}})
    assert (unknown_key.status_code, unknown_key.json()["fields"]) == (
        400,
        {"credentials": {"bot_token": ["Esta conexão não usa esta credencial."]}},
    )


def test_only_new_mail_is_imported_once(mailbox, two_tenants, django_capture_on_commit_callbacks):
    tenant = two_tenants.a.tenant
    mailbox.deliver(mail(message_id="<m1@cliente.example>"))
    mailbox.deliver(mail(message_id="<m1@cliente.example>"))  # the same mail delivered twice
    assert sync(mailbox, django_capture_on_commit_callbacks) == 1
    messages = Message.objects.for_tenant(tenant)
    assert sorted(messages.values_list("body", flat=True)) == ["Olá, meu pedido ainda não chegou."]
    event_count = InboundEvent.objects.for_tenant(tenant).count()
    assert sync(mailbox, django_capture_on_commit_callbacks) == 0
    assert InboundEvent.objects.for_tenant(tenant).count() == event_count


def test_history_before_activation_is_not_imported(
    two_tenants, dovecot, smtp_relay, django_capture_on_commit_callbacks
):
    folder = dovecot.new_folder(MAILBOX, prefix="H")
    dovecot.append(MAILBOX, mail("Antigo", message_id="<history@cliente.example>"), folder=folder)
    admin, _connector, account = connect(two_tenants.a, dovecot, smtp_relay, folder)
    admin.post(f"/api/v1/channels/accounts/{account['id']}/activate")
    dovecot.append(MAILBOX, mail("Novo", "Chegou?", message_id="<new@cliente.example>"), folder=folder)
    with django_capture_on_commit_callbacks(execute=True):
        assert sync_mailboxes() >= 1
    assert list(Message.objects.for_tenant(two_tenants.a.tenant).values_list("body", flat=True)) == ["Chegou?"]


def test_mail_becomes_a_conversation_with_attachments_and_clean_text(
    mailbox, two_tenants, django_capture_on_commit_callbacks
):
    raw = (
        f"From: Ana Souza <{CUSTOMER}>\r\nTo: {MAILBOX}\r\nSubject: =?utf-8?q?Nota_fiscal_n=C3=A3o_chegou?=\r\n"
        "Message-ID: <mixed-1@cliente.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        '--b1\r\nContent-Type: multipart/alternative; boundary="b2"\r\n\r\n'
        "--b2\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        "Bom dia, segue a nota em anexo.\r\n\r\nEm sex., 27 de nov. de 2026 =E0s 09:00, Acme escreveu:\r\n"
        "> Ol=E1 Ana\r\n\r\n"
        "--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        '<p onclick="steal()">Bom dia, segue a nota em anexo.</p><script>alert(1)</script>\r\n'
        "--b2--\r\n"
        "--b1\r\nContent-Type: application/pdf\r\n"
        'Content-Disposition: attachment; filename="nota.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK\r\n"
        "--b1--\r\n"
    ).encode("latin-1")
    mailbox.deliver(raw)
    sync(mailbox, django_capture_on_commit_callbacks)
    tenant = two_tenants.a.tenant
    message = Message.objects.for_tenant(tenant).get()
    assert message.body == "Bom dia, segue a nota em anexo."  # quoted history stripped
    email = message.metadata["email"]
    assert email["subject"] == "Nota fiscal não chegou"
    assert "Olá Ana" in email["full_text"]  # the full original is kept
    assert "script" not in email["html"] and "onclick" not in email["html"]
    attachment = MessageAttachment.objects.for_tenant(tenant).get(message=message)
    assert (attachment.name, attachment.mime, message.kind) == ("nota.pdf", "application/pdf", "media")
    conversation = Conversation.objects.for_tenant(tenant).get()
    assert conversation.account_id == mailbox.account.id and conversation.status == "open"
    identity = ContactIdentity.objects.for_tenant(tenant).get(contact_id=conversation.contact_id)
    assert (identity.kind, identity.value) == ("email", CUSTOMER)
    # The detail API shows it like any message (tenant B cannot).
    detail = two_tenants.a.api("agent").get(f"/api/v1/conversations/{conversation.id}/messages")
    assert detail.status_code == 200
    assert two_tenants.b.api("owner").get(f"/api/v1/conversations/{conversation.id}/messages").status_code == 404


def test_reply_goes_out_threaded_and_the_customer_answer_threads_back(
    mailbox, two_tenants, smtp_relay, django_capture_on_commit_callbacks
):
    tenant = two_tenants.a.tenant
    mailbox.deliver(
        mail(message_id="<q1@cliente.example>", extra="References: <earlier@cliente.example>\nIn-Reply-To: <x@y>\n")
    )
    sync(mailbox, django_capture_on_commit_callbacks)
    conversation = Conversation.objects.for_tenant(tenant).get()
    with django_capture_on_commit_callbacks(execute=True):
        reply = two_tenants.a.api("agent").post(
            f"/api/v1/conversations/{conversation.id}/messages", {"body": "Olá Ana, já verificamos."}
        )
    assert reply.status_code == 201
    [(mail_from, rcpt, sent)] = smtp_relay.received
    assert (mail_from, rcpt) == (MAILBOX, [CUSTOMER])
    assert sent["Subject"] == "Re: Pedido 4521 atrasado"
    assert sent["In-Reply-To"] == "<q1@cliente.example>"
    assert sent["References"].split() == ["<earlier@cliente.example>", "<q1@cliente.example>"]
    token = conversation_reply_token(conversation.id)
    assert sent["Reply-To"] == f"support+{token}@acme.test"
    assert sent["Auto-Submitted"] is None  # written by a person
    assert sent.get_body(preferencelist=("plain",)).get_content().strip() == "Olá Ana, já verificamos."
    stored = Message.objects.for_tenant(tenant).get(id=reply.json()["id"])
    assert stored.delivery_status == "sent" and stored.provider_message_id == sent["Message-ID"]
    assert sent["Message-ID"] == f"<{stored.id}@acme.test>"  # stable: a retried send is the same mail

    # The customer answers our mail (their client threads by In-Reply-To).
    mailbox.deliver(
        mail(
            "Re: Pedido 4521 atrasado",
            "Obrigada!",
            message_id="<q2@cliente.example>",
            extra=f"In-Reply-To: {sent['Message-ID']}\nReferences: <q1@cliente.example> {sent['Message-ID']}\n",
        )
    )
    # Her colleague answers in the same thread from another address (reply-all).
    mailbox.deliver(
        mail(
            "Re: Pedido 4521 atrasado",
            "Confirmo o endereço.",
            message_id="<q3@cliente.example>",
            sender="Bruno <bruno@cliente.example>",
            extra="In-Reply-To: <q2@cliente.example>\n",
        )
    )
    sync(mailbox, django_capture_on_commit_callbacks)
    assert Conversation.objects.for_tenant(tenant).count() == 1
    assert Message.objects.for_tenant(tenant).filter(conversation=conversation, direction="in").count() == 3


def test_resolved_thread_reopens_within_the_window_and_opens_anew_after(
    mailbox, two_tenants, django_capture_on_commit_callbacks
):
    tenant = two_tenants.a.tenant
    agent = two_tenants.a.api("agent")
    mailbox.deliver(mail(message_id="<r1@cliente.example>"))
    sync(mailbox, django_capture_on_commit_callbacks)
    first = Conversation.objects.for_tenant(tenant).get()
    assert agent.post(f"/api/v1/conversations/{first.id}/status", {"status": "resolved"}).status_code == 200
    mailbox.deliver(mail(message_id="<r2@cliente.example>", extra="In-Reply-To: <r1@cliente.example>\n"))
    sync(mailbox, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert (first.status, Conversation.objects.for_tenant(tenant).count()) == ("open", 1)  # reopened

    agent.post(f"/api/v1/conversations/{first.id}/status", {"status": "resolved"})
    tenant.reopen_window_hours = 0
    tenant.save(update_fields=["reopen_window_hours"])
    mailbox.deliver(mail(message_id="<r3@cliente.example>", extra="In-Reply-To: <r2@cliente.example>\n"))
    sync(mailbox, django_capture_on_commit_callbacks)
    newest = Conversation.objects.for_tenant(tenant).exclude(id=first.id).get()
    assert newest.status == "open" and Message.objects.for_tenant(tenant).get(conversation=newest).body


def test_reply_token_threads_a_mail_without_headers_and_a_forged_one_does_not(
    mailbox, two_tenants, django_capture_on_commit_callbacks
):
    tenant = two_tenants.a.tenant
    mailbox.deliver(mail(message_id="<t1@cliente.example>"))
    sync(mailbox, django_capture_on_commit_callbacks)
    conversation = Conversation.objects.for_tenant(tenant).get()
    # A colleague of the customer writes to the Reply-To address, with no threading headers.
    token = conversation_reply_token(conversation.id)
    mailbox.deliver(
        mail(
            "Sobre o pedido",
            "Sou o gerente da Ana.",
            message_id="<t2@cliente.example>",
            sender="Bruno <bruno@cliente.example>",
            to=f"support+{token}@acme.test",
        )
    )
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    mailbox.deliver(
        mail(
            "Outro",
            "Tentativa.",
            message_id="<t3@cliente.example>",
            sender="Eve <eve@evil.example>",
            to=f"support+{forged}@acme.test",
        )
    )
    sync(mailbox, django_capture_on_commit_callbacks)
    bruno = Message.objects.for_tenant(tenant).get(body="Sou o gerente da Ana.")
    eve = Message.objects.for_tenant(tenant).get(body="Tentativa.")
    assert bruno.conversation_id == conversation.id
    assert eve.conversation_id != conversation.id


def test_bounce_marks_our_message_failed_and_auto_replies_are_flagged(
    mailbox, two_tenants, smtp_relay, django_capture_on_commit_callbacks
):
    tenant = two_tenants.a.tenant
    mailbox.deliver(mail(message_id="<b1@cliente.example>"))
    sync(mailbox, django_capture_on_commit_callbacks)
    conversation = Conversation.objects.for_tenant(tenant).get()
    with django_capture_on_commit_callbacks(execute=True):
        reply = two_tenants.a.api("agent").post(
            f"/api/v1/conversations/{conversation.id}/messages", {"body": "Segue o rastreio."}
        )
    ours = Message.objects.for_tenant(tenant).get(id=reply.json()["id"])
    dsn = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.cliente.example>\r\nTo: support@acme.test\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-1@mx.cliente.example>\r\n"
        "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
        "--r\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n"
        "--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.cliente.example\r\n\r\n"
        f"Final-Recipient: rfc822; {CUSTOMER}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable\r\n\r\n"
        "--r\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {ours.provider_message_id}\r\nSubject: Re: Pedido 4521 atrasado\r\n\r\n--r--\r\n"
    ).encode()
    mailbox.deliver(dsn)
    mailbox.deliver(
        mail(
            "Resposta automática: Pedido",
            "Estou de férias até segunda.",
            message_id="<ooo-1@cliente.example>",
            extra="Auto-Submitted: auto-replied\n",
        )
    )
    sync(mailbox, django_capture_on_commit_callbacks)
    ours.refresh_from_db()
    assert (ours.delivery_status, ours.error_code) == ("failed", "5.1.1")
    assert "mailbox unavailable" in ours.error_message
    assert not Message.objects.for_tenant(tenant).filter(body__icontains="sorry to have").exists()  # not a message
    vacation = Message.objects.for_tenant(tenant).get(body="Estou de férias até segunda.")
    assert vacation.metadata["email"]["no_autoreply"] is True


def test_refused_recipient_fails_with_the_servers_reason(
    mailbox, two_tenants, smtp_relay, django_capture_on_commit_callbacks
):
    tenant = two_tenants.a.tenant
    mailbox.deliver(mail(message_id="<n1@cliente.example>", sender="Nobody <nobody@cliente.example>"))
    sync(mailbox, django_capture_on_commit_callbacks)
    conversation = Conversation.objects.for_tenant(tenant).get()
    with django_capture_on_commit_callbacks(execute=True):
        reply = two_tenants.a.api("agent").post(f"/api/v1/conversations/{conversation.id}/messages", {"body": "Oi"})
    stored = Message.objects.for_tenant(tenant).get(id=reply.json()["id"])
    assert (stored.delivery_status, stored.error_code) == ("failed", "550")
    assert "User unknown" in stored.error_message and not smtp_relay.received


def test_uidvalidity_change_resyncs_without_duplicates(mailbox, two_tenants, django_capture_on_commit_callbacks):
    tenant = two_tenants.a.tenant
    mailbox.deliver(mail("Primeiro", "Um", message_id="<u1@cliente.example>"))
    sync(mailbox, django_capture_on_commit_callbacks)
    before = MailboxState.objects.for_tenant(tenant).get(account=mailbox.account).uidvalidity
    # The server rebuilt the folder: new UIDVALIDITY, the same mail under new UIDs, plus a new one.
    mailbox.dovecot.delete_folder(MAILBOX, mailbox.folder)
    mailbox.dovecot.create_folder(MAILBOX, mailbox.folder)
    mailbox.deliver(mail("Primeiro", "Um", message_id="<u1@cliente.example>"))
    mailbox.deliver(mail("Segundo", "Dois", message_id="<u2@cliente.example>"))
    sync(mailbox, django_capture_on_commit_callbacks)
    assert MailboxState.objects.for_tenant(tenant).get(account=mailbox.account).uidvalidity != before
    assert sorted(Message.objects.for_tenant(tenant).values_list("body", flat=True)) == ["Dois", "Um"]


def test_odd_mail_never_breaks_the_sync(mailbox, two_tenants, django_capture_on_commit_callbacks):
    tenant = two_tenants.a.tenant
    mailbox.deliver(b"From: broken@cliente.example\r\nContent-Type: multipart/mixed\r\n\r\n\xff\xfe garbage\r\n")
    mailbox.deliver(mail(message_id="<own@acme.test>", sender=f"Acme <{MAILBOX}>"))  # our own address: a loop
    mailbox.deliver(mail(message_id="<fine@cliente.example>", body="Depois do lixo."))
    sync(mailbox, django_capture_on_commit_callbacks)
    bodies = set(Message.objects.for_tenant(tenant).values_list("body", flat=True))
    assert "Depois do lixo." in bodies and len(bodies) == 2  # the garbled one is kept, the loop is not
    assert not InboundEvent.objects.for_tenant(tenant).filter(status="dead").exists()


def test_wrong_password_during_sync_puts_the_account_in_error(mailbox, two_tenants):
    connector = mailbox.account.connector
    connector.credentials = json.dumps({**json.loads(connector.credentials), "password": "changed"})
    connector.save(update_fields=["credentials"])
    assert sync_mailbox(str(mailbox.account.id)) == 0
    account = ChannelAccount.objects.for_tenant(two_tenants.a.tenant).get(id=mailbox.account.id)
    assert account.status == "error" and "IMAP login rejected" in account.last_error
    assert sync_mailboxes() == 0  # not polled until fixed and activated again


@pytest.mark.django_db(transaction=True)
def test_new_mail_reaches_the_agents_inbox_socket_live(two_tenants, dovecot, smtp_relay):
    folder = dovecot.new_folder(MAILBOX, prefix="W")
    admin, _connector, account = connect(two_tenants.a, dovecot, smtp_relay, folder)
    admin.post(f"/api/v1/channels/accounts/{account['id']}/activate")
    agent_token = str(AccessToken.for_user(two_tenants.a.user("agent")))

    async def scenario() -> None:
        inbox = WebsocketCommunicator(application, f"/ws/acme/inbox?token={agent_token}")
        connected, _code = await inbox.connect(timeout=5)
        assert connected
        await sync_to_async(dovecot.append)(MAILBOX, mail(message_id="<live@cliente.example>"), folder)
        await sync_to_async(sync_mailbox)(account["id"])
        while True:
            frame = await inbox.receive_json_from(timeout=5)
            if frame.get("event") == "message.created":
                break
        assert frame["message"]["body"] == "Olá, meu pedido ainda não chegou."
        await inbox.disconnect()

    async_to_sync(scenario)()


def test_agent_files_go_out_as_mime_attachments(mailbox, two_tenants, smtp_relay, django_capture_on_commit_callbacks):
    tenant = two_tenants.a.tenant
    mailbox.deliver(mail(message_id="<f1@cliente.example>"))
    sync(mailbox, django_capture_on_commit_callbacks)
    conversation = Conversation.objects.for_tenant(tenant).get()
    pdf = io.BytesIO(b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    pdf.name = "boleto.pdf"
    agent = two_tenants.a.api("agent")
    with django_capture_on_commit_callbacks(execute=True):
        reply = agent.client.post(
            f"/api/v1/conversations/{conversation.id}/messages",
            {"body": "Segue o boleto.", "file": pdf},
            **agent.headers,
        )
    assert reply.status_code == 201, reply.json()
    [(_from, _rcpt, sent)] = smtp_relay.received
    [part] = list(sent.iter_attachments())
    assert (part.get_filename(), part.get_content_type()) == ("boleto.pdf", "application/pdf")
    assert part.get_content() == pdf.getvalue()
    assert Message.objects.for_tenant(tenant).get(id=reply.json()["id"]).delivery_status == "sent"


@pytest.mark.django_db(transaction=True)
def test_idle_watcher_imports_mail_as_soon_as_it_arrives(two_tenants, dovecot, smtp_relay):
    folder = dovecot.new_folder(MAILBOX, prefix="I")
    admin, _connector, account = connect(two_tenants.a, dovecot, smtp_relay, folder)
    admin.post(f"/api/v1/channels/accounts/{account['id']}/activate")
    watcher = MailboxWatcher(idle_seconds=30, refresh_seconds=60)
    watcher.refresh()
    try:
        time.sleep(0.5)  # the thread is in IDLE now (and would catch up on mail before it anyway)
        started = time.monotonic()
        dovecot.append(MAILBOX, mail(message_id="<idle@cliente.example>", body="Chegou na hora"), folder=folder)
        messages = Message.objects.for_tenant(two_tenants.a.tenant)
        while not messages.filter(body="Chegou na hora").exists() and time.monotonic() - started < 10:
            time.sleep(0.1)
        assert messages.filter(body="Chegou na hora").exists()
        assert time.monotonic() - started < 10  # well before the 30 s poll
        # Deactivated: the next refresh stops watching.
        admin.post(f"/api/v1/channels/accounts/{account['id']}/deactivate")
        watcher.refresh()
        assert watcher.watches == {}
    finally:
        watcher.close()
