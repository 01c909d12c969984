"""E-mail: IMAP in (the sync task stores each mail as an event), SMTP out.

A stored e-mail event is the raw RFC 5322 message with one header prepended,
`X-Atendo-Mailbox: <address>`, naming the mailbox it was read from (as an MTA prepends
Delivered-To), so parsing needs nothing but the stored bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import smtplib
import ssl
from collections.abc import Mapping
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from atendo.connectors.adapters.base import (
    AdapterError,
    DownloadedMedia,
    InboundMedia,
    InboundMessage,
    OutboundMessage,
    SendResult,
    StatusUpdate,
)
from atendo.connectors.email_parsing import (
    ParsedEmail,
    bounce_details,
    build_reply,
    normalize_message_id,
    parse_email,
    should_not_autoreply,
    thread_keys,
)
from atendo.connectors.imap_sync import ImapAuthError, ImapError, ImapUnavailable, MailboxConfig, check_login

if TYPE_CHECKING:
    from atendo.connectors.models import ChannelAccount

MAILBOX_HEADER = b"X-Atendo-Mailbox"
TRUNCATED_HEADER = b"X-Atendo-Truncated"
SECURITY_CHOICES = ("ssl", "starttls", "none")
DEFAULT_PORTS = {"imap": {"ssl": 993, "starttls": 143, "none": 143}, "smtp": {"ssl": 465, "starttls": 587, "none": 25}}
# Kept with the message for the "show original" view; bounded so a newsletter cannot bloat a row.
MAX_HTML_CHARS = 200_000
MAX_TEXT_CHARS = 100_000


def envelope(mailbox: str, raw: bytes, *, max_bytes: int) -> bytes:
    """The stored form of a fetched mail. Past `max_bytes` only the header section is kept,
    marked with the original size, so the conversation still shows that a mail arrived."""
    if len(raw) > max_bytes:
        head, _sep, _body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
        raw = head.replace(b"\n", b"\r\n") + b"\r\n" + TRUNCATED_HEADER + b": " + str(len(raw)).encode() + b"\r\n\r\n"
    return MAILBOX_HEADER + b": " + mailbox.encode("ascii", "ignore") + b"\r\n" + raw


def _unwrap(body: bytes) -> tuple[str, bytes]:
    prefix = MAILBOX_HEADER + b": "
    if not body.startswith(prefix):
        raise ValueError("not a stored e-mail event")
    line, _sep, raw = body.partition(b"\r\n")
    return line[len(prefix) :].decode("ascii", "ignore").strip().lower(), raw


def message_id_key(raw: bytes) -> str:
    """The event key of a mail: its normalized Message-ID (hashed to a fixed length), or the
    hash of the bytes for the rare mail without one."""
    headers = BytesHeaderParser(policy=default_policy).parsebytes(raw)
    try:
        message_id = normalize_message_id(str(headers.get("Message-ID", "") or ""))
    except Exception:  # a garbled header is parsed lazily and may raise here
        message_id = None
    if message_id:
        return "mid:" + hashlib.sha256(message_id.lower().encode()).hexdigest()
    return "raw:" + hashlib.sha256(raw).hexdigest()


def _setting(credentials: Mapping[str, Any], key: str, default: str = "") -> str:
    return str(credentials.get(key) or default).strip()


def _security(credentials: Mapping[str, Any], protocol: str) -> str:
    value = _setting(credentials, f"{protocol}_security", "ssl" if protocol == "imap" else "starttls").lower()
    return value if value in SECURITY_CHOICES else "ssl"


def _port(credentials: Mapping[str, Any], protocol: str) -> int:
    value = _setting(credentials, f"{protocol}_port")
    return int(value) if value.isdigit() else DEFAULT_PORTS[protocol][_security(credentials, protocol)]


def mailbox_config(credentials: Mapping[str, Any]) -> MailboxConfig:
    security = _security(credentials, "imap")
    return MailboxConfig(
        host=_setting(credentials, "imap_host"),
        port=_port(credentials, "imap"),
        username=_setting(credentials, "username"),
        password=str(credentials.get("password") or ""),
        folder=_setting(credentials, "imap_folder", "INBOX"),
        use_ssl=security == "ssl",
        starttls=security == "starttls",
        timeout_s=settings.PROVIDER_HTTP_TIMEOUT_SECONDS,
    )


def _smtp_session(credentials: Mapping[str, Any]) -> smtplib.SMTP:
    host, port, security = (
        _setting(credentials, "smtp_host"),
        _port(credentials, "smtp"),
        _security(credentials, "smtp"),
    )
    timeout = settings.PROVIDER_HTTP_TIMEOUT_SECONDS
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        smtp.ehlo()
        if security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
    username = _setting(credentials, "smtp_username", _setting(credentials, "username"))
    password = str(credentials.get("smtp_password") or credentials.get("password") or "")
    if username and password and smtp.has_extn("auth"):
        smtp.login(username, password)
    return smtp


def _smtp_error(exc: Exception, host: str) -> AdapterError:
    """4xx and network failures are worth a retry; 5xx refusals are final."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return AdapterError(
            _("The SMTP server rejected the login (check the username and password)."), code="smtp_auth"
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()))
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        return AdapterError(
            _("The SMTP server refused the recipient: %(reason)s") % {"reason": f"{code} {text}"},
            code=str(code),
            retryable=400 <= code < 500,
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return AdapterError(
            _("The SMTP server refused the message: %(reason)s") % {"reason": f"{exc.smtp_code} {text}"},
            code=str(exc.smtp_code),
            retryable=400 <= exc.smtp_code < 500,
        )
    return AdapterError(
        _("The SMTP server %(host)s could not be reached: %(reason)s") % {"host": host, "reason": exc},
        code="smtp_unreachable",
        retryable=True,
    )


def _parsed_metadata(parsed: ParsedEmail) -> dict[str, Any]:
    cids = {a.content_id: index for index, a in enumerate(parsed.attachments) if a.content_id}
    return {
        "subject": parsed.subject,
        "message_id": parsed.message_id,
        "in_reply_to": parsed.in_reply_to,
        "references": parsed.references[-20:],
        "thread_keys": thread_keys(parsed)[:20],
        "reply_token": parsed.reply_token,
        "from": parsed.from_address,
        "to": parsed.to,
        "cc": parsed.cc,
        "html": parsed.html_sanitized[:MAX_HTML_CHARS],
        "full_text": parsed.text[:MAX_TEXT_CHARS] if parsed.text != parsed.visible_text else "",
        "auto_submitted": parsed.auto_submitted,
        "no_autoreply": should_not_autoreply(parsed),
        "autoreply_signals": list(parsed.autoreply_signals),
        "cids": cids,
    }


class EmailAdapter:
    kind = "email"
    # A resend carries the same Message-ID (built from our message id): mail clients show it
    # once, so an interrupted send may simply be sent again.
    idempotent_sends = True

    def event_key(self, body: bytes) -> str:
        return message_id_key(_unwrap(body)[1])

    def parse(self, body: bytes) -> list[InboundMessage | StatusUpdate]:
        mailbox, raw = _unwrap(body)
        parsed = parse_email(raw, mailbox=mailbox)
        if parsed.is_bounce:
            return self._bounce(mailbox, raw, parsed)
        if not parsed.from_address or parsed.from_address == mailbox:
            return []  # our own mail (a copy, a loop): never a customer message
        headers = BytesHeaderParser(policy=default_policy).parsebytes(raw)
        truncated = str(headers.get(TRUNCATED_HEADER.decode(), "") or "")
        metadata: dict[str, Any] = {"email": _parsed_metadata(parsed)}
        if truncated.isdigit():
            metadata["truncated_bytes"] = int(truncated)
        return [
            InboundMessage(
                account_external_id=mailbox,
                provider_message_id=parsed.message_id,
                sender_id=parsed.from_address,
                sender_name=parsed.from_name,
                sent_at=parsed.date or datetime.now(UTC),
                kind="unknown" if truncated else "text",
                text=(parsed.visible_text or parsed.text or parsed.subject).strip(),
                media=[
                    InboundMedia(
                        provider_media_id=f"part:{index}",
                        mime=part.mime,
                        name=part.filename,
                        sha256=part.sha256,
                        size=part.size,
                        content=part.content,
                    )
                    for index, part in enumerate(parsed.attachments)
                ],
                reply_to_provider_id=parsed.in_reply_to,
                metadata=metadata,
            )
        ]

    def _bounce(self, mailbox: str, raw: bytes, parsed: ParsedEmail) -> list[InboundMessage | StatusUpdate]:
        """A DSN is a delivery receipt for the mail it reports on, not a customer message."""
        details = bounce_details(raw)
        if details is None or not details.original_message_id or not details.permanent:
            return []  # a delay warning, or a bounce we cannot tie to a message: stored, not shown
        return [
            StatusUpdate(
                account_external_id=mailbox,
                provider_message_id=details.original_message_id,
                status="failed",
                at=parsed.date or datetime.now(UTC),
                error_code=details.status or "bounce",
                error_message=(details.diagnostic or _("The recipient's mail server returned the message."))[:500],
            )
        ]

    def download_media(self, credentials: Mapping[str, str], media: InboundMedia) -> DownloadedMedia:
        content = media.content or b""
        if len(content) > settings.PROVIDER_MEDIA_MAX_BYTES:
            raise AdapterError(_("The attachment is larger than the allowed size."), code="media_too_large")
        return DownloadedMedia(content=io.BytesIO(content), mime=media.mime, name=media.name, size=len(content))

    def check_credentials(self, credentials: Mapping[str, str], external_id: str, webhook_url: str) -> None:
        """Log in to IMAP (open the folder read-only) and to SMTP. Nothing is sent."""
        try:
            validate_email(external_id)
        except ValidationError as exc:
            raise AdapterError(
                _("The mailbox address is not a valid e-mail address."),
                code="invalid_mailbox",
                fields=("external_id",),
            ) from exc
        try:
            check_login(mailbox_config(credentials))
        except ImapAuthError as exc:
            raise AdapterError(
                _("The IMAP server rejected the login (check the username and password)."),
                code="imap_auth",
                fields=("username", "password"),
            ) from exc
        except ImapUnavailable as exc:
            raise AdapterError(
                _("The IMAP server could not be reached: %(reason)s") % {"reason": exc},
                code="imap_unreachable",
                fields=("imap_host", "imap_port"),
            ) from exc
        except ImapError as exc:
            raise AdapterError(_("IMAP error: %(reason)s") % {"reason": exc}, code="imap_error") from exc
        host = _setting(credentials, "smtp_host")
        try:
            smtp = _smtp_session(credentials)
            smtp.quit()
        except (smtplib.SMTPException, OSError) as exc:
            error = _smtp_error(exc, host)
            if error.code == "smtp_auth":
                # The SMTP login falls back to the IMAP one when no SMTP login is set.
                own = bool(credentials.get("smtp_username") or credentials.get("smtp_password"))
                error.fields = ("smtp_username", "smtp_password") if own else ("username", "password")
            elif not isinstance(exc, smtplib.SMTPException):  # no session at all (refused, unknown host)
                error.fields = ("smtp_host", "smtp_port")
            raise error from exc

    def send(self, account: ChannelAccount, message: OutboundMessage) -> SendResult:
        credentials = json.loads(account.connector.credentials or "{}")
        mailbox = account.external_id.lower()
        local, _at, domain = mailbox.partition("@")
        try:
            mail = build_reply(
                from_address=mailbox,
                from_name=message.sender_name or account.name,
                to_address=message.recipient,
                subject=message.subject or account.name,
                body_text=message.body,
                in_reply_to=message.reply_to_provider_id,
                references=message.references,
                reply_token=message.reply_token,
                domain=domain,
                automatic=message.automatic,
                reply_local_part=local,
                message_id=f"<{message.idempotency_key}@{domain}>" if message.idempotency_key else None,
            )
        except ValueError as exc:
            raise AdapterError(str(exc), code="invalid_message") from exc
        for attachment in message.attachments:
            maintype, _slash, subtype = (attachment.mime or "application/octet-stream").partition("/")
            with attachment.open() as stream:
                mail.add_attachment(
                    stream.read(), maintype=maintype, subtype=subtype or "octet-stream", filename=attachment.name
                )
        host = _setting(credentials, "smtp_host")
        try:
            smtp = _smtp_session(credentials)
            try:
                smtp.send_message(mail, from_addr=mailbox, to_addrs=[message.recipient])
            finally:
                try:
                    smtp.quit()
                except (smtplib.SMTPException, OSError):
                    smtp.close()
        except (smtplib.SMTPException, OSError) as exc:
            raise _smtp_error(exc, host) from exc
        return SendResult(status="sent", provider_message_id=str(mail["Message-ID"]))
