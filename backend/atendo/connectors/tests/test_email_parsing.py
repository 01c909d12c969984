"""Pure tests for atendo.connectors.email_parsing (no DB, no network)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from atendo.connectors.email_parsing import (
    MAX_REFERENCES,
    BounceInfo,
    ParsedEmail,
    bounce_details,
    build_reply,
    html_to_text,
    parse_email,
    reply_subject,
    sanitize_html,
    should_not_autoreply,
    strip_quoted_text,
    thread_keys,
)

MAILBOX = "suporte@acme.com.br"


def crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


# --------------------------------------------------------------------------------------------------
# Samples
# --------------------------------------------------------------------------------------------------

GMAIL_PT_REPLY = crlf(
    """\
Delivered-To: reply+Tk7x_9-Ab@mail.atendo.app
Received: from mail-sor-f41.google.com (mail-sor-f41.google.com [209.85.220.41])
        by mx.atendo.app with SMTPS id abc for <reply+Tk7x_9-Ab@mail.atendo.app>;
        Mon, 05 Jan 2026 13:00:00 +0000
MIME-Version: 1.0
References: <root-1@mail.atendo.app> <agent-2@mail.atendo.app>
In-Reply-To: <agent-2@mail.atendo.app>
From: =?UTF-8?Q?Jo=C3=A3o_da_Silva?= <Joao.Silva@Gmail.com>
Date: Mon, 5 Jan 2026 10:00:00 -0300
Message-ID: <CAFx=abc123+def@mail.gmail.com>
Subject: =?UTF-8?Q?Re=3A_Pedido_n=C2=BA_123_=E2=80=93_atraso?=
To: Acme Suporte <reply+Tk7x_9-Ab@mail.atendo.app>
Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

--000000000000a1b2c3
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

Ol=C3=A1, o pedido ainda n=C3=A3o chegou.
Podem verificar?

--=20
Jo=C3=A3o da Silva
Gerente

Em seg., 1 de jan. de 2026 =C3=A0s 09:12, Acme Suporte <
reply+Tk7x_9-Ab@mail.atendo.app> escreveu:

> Bom dia, Jo=C3=A3o!
> Seu pedido foi enviado.
>

--000000000000a1b2c3
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<div dir=3D"ltr">Ol=C3=A1, o pedido ainda n=C3=A3o chegou.<div>Podem verifi=
car?</div></div><br><div class=3D"gmail_quote"><div dir=3D"ltr" class=3D"gmail=
_attr">Em seg., 1 de jan. de 2026 =C3=A0s 09:12, Acme Suporte &lt;<a href=3D"m=
ailto:reply+Tk7x_9-Ab@mail.atendo.app">reply+Tk7x_9-Ab@mail.atendo.app</a>&gt;=
 escreveu:<br></div><blockquote class=3D"gmail_quote" style=3D"margin:0px 0px =
0px 0.8ex">Bom dia, Jo=C3=A3o!<br>Seu pedido foi enviado.</blockquote></div>

--000000000000a1b2c3--
"""
)

OUTLOOK_REPLY = crlf(
    """\
From: Maria Souza <maria.souza@empresa.com.br>
To: "Acme Suporte" <suporte@acme.com.br>
Cc: Financeiro <FINANCEIRO@empresa.com.br>, "Souza, Maria" <maria2@empresa.com.br>
Subject: RES: Fatura de dezembro
Date: Tue, 6 Jan 2026 14:30:00 +0000
Message-ID: <DM6PR01MB1234ABCD@DM6PR01MB1234.namprd01.prod.outlook.com>
In-Reply-To: <agent-7@mail.atendo.app>
References: <agent-7@mail.atendo.app>
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

Segue o comprovante em anexo.

Atenciosamente,
Maria

________________________________
De: Acme Suporte <suporte@acme.com.br>
Enviado: segunda-feira, 5 de janeiro de 2026 11:00
Para: Maria Souza <maria.souza@empresa.com.br>
Assunto: Fatura de dezembro

Ol=E1 Maria, a fatura est=E1 em aberto.
"""
)

OUTLOOK_EN_REPLY = crlf(
    """\
From: Bob <bob@example.com>
To: support@acme.com
Subject: RE: Issue
Message-ID: <bob-1@example.com>
Content-Type: text/plain; charset=us-ascii

Thanks, that fixed it.

-----Original Message-----
From: Support <support@acme.com>
Sent: Monday, January 5, 2026 9:00 AM
Subject: Issue

Please restart.
"""
)

MALICIOUS_HTML = crlf(
    """\
From: attacker@evil.example
To: suporte@acme.com.br
Subject: hello
Message-ID: <evil-1@evil.example>
Content-Type: text/html; charset=utf-8

<html><head><title>t</title><style>body{background:url(javascript:alert(1))}</style>
<script>alert('x')</script></head>
<body onload="steal()">
<p style="color:red" class="x">Hi <b>there</b> &amp; <i>welcome</i></p>
<img src="x" onerror="alert(1)">
<img src="cid:logo@acme" alt="logo">
<a href="javascript:alert(document.cookie)">click</a>
<a href=" JaVa&#x09;ScRiPt:alert(1)">tab trick</a>
<a href="https://acme.com.br/help" onclick="x()">help</a>
<a href="mailto:help@acme.com.br">mail us</a>
<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>
<iframe src="https://evil.example"><p>inside iframe</p></iframe>
<object data="x.swf"><embed src="x.swf"></object>
<form action="https://evil.example/phish"><input name="pw" type="password"><button>Send</button></form>
<svg><script>alert(2)</script></svg>
<!-- a comment <script>alert(3)</script> -->
<div>unclosed
</body></html>
"""
)


def _inline_image_message() -> bytes:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    b64 = base64.b64encode(png).decode()
    return crlf(
        f"""\
From: Ana <ana@example.com>
To: suporte@acme.com.br
Subject: Print do erro
Message-ID: <inline-1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/html; charset=utf-8

<p>Veja o erro:</p><img src="cid:image001.png@01DA0000">
--rel
Content-Type: image/png; name="image001.png"
Content-Transfer-Encoding: base64
Content-ID: <image001.png@01DA0000>
Content-Disposition: inline; filename="image001.png"

{b64}
--rel--

--outer
Content-Type: application/pdf
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename*=UTF-8''relat%C3%B3rio%20mar%C3%A7o.pdf

{base64.b64encode(b"%PDF-1.4 fake").decode()}
--outer
Content-Type: text/plain; name="=?UTF-8?B?bm90YXMgw6kudHh0?="
Content-Disposition: attachment; filename="=?UTF-8?B?bm90YXMgw6kudHh0?="

conteudo
--outer--
"""
    ), png


LATIN1_BODY = (
    b"From: =?ISO-8859-1?Q?Jos=E9?= <jose@example.com>\r\n"
    b"To: suporte@acme.com.br\r\n"
    b"Subject: =?iso-8859-1?q?Cota=E7=E3o?=\r\n"
    b"Message-ID: <latin1@example.com>\r\n"
    b"Content-Type: text/plain; charset=ISO-8859-1\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"Ol\xe1, gostaria de uma cota\xe7\xe3o.\r\n"
)

BROKEN_CHARSET = (
    b"From: x@example.com\r\n"
    b"To: suporte@acme.com.br\r\n"
    b"Subject: =?x-unknown-charset?Q?Ol=E1?= mundo\r\n"
    b"Date: not a date at all\r\n"
    b'Content-Type: text/plain; charset="x-bogus-8"\r\n'
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"caf\xe9 e p\xe3o\r\n"
)

UTF8_WITH_WRONG_DECLARED = (
    b"From: y@example.com\r\nSubject: ok\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\na\xc3\xa7\xc3\xa3o\r\n"
)

NO_MESSAGE_ID = crlf(
    """\
From: sem-id@example.com
To: suporte@acme.com.br
Subject: sem id
Date: Wed, 07 Jan 2026 08:00:00 GMT

corpo
"""
)

RFC2047_SUBJECT = crlf(
    """\
From: =?UTF-8?B?U2lsdmEsIEpvw6Nv?= <silva@example.com>
To: suporte@acme.com.br
Subject: =?UTF-8?B?w4FndWEgZSBsdXo6IHByb3RvY29sbw==?=
 =?UTF-8?Q?_n=C2=BA_42?= urgente
Message-ID: <s1@example.com>

x
"""
)

DSN_BOUNCE = crlf(
    """\
Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.atendo.app>
To: bounces@mail.atendo.app
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@mx.atendo.app>
Date: Thu, 08 Jan 2026 12:00:00 +0000
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="dsnboundary"

--dsnboundary
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.atendo.app.
I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<nobody@example.com>: host mx.example.com said: 550 5.1.1 User unknown

--dsnboundary
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.atendo.app
Arrival-Date: Thu, 08 Jan 2026 11:59:58 +0000

Final-Recipient: rfc822; Nobody@example.com
Original-Recipient: rfc822;nobody@example.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.com>: Recipient address
    rejected: User unknown

--dsnboundary
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Acme Suporte <suporte@acme.com.br>
To: nobody@example.com
Subject: Re: Pedido
Message-ID: <our-msg-42@mail.atendo.app>
Date: Thu, 08 Jan 2026 11:59:50 +0000

--dsnboundary--
"""
)

DSN_WITH_RFC822 = crlf(
    """\
From: postmaster@example.net
To: suporte@acme.com.br
Subject: Delivery Status Notification (Failure)
Message-ID: <dsn-2@example.net>
Content-Type: multipart/report; report-type="delivery-status"; boundary="b2"

--b2
Content-Type: text/plain

Delivery failed.

--b2
Content-Type: message/delivery-status

Reporting-MTA: dns; example.net

Final-Recipient: rfc822; ghost@example.net
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp; 552 mailbox full

--b2
Content-Type: message/rfc822

From: suporte@acme.com.br
To: ghost@example.net
Subject: Oi
Message-ID: <our-msg-43@mail.atendo.app>

Oi!

--b2--
"""
)

OUT_OF_OFFICE = crlf(
    """\
From: Carla <carla@cliente.com>
To: suporte@acme.com.br
Subject: =?utf-8?q?Resposta_autom=C3=A1tica=3A_Re=3A_Chamado?=
Message-ID: <oof-1@cliente.com>
In-Reply-To: <agent-9@mail.atendo.app>
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
Content-Type: text/plain; charset=utf-8

Estou fora do escritório até segunda.
"""
)

MAILING_LIST = crlf(
    """\
From: News <news@lists.example.org>
To: suporte@acme.com.br
Subject: [news] Weekly digest
Message-ID: <list-1@lists.example.org>
List-Id: Example News <news.lists.example.org>
List-Unsubscribe: <mailto:unsub@lists.example.org>
Precedence: list
Content-Type: text/plain

digest
"""
)

PLAIN_CUSTOMER = crlf(
    """\
From: Cliente <cliente@example.com>
To: suporte@acme.com.br
Subject: Dúvida
Message-ID: <plain-1@example.com>
Auto-Submitted: no
Content-Type: text/plain; charset=utf-8

Como faço para trocar a senha?
"""
)


# --------------------------------------------------------------------------------------------------
# parse_email
# --------------------------------------------------------------------------------------------------


def test_gmail_pt_br_reply_headers_and_threading() -> None:
    parsed = parse_email(GMAIL_PT_REPLY, mailbox="Suporte@Acme.com.br")
    assert isinstance(parsed, ParsedEmail)
    assert parsed.mailbox == "suporte@acme.com.br"
    assert parsed.message_id == "<CAFx=abc123+def@mail.gmail.com>"
    assert parsed.message_id_synthesized is False
    assert parsed.in_reply_to == "<agent-2@mail.atendo.app>"
    assert parsed.references == ["<root-1@mail.atendo.app>", "<agent-2@mail.atendo.app>"]
    assert parsed.from_address == "joao.silva@gmail.com"
    assert parsed.from_name == "João da Silva"
    assert parsed.to == ["reply+tk7x_9-ab@mail.atendo.app"]
    assert parsed.reply_token == "Tk7x_9-Ab"  # case preserved
    assert parsed.subject == "Re: Pedido nº 123 – atraso"
    assert parsed.date == datetime(2026, 1, 5, 13, 0, tzinfo=UTC)
    assert parsed.date is not None and parsed.date.utcoffset() is not None
    assert thread_keys(parsed) == ["<agent-2@mail.atendo.app>", "<root-1@mail.atendo.app>"]
    assert not should_not_autoreply(parsed)
    assert parsed.attachments == []


def test_gmail_pt_br_visible_text_strips_signature_and_quote() -> None:
    parsed = parse_email(GMAIL_PT_REPLY, mailbox=MAILBOX)
    assert parsed.text.startswith("Olá, o pedido ainda não chegou.")
    assert "escreveu:" in parsed.text
    assert parsed.visible_text == "Olá, o pedido ainda não chegou.\nPodem verificar?"
    assert "<blockquote>" in parsed.html_sanitized
    assert "style=" not in parsed.html_sanitized
    assert 'href="mailto:reply+Tk7x_9-Ab@mail.atendo.app"' in parsed.html_sanitized


def test_html_only_gmail_quote_is_stripped_from_derived_text() -> None:
    raw = GMAIL_PT_REPLY.split(b"--000000000000a1b2c3\r\nContent-Type: text/plain")[0]
    html_part = GMAIL_PT_REPLY.split(b"--000000000000a1b2c3\r\n")[2]
    raw = raw + b"--000000000000a1b2c3\r\n" + html_part + b"--000000000000a1b2c3--\r\n"
    parsed = parse_email(raw, mailbox=MAILBOX)
    assert "> Bom dia, João!" in parsed.text  # blockquote rendered as quoted lines
    assert parsed.visible_text == "Olá, o pedido ainda não chegou.\nPodem verificar?"


def test_outlook_pt_br_reply() -> None:
    parsed = parse_email(OUTLOOK_REPLY, mailbox=MAILBOX)
    assert parsed.subject == "RES: Fatura de dezembro"
    assert parsed.cc == ["financeiro@empresa.com.br", "maria2@empresa.com.br"]
    assert parsed.to == ["suporte@acme.com.br"]
    assert parsed.reply_token is None
    assert "Olá Maria" in parsed.text  # iso-8859-1 quoted-printable decoded
    assert parsed.visible_text == "Segue o comprovante em anexo.\n\nAtenciosamente,\nMaria"
    assert parsed.html_sanitized == ""


def test_outlook_original_message_separator() -> None:
    parsed = parse_email(OUTLOOK_EN_REPLY, mailbox=MAILBOX)
    assert parsed.visible_text == "Thanks, that fixed it."
    assert reply_subject(parsed.subject) == "Re: Issue"


def test_html_sanitizer_removes_active_content() -> None:
    parsed = parse_email(MALICIOUS_HTML, mailbox=MAILBOX)
    out = parsed.html_sanitized
    lowered = out.lower()
    forbidden = (
        "<script", "alert", "onerror", "onload", "onclick", "javascript", "<iframe", "<object", "<embed",
        "<form", "<input", "<button", "<style", "<svg", "data:", "<!--", "class=", "style=",
    )  # fmt: skip
    for bad in forbidden:
        assert bad not in lowered, bad
    assert "<b>there</b>" in out
    assert "&amp;" in out
    assert '<img src="cid:logo@acme" alt="logo">' in out
    assert '<a href="https://acme.com.br/help" rel="noopener noreferrer nofollow">help</a>' in out
    assert '<a href="mailto:help@acme.com.br" rel="noopener noreferrer nofollow">mail us</a>' in out
    assert "<a>click</a>" in out  # link kept as text, URL dropped
    assert "inside iframe" not in out
    assert out.endswith("</div>")  # unclosed tag closed
    # derived text never contains script/style content
    assert "alert" not in parsed.text
    assert "Hi there & welcome" in parsed.text
    assert "Send" not in parsed.text  # form controls dropped from derived text too


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ('<a href="jav&#x61;script:alert(1)">x</a>', "javascript"),
        ('<a href="&#106;avascript:alert(1)">x</a>', "javascript"),
        ('<a href="vbscript:msgbox">x</a>', "vbscript"),
        ("<scr<script>ipt>alert(1)</script>", "<script"),
        ('<img src=x onerror=alert(1)//">', "onerror"),
        ('<div><a href="https://ok" ONMOUSEOVER="x()">ok</a></div>', "onmouseover"),
        ("<math><mi xlink:href='javascript:alert(1)'>x</mi></math>", "javascript"),
        ("</p></div><script>alert(1)</script>", "<script"),
    ],
)
def test_sanitizer_edge_cases(source: str, forbidden: str) -> None:
    assert forbidden not in sanitize_html(source).lower()


def test_sanitizer_unclosed_inner_dropped_element_does_not_swallow_rest() -> None:
    out = sanitize_html("<p>a</p><object><button>x</object><p>b</p>")
    assert out == "<p>a</p><p>b</p>"


def test_sanitizer_escapes_text_and_attributes() -> None:
    out = sanitize_html('<p title="a&quot;b">1 &lt; 2 &lt;script&gt;</p>')
    assert out == '<p title="a&quot;b">1 &lt; 2 &lt;script&gt;</p>'


def test_inline_image_and_rfc2231_attachment() -> None:
    raw, png = _inline_image_message()
    parsed = parse_email(raw, mailbox=MAILBOX)
    assert len(parsed.attachments) == 3
    image, pdf, notes = parsed.attachments
    assert image.filename == "image001.png"
    assert image.mime == "image/png"
    assert image.content == png
    assert image.content_id == "image001.png@01DA0000"
    assert image.inline is True
    assert image.size == len(png)
    name, mime, content, cid, inline = pdf  # tuple-shaped
    assert name == "relatório março.pdf"
    assert mime == "application/pdf"
    assert content == b"%PDF-1.4 fake"
    assert cid is None
    assert inline is False
    assert notes.filename == "notas é.txt"  # RFC 2047 in a quoted filename (non-standard but common)
    assert notes.content.strip() == b"conteudo"
    assert 'src="cid:image001.png@01DA0000"' in parsed.html_sanitized
    assert parsed.text == "Veja o erro:"  # attachment text/plain is not the body


def test_iso_8859_1_body_and_headers() -> None:
    parsed = parse_email(LATIN1_BODY, mailbox=MAILBOX)
    assert parsed.text == "Olá, gostaria de uma cotação."
    assert parsed.subject == "Cotação"
    assert parsed.from_name == "José"


def test_broken_charset_never_raises() -> None:
    parsed = parse_email(BROKEN_CHARSET, mailbox=MAILBOX)
    assert parsed.text == "café e pão"  # unknown charset, not UTF-8: latin-1 fallback
    assert "mundo" in parsed.subject
    assert parsed.date is None  # garbled date
    assert parsed.message_id_synthesized is True


def test_broken_charset_with_utf8_body() -> None:
    raw = BROKEN_CHARSET.replace(b"caf\xe9 e p\xe3o", "café e pão ✓".encode())
    assert parse_email(raw, mailbox=MAILBOX).text == "café e pão ✓"


def test_wrong_declared_ascii_falls_back_to_utf8() -> None:
    assert parse_email(UTF8_WITH_WRONG_DECLARED, mailbox=MAILBOX).text == "ação"


def test_missing_message_id_is_synthesized_and_stable() -> None:
    first = parse_email(NO_MESSAGE_ID, mailbox=MAILBOX)
    second = parse_email(NO_MESSAGE_ID, mailbox=MAILBOX)
    assert first.message_id_synthesized
    assert first.message_id == second.message_id
    assert first.message_id.startswith("<") and first.message_id.endswith(">")
    other = parse_email(NO_MESSAGE_ID.replace(b"corpo", b"outro"), mailbox=MAILBOX)
    assert other.message_id != first.message_id
    assert first.date == datetime(2026, 1, 7, 8, 0, tzinfo=UTC)
    assert thread_keys(first) == []


def test_rfc2047_subject_and_display_name_with_comma() -> None:
    parsed = parse_email(RFC2047_SUBJECT, mailbox=MAILBOX)
    assert parsed.subject == "Água e luz: protocolo nº 42 urgente"
    assert parsed.from_name == "Silva, João"
    assert parsed.from_address == "silva@example.com"


def test_dsn_bounce_for_our_message() -> None:
    parsed = parse_email(DSN_BOUNCE, mailbox=MAILBOX)
    assert parsed.is_bounce
    assert should_not_autoreply(parsed)
    info = bounce_details(DSN_BOUNCE)
    assert info == BounceInfo(
        original_message_id="<our-msg-42@mail.atendo.app>",
        status="5.1.1",
        diagnostic="550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown",
        recipient="nobody@example.com",
        action="failed",
    )
    assert info.permanent
    # the DSN parts are attachments, never the body
    assert "could not" in parsed.text
    assert "Reporting-MTA" not in parsed.text


def test_dsn_with_attached_original_message() -> None:
    parsed = parse_email(DSN_WITH_RFC822, mailbox=MAILBOX)
    assert parsed.is_bounce
    info = bounce_details(DSN_WITH_RFC822)
    assert info is not None
    assert info.original_message_id == "<our-msg-43@mail.atendo.app>"
    assert info.status == "5.2.2"
    assert info.diagnostic == "552 mailbox full"
    assert info.recipient == "ghost@example.net"
    assert parsed.text == "Delivery failed."
    assert any(a.mime == "message/rfc822" for a in parsed.attachments)


def test_non_standard_bounce_from_mailer_daemon() -> None:
    raw = crlf(
        """\
From: MAILER-DAEMON@legacy.example
To: suporte@acme.com.br
Subject: failure notice

Sorry, we were unable to deliver your message: 550 5.7.1 rejected.

--- Below this line is a copy of the message.

Message-ID: <our-msg-44@mail.atendo.app>
Subject: Oi
"""
    )
    parsed = parse_email(raw, mailbox=MAILBOX)
    assert parsed.is_bounce
    info = bounce_details(raw)
    assert info is not None
    assert info.original_message_id == "<our-msg-44@mail.atendo.app>"
    assert info.status == "5.7.1"


def test_bounce_details_none_for_normal_mail() -> None:
    assert bounce_details(GMAIL_PT_REPLY) is None
    assert bounce_details(OUT_OF_OFFICE) is None
    assert bounce_details(b"") is None


def test_out_of_office_auto_reply() -> None:
    parsed = parse_email(OUT_OF_OFFICE, mailbox=MAILBOX)
    assert parsed.auto_submitted
    assert not parsed.is_bounce
    assert should_not_autoreply(parsed)
    assert "auto-submitted:auto-replied" in parsed.autoreply_signals
    assert parsed.subject == "Resposta automática: Re: Chamado"


def test_mailing_list_message() -> None:
    parsed = parse_email(MAILING_LIST, mailbox=MAILBOX)
    assert not parsed.auto_submitted
    assert should_not_autoreply(parsed)
    assert {"list-id", "list-unsubscribe", "precedence:list"} <= set(parsed.autoreply_signals)


@pytest.mark.parametrize(
    "header",
    [
        "Precedence: bulk",
        "Precedence: junk",
        "X-Autoreply: yes",
        "X-Autorespond: yes",
        "X-Loop: helpdesk@example.com",
        "Auto-Submitted: auto-generated",
        "List-Unsubscribe: <https://x.example/u>",
        "Return-Path: <>",
    ],
)
def test_should_not_autoreply_headers(header: str) -> None:
    raw = crlf(f"From: a@example.com\nTo: suporte@acme.com.br\n{header}\nSubject: s\n\nbody\n")
    assert should_not_autoreply(parse_email(raw, mailbox=MAILBOX))


def test_plain_customer_message_gets_autoreply() -> None:
    parsed = parse_email(PLAIN_CUSTOMER, mailbox=MAILBOX)
    assert not parsed.auto_submitted  # Auto-Submitted: no
    assert parsed.autoreply_signals == ()
    assert not should_not_autoreply(parsed)
    assert parsed.visible_text == "Como faço para trocar a senha?"


def test_message_from_own_mailbox_is_not_autoreplied() -> None:
    raw = crlf("From: suporte@acme.com.br\nTo: suporte@acme.com.br\nSubject: loop\n\nx\n")
    assert should_not_autoreply(parse_email(raw, mailbox=MAILBOX))


def test_reply_token_in_cc_and_delivered_to() -> None:
    in_cc = crlf("From: a@example.com\nTo: other@example.com\nCc: Acme <reply+abc.DEF=1@mail.atendo.app>\n\nx\n")
    assert parse_email(in_cc, mailbox=MAILBOX).reply_token == "abc.DEF=1"
    delivered = crlf("Delivered-To: reply+zz9@mail.atendo.app\nFrom: a@example.com\nTo: suporte@acme.com.br\n\nx\n")
    assert parse_email(delivered, mailbox=MAILBOX).reply_token == "zz9"
    none = crlf("From: a@example.com\nTo: replyabc@mail.atendo.app, reply+@x.com\n\nx\n")
    assert parse_email(none, mailbox=MAILBOX).reply_token is None


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\xff\xfe garbage \x80\x81",
        b"not an email at all",
        b"Content-Type: multipart/mixed\r\n\r\nno boundary here",
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhalf",
        b"From: <<<>>>\r\nTo: ,,,\r\nDate: Mon, 99 Foo 99999\r\nMessage-ID: <>\r\nReferences: garbage\r\n\r\nx",
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64@@@",
        b"Subject: =?utf-8?B?!!!?=\r\nContent-Type: image/png\r\n\r\n\x89PNG",
        b"Subject: \xff\xfe\xe9t\xe9\r\nFrom: \xe9 <x@y.z>\r\n\r\nbody",
        b"Content-Type: text/html\r\n\r\n<div><<script>>alert(1)</p></b></i></table>",
    ],
)
def test_garbage_never_raises(raw: bytes) -> None:
    parsed = parse_email(raw, mailbox=MAILBOX)
    assert parsed.message_id.startswith("<")
    assert isinstance(parsed.text, str)
    assert "<script" not in parsed.html_sanitized
    bounce_details(raw)
    should_not_autoreply(parsed)
    thread_keys(parsed)


@pytest.mark.parametrize("raw", [b"", b"   \r\n  "])
def test_empty_input_raises(raw: bytes) -> None:
    with pytest.raises(ValueError, match="empty"):
        parse_email(raw, mailbox=MAILBOX)


def test_thread_keys_dedupes_and_orders_newest_first() -> None:
    raw = crlf(
        "From: a@example.com\nMessage-ID: <m4@x>\nIn-Reply-To: <m3@x>\nReferences: <m1@x>\n <m2@x> <m3@x> <m2@x>\n\nx\n"
    )
    parsed = parse_email(raw, mailbox=MAILBOX)
    assert parsed.references == ["<m1@x>", "<m2@x>", "<m3@x>"]
    assert thread_keys(parsed) == ["<m3@x>", "<m2@x>", "<m1@x>"]


# --------------------------------------------------------------------------------------------------
# strip_quoted_text / html_to_text
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks!\n\nOn Mon, Jan 5, 2026 at 9:00 AM Support <s@a.com> wrote:\n> old\n", "Thanks!"),
        ("Gracias\n\nEl lun, 5 ene 2026 a las 9:00, Soporte (<s@a.com>) escribió:\n> viejo", "Gracias"),
        ("Ok\nOn Mon, Jan 5, 2026 at 9:00 AM Very Long Name\n<s@a.com> wrote:\n> old", "Ok"),
        ("Answer one\n> quoted line\nAnswer two", "Answer one\nAnswer two"),
        ("Body\n-- \nSig line\nPhone", "Body"),
        ("Body\n\nEnviado do meu iPhone", "Body"),
        ("On Mon, Support wrote:\n> q1\nanswer1\n> q2\nanswer2", "answer1\nanswer2"),
        ("De: Fulano\nAssunto: sem envio\n\ncorpo real", "De: Fulano\nAssunto: sem envio\n\ncorpo real"),
        (
            "Veja abaixo\n\n---------- Forwarded message ---------\nFrom: X <x@y.z>\nDate: Mon, 5 Jan 2026\n\nconteúdo",
            "Veja abaixo\n\n---------- Forwarded message ---------\nFrom: X <x@y.z>\nDate: Mon, 5 Jan 2026\n\nconteúdo",
        ),
    ],
)
def test_strip_quoted_text(text: str, expected: str) -> None:
    assert strip_quoted_text(text) == expected


def test_html_to_text_basic_formatting() -> None:
    text = html_to_text("<p>Hello&nbsp;<b>world</b></p><ul><li>one</li><li>two</li></ul>line<br>break")
    assert text == "Hello world\n\n- one\n- two\n\nline\nbreak"


# --------------------------------------------------------------------------------------------------
# build_reply
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Pedido 123", "Re: Pedido 123"),
        ("Re: Pedido 123", "Re: Pedido 123"),
        ("RE: Pedido 123", "Re: Pedido 123"),
        ("Res: Pedido 123", "Re: Pedido 123"),
        ("Re[2]: Pedido 123", "Re: Pedido 123"),
        ("RE: Res: re: Pedido 123", "Re: Pedido 123"),
        ("AW: Anfrage", "Re: Anfrage"),
        ("Resumo do mês", "Re: Resumo do mês"),
        ("", "Re:"),
        ("Fwd: encaminhado", "Re: Fwd: encaminhado"),
    ],
)
def test_reply_subject(subject: str, expected: str) -> None:
    assert reply_subject(subject) == expected


def _reply(**overrides: object) -> EmailMessage:
    kwargs: dict[str, object] = {
        "from_address": "suporte@acme.com.br",
        "from_name": "Acme Suporte – Atendimento",
        "to_address": "joao.silva@gmail.com",
        "subject": "Re: Pedido nº 123",
        "body_text": "Olá João,\nseu pedido foi reenviado.\n\nAbraço",
        "in_reply_to": "<CAFx=abc123+def@mail.gmail.com>",
        "references": ["<root-1@mail.atendo.app>", "<agent-2@mail.atendo.app>"],
        "reply_token": "Tk7x_9-Ab",
        "domain": "mail.atendo.app",
    }
    kwargs.update(overrides)
    return build_reply(**kwargs)  # type: ignore[arg-type]


def test_build_reply_headers() -> None:
    msg = _reply(now=datetime(2026, 1, 5, 13, 5, tzinfo=UTC))
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@mail.atendo.app>")
    assert msg["In-Reply-To"] == "<CAFx=abc123+def@mail.gmail.com>"
    assert msg["References"].split() == [
        "<root-1@mail.atendo.app>",
        "<agent-2@mail.atendo.app>",
        "<CAFx=abc123+def@mail.gmail.com>",
    ]
    assert msg["Reply-To"] == "reply+Tk7x_9-Ab@mail.atendo.app"
    assert msg["Subject"] == "Re: Pedido nº 123"
    assert msg["Auto-Submitted"] is None
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content_charset() == "utf-8"
    assert msg.get_content() == "Olá João,\nseu pedido foi reenviado.\n\nAbraço\n"
    assert _reply()["Message-ID"] != _reply()["Message-ID"]


def test_build_reply_automatic_and_references_dedupe_and_cap() -> None:
    refs = [f"<r{i}@x>" for i in range(40)] + ["<r5@x>", "r7@x"]
    msg = _reply(automatic=True, references=refs, in_reply_to="<r39@x>")
    assert msg["Auto-Submitted"] == "auto-replied"
    out = msg["References"].split()
    assert len(out) == MAX_REFERENCES
    assert out[0] == "<r0@x>"  # thread root kept
    assert out[-1] == "<r39@x>"
    assert len(set(out)) == len(out)
    assert should_not_autoreply(parse_email(msg.as_bytes(), mailbox="joao.silva@gmail.com"))


@pytest.mark.parametrize("name", ["Silva, João", 'O"Brien <x>', "Ünïcödé – 😀", ""])
def test_build_reply_display_names_round_trip(name: str) -> None:
    parsed = parse_email(_reply(from_name=name).as_bytes(), mailbox=MAILBOX)
    assert parsed.from_name == name
    assert parsed.from_address == "suporte@acme.com.br"


def test_build_reply_without_parent() -> None:
    msg = _reply(in_reply_to=None, references=[], subject="Novo chamado")
    assert msg["In-Reply-To"] is None
    assert msg["References"] is None
    assert msg["Subject"] == "Re: Novo chamado"


@pytest.mark.parametrize(
    "overrides",
    [
        {"reply_token": "bad token"},
        {"reply_token": ""},
        {"domain": "evil.com\r\nBcc: x@y.z"},
        {"to_address": "a@b.c\nBcc: x@y.z"},
    ],
)
def test_build_reply_rejects_injection(overrides: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"invalid|line breaks"):
        _reply(**overrides)


def test_round_trip_build_reply_through_parse_email() -> None:
    sent = _reply()
    wire = sent.as_bytes()
    parsed = parse_email(wire, mailbox="joao.silva@gmail.com")
    assert parsed.message_id == sent["Message-ID"]
    assert parsed.in_reply_to == "<CAFx=abc123+def@mail.gmail.com>"
    assert parsed.references == [
        "<root-1@mail.atendo.app>",
        "<agent-2@mail.atendo.app>",
        "<CAFx=abc123+def@mail.gmail.com>",
    ]
    assert parsed.reply_to == ["reply+tk7x_9-ab@mail.atendo.app"]
    assert parsed.from_address == "suporte@acme.com.br"
    assert parsed.from_name == "Acme Suporte – Atendimento"
    assert parsed.subject == "Re: Pedido nº 123"
    assert parsed.text == "Olá João,\nseu pedido foi reenviado.\n\nAbraço"
    assert not parsed.auto_submitted
    assert not should_not_autoreply(parsed)

    # the customer's answer to our reply threads back to it via In-Reply-To and the token
    customer_reply = build_reply(
        from_address="joao.silva@gmail.com",
        from_name="João",
        to_address="reply+Tk7x_9-Ab@mail.atendo.app",
        subject=parsed.subject,
        body_text="Obrigado!",
        in_reply_to=parsed.message_id,
        references=parsed.references,
        reply_token="ignored",
        domain="gmail.com",
    )
    back = parse_email(customer_reply.as_bytes(), mailbox=MAILBOX)
    assert back.reply_token == "Tk7x_9-Ab"
    assert thread_keys(back)[0] == sent["Message-ID"]
    assert thread_keys(back)[1:] == list(reversed(parsed.references))
    assert back.subject == "Re: Pedido nº 123"
