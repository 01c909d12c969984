"""Pure e-mail parsing and reply building for the e-mail channel (stdlib only: no network, no DB).

`parse_email` turns raw RFC 5322 bytes into a `ParsedEmail`; it never raises on garbage (only on an
empty input): bad charsets fall back to UTF-8/latin-1 with replacement and malformed MIME yields a
best-effort result. `build_reply` produces the outbound `EmailMessage` with the threading headers
(`In-Reply-To`, `References`, `Reply-To: reply+<token>@<domain>`) that `thread_keys` and
`ParsedEmail.reply_token` use on the way back in.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import mimetypes
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.header import decode_header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.utils import format_datetime, getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import NamedTuple

__all__ = [
    "BounceInfo",
    "EmailAttachment",
    "ParsedEmail",
    "bounce_details",
    "build_reply",
    "html_to_text",
    "parse_email",
    "reply_subject",
    "sanitize_html",
    "should_not_autoreply",
    "strip_quoted_text",
    "thread_keys",
]

MAX_REFERENCES = 20
SYNTHETIC_ID_DOMAIN = "synthetic.atendo.invalid"

# --------------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------------


class EmailAttachment(NamedTuple):
    """An attachment or inline part: `(filename, mime, content, content_id, inline)`.

    `content_id` has no angle brackets (what `cid:` URLs reference)."""

    filename: str
    mime: str
    content: bytes
    content_id: str | None
    inline: bool

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class ParsedEmail:
    mailbox: str  # the receiving mailbox (lower-case), as given to parse_email
    message_id: str  # always "<...>"; synthesized from sha256(raw) when missing
    message_id_synthesized: bool
    in_reply_to: str | None
    references: list[str]  # oldest first, as in the header
    from_address: str  # lower-case; "" when absent/unparseable
    from_name: str
    to: list[str]
    cc: list[str]
    reply_to: list[str]
    subject: str
    date: datetime | None  # aware, UTC; None when absent or garbled
    text: str  # best plain text (text/plain part, else derived from the HTML part)
    html_sanitized: str  # "" when the message has no HTML part
    visible_text: str  # the new content only: quoted history and signature removed
    attachments: list[EmailAttachment]
    auto_submitted: bool  # Auto-Submitted (not "no"), X-Autoreply, X-Autorespond, Precedence: auto_reply
    is_bounce: bool  # DSN (multipart/report; report-type=delivery-status) or mailer-daemon/postmaster
    reply_token: str | None  # the token of a reply+<token>@domain address in To/Cc/Delivered-To
    # Every reason not to answer automatically ("auto-submitted", "precedence:bulk", "list-id", ...).
    autoreply_signals: tuple[str, ...] = ()
    defects: tuple[str, ...] = field(default=(), compare=False)  # parser defects, for diagnostics


@dataclass(frozen=True)
class BounceInfo:
    original_message_id: str | None  # the Message-ID of the message that bounced ("<...>")
    status: str | None  # enhanced status code, e.g. "5.1.1"
    diagnostic: str  # Diagnostic-Code text ("smtp;" prefix removed), or "" when absent
    recipient: str | None  # Final-Recipient/Original-Recipient address, lower-case
    action: str | None  # failed | delayed | delivered | relayed | expanded

    @property
    def permanent(self) -> bool:
        return bool(self.status and self.status.startswith("5")) or self.action == "failed"


# --------------------------------------------------------------------------------------------------
# Low-level decoding helpers
# --------------------------------------------------------------------------------------------------

_ASCII_ALIASES = {"ascii", "us-ascii", "us_ascii", "ansi_x3.4-1968", "646"}
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _valid_charset(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    if not name or name in _ASCII_ALIASES:
        return None
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def _decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode with the declared charset, else UTF-8, else latin-1; never raises."""
    declared = _valid_charset(charset)
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared, errors="replace")
        except LookupError:
            pass
    return data.decode("latin-1")


def _clean_str(value: str) -> str:
    """Fix strings carrying surrogate escapes (8-bit bytes in headers) and drop control characters."""
    if _SURROGATES.search(value):
        try:
            raw = value.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = value.encode("utf-8", "replace")
        value = _decode_bytes(raw, None)
    return _CONTROL_CHARS.sub("", value)


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]*", " ", value).strip()


def _decode_rfc2047(value: str) -> str:
    value = _clean_str(_unfold(value))
    if "=?" not in value:
        return value
    try:
        chunks = decode_header(value)
    except Exception:  # malformed encoded-word: keep it as written
        return value
    out: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            out.append(_decode_bytes(chunk, charset))
        else:
            out.append(chunk)
    return _clean_str("".join(out)).strip()


def _raw_headers(msg: Message, name: str) -> list[str]:
    """Raw (undecoded, unfolded) values of a header; never triggers the policy's header parser."""
    wanted = name.lower()
    out: list[str] = []
    for key, value in msg.raw_items():
        if key.lower() == wanted:
            out.append(_clean_str(_unfold(str(value))))
    return out


def _header(msg: Message, name: str) -> str:
    values = _raw_headers(msg, name)
    return _decode_rfc2047(values[0]) if values else ""


def _has_header(msg: Message, name: str) -> bool:
    return bool(_raw_headers(msg, name))


_MSGID_RE = re.compile(r"<([^<>\s]+)>")


def normalize_message_id(value: str | None) -> str | None:
    """`<id@host>` from a header value (first id found); bare ids get angle brackets."""
    if not value:
        return None
    match = _MSGID_RE.search(value)
    if match:
        return f"<{match.group(1)}>"
    token = value.strip().strip("<>").strip()
    if token and not re.search(r"\s", token):
        return f"<{token}>"
    return None


def _message_id_list(value: str) -> list[str]:
    ids = [f"<{m}>" for m in _MSGID_RE.findall(value)]
    if not ids:
        ids = [f"<{tok.strip('<>')}>" for tok in value.split() if tok.strip("<>") and "@" in tok]
    seen: set[str] = set()
    out: list[str] = []
    for mid in ids:
        if mid not in seen:
            seen.add(mid)
            out.append(mid)
    return out


def _addresses(msg: Message, *names: str) -> list[tuple[str, str]]:
    """(display name decoded, address as written) pairs from the given headers."""
    raw_values: list[str] = []
    for name in names:
        raw_values.extend(_raw_headers(msg, name))
    if not raw_values:
        return []
    try:
        pairs = getaddresses(raw_values)
    except Exception:
        pairs = []
    out: list[tuple[str, str]] = []
    for display, addr in pairs:
        addr = addr.strip()
        if not addr or "@" not in addr:
            # a bare address without "@" is no use to us; getaddresses returns ('', '') on failure
            continue
        out.append((_decode_rfc2047(display), addr))
    if not out:
        # last resort: anything that looks like an address
        for value in raw_values:
            for addr in re.findall(r"[\w.+=-]+@[\w.-]+\.\w+", value):
                out.append(("", addr))
    return out


def _parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


_REPLY_TOKEN_RE = re.compile(r"^([^@+\s]+)\+([A-Za-z0-9._=-]+)@[A-Za-z0-9.-]+$", re.IGNORECASE)


def _find_reply_token(addresses: list[str], mailbox: str) -> str | None:
    """The token of `reply+<token>@…` or of the mailbox's own plus address
    (`support+<token>@…`, delivered to the mailbox by plus addressing). Other plus addresses
    (a customer's `ana+news@…` in Cc) are not ours."""
    own_locals = {"reply", mailbox.partition("@")[0].lower()} - {""}
    for addr in addresses:
        match = _REPLY_TOKEN_RE.match(addr.strip())
        if match and match.group(1).lower() in own_locals:
            return match.group(2)
    return None


# --------------------------------------------------------------------------------------------------
# MIME walking
# --------------------------------------------------------------------------------------------------


def _part_payload(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    if isinstance(raw, str):
        return _clean_str(raw).encode("utf-8", "replace")
    return b""


def _part_charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:
        return None


def _part_text(part: Message) -> str:
    text = _decode_bytes(_part_payload(part), _part_charset(part))
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


def _content_id(part: Message) -> str | None:
    raw = _header(part, "Content-ID")
    cid = raw.strip().strip("<>").strip()
    return cid or None


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if not name:
        try:
            name = part.get_param("name", header="content-type")  # type: ignore[assignment]
        except Exception:
            name = None
        if isinstance(name, tuple):  # RFC 2231 triple
            charset, _lang, value = name
            name = _decode_bytes(value.encode("latin-1", "replace"), charset or "utf-8")
    if not isinstance(name, str) or not name:
        return ""
    name = _decode_rfc2047(name)
    # never let a filename carry a path
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()


def _disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:
        return None


def _message_bytes(part: Message) -> bytes:
    payload = part.get_payload()
    try:
        if isinstance(payload, list) and payload:
            return b"\n".join(p.as_bytes() for p in payload if isinstance(p, Message))
        return part.as_bytes()
    except Exception:
        return _part_payload(part)


@dataclass
class _Collected:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[EmailAttachment] = field(default_factory=list)


def _walk(part: Message, out: _Collected, depth: int = 0) -> None:
    if depth > 50:  # pathological nesting
        return
    ctype = _content_type(part)
    maintype = ctype.split("/", 1)[0]
    disposition = _disposition(part)
    if maintype == "message" or ctype == "text/rfc822-headers":
        # an attached/forwarded message or a DSN part: kept whole as an attachment, never as body
        filename = _filename(part) or ("message.eml" if ctype == "message/rfc822" else _default_name(ctype, out))
        content = _message_bytes(part) if maintype == "message" else _part_payload(part)
        out.attachments.append(EmailAttachment(filename, ctype, content, _content_id(part), False))
        return
    if part.is_multipart():
        payload = part.get_payload()
        if isinstance(payload, list):
            for sub in payload:
                if isinstance(sub, Message):
                    _walk(sub, out, depth + 1)
        return
    filename = _filename(part)
    content_id = _content_id(part)
    if maintype == "multipart":
        # declared multipart but no usable boundary: best effort, treat the body as text
        out.plain.append(_part_text(part))
        return
    is_attachment = disposition == "attachment" or bool(filename)
    if ctype in ("text/plain", "text/html") and not is_attachment:
        (out.plain if ctype == "text/plain" else out.html).append(_part_text(part))
        return
    if ctype in ("text/enriched", "text/richtext", "text/x-plain") and not is_attachment and not content_id:
        out.plain.append(_part_text(part))  # legacy plain-ish bodies
        return
    inline = disposition == "inline" or (disposition is None and content_id is not None)
    out.attachments.append(
        EmailAttachment(filename or _default_name(ctype, out), ctype, _part_payload(part), content_id, inline)
    )


def _default_name(ctype: str, out: _Collected) -> str:
    ext = mimetypes.guess_extension(ctype) or ".bin"
    return f"attachment-{len(out.attachments) + 1}{ext}"


# --------------------------------------------------------------------------------------------------
# HTML: sanitizer and text extraction (html.parser based)
# --------------------------------------------------------------------------------------------------

_ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "address", "b", "big", "blockquote", "br", "caption", "center", "cite", "code",
        "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
        "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "tt", "u", "ul", "var",
    }
)  # fmt: skip
_VOID_TAGS = frozenset({"br", "hr", "img", "col"})
# dropped together with everything inside them
_DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "applet", "noscript", "noembed",
        "noframes", "template", "title", "svg", "math", "textarea", "select", "button", "option",
    }
)  # fmt: skip
_GLOBAL_ATTRS = frozenset({"title", "dir", "lang", "align"})
_TAG_ATTRS: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "name"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": frozenset({"colspan", "rowspan", "valign", "width"}),
    "th": frozenset({"colspan", "rowspan", "valign", "width", "scope"}),
    "table": frozenset({"border", "cellpadding", "cellspacing", "width", "summary"}),
    "col": frozenset({"span", "width"}),
    "colgroup": frozenset({"span", "width"}),
    "ol": frozenset({"start", "type"}),
    "font": frozenset({"color", "size", "face"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
}
_URL_ATTRS = frozenset({"href", "src", "cite"})
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_IMG_SCHEMES = frozenset({"http", "https", "cid"})
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")


def _safe_url(value: str, *, image: bool) -> str | None:
    compact = _URL_JUNK.sub("", value)
    match = _SCHEME_RE.match(compact)
    if not match:
        return None  # relative URLs mean nothing in an e-mail (no base), and hide scheme tricks
    scheme = match.group(1).lower()
    allowed = _IMG_SCHEMES if image else _LINK_SCHEMES
    if scheme not in allowed:
        return None
    return value.strip()


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.open_count: dict[str, int] = {}  # O(1) "is this tag open?" on deeply nested input
        self.skip: list[str] = []

    def _push(self, tag: str) -> None:
        self.open.append(tag)
        self.open_count[tag] = self.open_count.get(tag, 0) + 1

    def _pop(self) -> str:
        tag = self.open.pop()
        self.open_count[tag] -= 1
        return tag

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        allowed = _GLOBAL_ATTRS | _TAG_ATTRS.get(tag, frozenset())
        parts: list[str] = []
        for name, value in attrs:
            name = name.lower()
            if name not in allowed or name.startswith("on"):
                continue
            value = value or ""
            if name in _URL_ATTRS:
                safe = _safe_url(value, image=(tag == "img" and name == "src"))
                if safe is None:
                    continue
                value = safe
            parts.append(f' {name}="{html.escape(value, quote=True)}"')
        if tag == "a" and any(n.lower() == "href" for n, _ in attrs) and ' href="' in "".join(parts):
            parts.append(' rel="noopener noreferrer nofollow"')
        return "".join(parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if self.skip:
            if tag == self.skip[-1] or tag in _DROP_WITH_CONTENT - {"frame", "option"}:
                self.skip.append(tag)
            return
        if tag in _DROP_WITH_CONTENT:
            self.skip.append(tag)
            return
        if tag not in _ALLOWED_TAGS:
            return
        if tag == "img" and not any(n.lower() == "src" and v and _safe_url(v, image=True) for n, v in attrs):
            return  # an image without a usable source is only a tracking/attack vector
        self.out.append(f"<{tag}{self._attrs(tag, attrs)}>")
        if tag not in _VOID_TAGS:
            self._push(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if self.skip or tag in _DROP_WITH_CONTENT:
            return
        if tag in _VOID_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if self.skip:
            if tag in self.skip:  # close up to the matching element (tolerates unclosed inner ones)
                while self.skip and self.skip.pop() != tag:
                    pass
            return
        if tag in _VOID_TAGS or not self.open_count.get(tag):
            return
        while self.open:
            top = self._pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(html.escape(data, quote=False))

    # comments, doctype, processing instructions, CDATA/conditional comments: dropped
    def handle_comment(self, data: str) -> None:
        return

    def handle_decl(self, decl: str) -> None:
        return

    def handle_pi(self, data: str) -> None:
        return

    def unknown_decl(self, data: str) -> None:
        return

    def result(self) -> str:
        while self.open:
            self.out.append(f"</{self._pop()}>")
        return "".join(self.out).strip()


def sanitize_html(source: str) -> str:
    """Allow-list sanitizer: basic formatting tags, http/https/mailto links, http/https/cid images.
    Scripts, styles, iframes, objects, forms, event handlers and javascript: URLs are removed."""
    parser = _Sanitizer()
    try:
        parser.feed(_clean_str(source))
        parser.close()
    except Exception:  # html.parser is lenient, but never let garbage escape as an exception
        return parser.result()
    return parser.result()


_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
        "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_TEXT_SKIP = frozenset(
    {
        "script", "style", "head", "title", "noscript", "template", "svg", "object", "iframe", "button",
        "select", "textarea",
    }
)  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self.current: list[str] = []
        self.current_depth = 0
        self.quote_depth = 0
        self.skip = 0
        self.pre = 0

    def _break(self) -> None:
        self.lines.append((self.current_depth, "".join(self.current)))
        self.current = []
        self.current_depth = self.quote_depth

    def _write(self, text: str) -> None:
        if not self.current:
            self.current_depth = self.quote_depth
        self.current.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _TEXT_SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            self._break()
        elif tag in _BLOCK_TAGS:
            if self.current:
                self._break()
            if tag == "blockquote":
                self.quote_depth += 1
                self.current_depth = self.quote_depth
            elif tag == "li":
                self._write("- ")
            elif tag == "pre":
                self.pre += 1
        elif tag == "img":
            alt = next((v for n, v in attrs if n.lower() == "alt" and v), "")
            if alt:
                self._write(f"[{alt}]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() in ("br", "hr", "img"):
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _TEXT_SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in _BLOCK_TAGS:
            if self.current:
                self._break()
            if tag in ("p", "div", "table", "blockquote", "ul", "ol") or tag.startswith("h"):
                self.lines.append((self.quote_depth, ""))
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
                self.current_depth = self.quote_depth
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)
            elif tag in ("td", "th"):
                pass

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            chunks = data.split("\n")
            for i, chunk in enumerate(chunks):
                if i:
                    self._break()
                if chunk:
                    self._write(chunk)
            return
        text = re.sub(r"\s+", " ", data)
        if text.strip() or (self.current and text):
            self._write(text)

    def result(self) -> str:
        if self.current:
            self._break()
        rendered: list[str] = []
        for depth, line in self.lines:
            line = line.replace("\xa0", " ").strip()
            prefix = "> " * depth if depth else ""
            rendered.append((prefix + line).rstrip() if line or depth else "")
        text = "\n".join(rendered)
        text = re.sub(r"\n{3,}", "\n\n", text)
        return text.strip("\n").strip()


def html_to_text(source: str) -> str:
    """Readable plain text from HTML; blockquotes become "> " lines (so quote stripping works)."""
    parser = _TextExtractor()
    try:
        parser.feed(_clean_str(source))
        parser.close()
    except Exception:  # best effort: keep what was extracted so far
        return parser.result()
    return parser.result()


# --------------------------------------------------------------------------------------------------
# Quoted history and signature stripping
# --------------------------------------------------------------------------------------------------

_ATTRIBUTION_RE = re.compile(
    r"^\s*(?:on|em|el|le|am|op|il)\s.{0,400}?"
    r"(?:wrote|escreveu|escribió|escribio|a écrit|schrieb|schreef|ha scritto)\s*:?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_ORIGINAL_MESSAGE_RE = re.compile(
    r"^\s*-{2,}\s*(?:original message|mensagem original|mensaje original|message d'origine|"
    r"ursprüngliche nachricht)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_OUTLOOK_FROM_RE = re.compile(r"^\s*\**\s*(?:from|de|von|da)\s*:", re.IGNORECASE)
_OUTLOOK_SENT_RE = re.compile(
    r"^\s*\**\s*(?:sent|date|enviado|enviada|enviado el|enviada em|data|fecha|gesendet|envoyé|inviato)\b[^:]{0,20}:",
    re.IGNORECASE,
)
_SEPARATOR_RE = re.compile(r"^\s*[_\-=*]{5,}\s*$")
_MOBILE_SIGNATURE_RE = re.compile(
    r"^\s*(?:sent from my|enviado do meu|enviado de meu|enviado desde mi|get outlook for|obtenha o outlook)\b",
    re.IGNORECASE,
)


_FORWARD_MARKER_RE = re.compile(
    r"^\s*-*\s*(?:forwarded message|mensagem encaminhada|mensaje reenviado|begin forwarded message|"
    r"message transféré)\s*:?\s*-*\s*$",
    re.IGNORECASE,
)


def _after_forward_marker(lines: list[str], index: int) -> bool:
    """A From:/Date: header block right after "Forwarded message" is forwarded content, not history."""
    for line in reversed(lines[max(0, index - 3) : index]):
        if line.strip():
            return bool(_FORWARD_MARKER_RE.match(line))
    return False


def _history_start(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(">"):
            continue
        if _ORIGINAL_MESSAGE_RE.match(stripped):
            return i
        # attributions wrap over up to three lines in plain-text parts
        for span in (1, 2, 3):
            if i + span > len(lines):
                break
            candidate = " ".join(part.strip() for part in lines[i : i + span])
            if _ATTRIBUTION_RE.match(candidate):
                return i
        if _OUTLOOK_FROM_RE.match(stripped) and not _after_forward_marker(lines, i):
            window = lines[i + 1 : i + 6]
            if any(_OUTLOOK_SENT_RE.match(w.strip()) for w in window):
                return i
    return None


def strip_quoted_text(text: str) -> str:
    """The new content of a reply: quoted history (">" lines, "On … wrote:", "Em … escreveu:",
    "El … escribió:", Outlook "-----Original Message-----" / "De:"+"Enviado:" headers and everything
    after them) and the signature after "-- " removed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = _history_start(lines)
    if start is not None:
        head = lines[:start]
        has_new_text = any(line.strip() and not line.lstrip().startswith(">") for line in head)
        # bottom-posted/interleaved reply (nothing above the attribution): drop only the attribution
        lines = head if has_new_text else lines[start + 1 :]
    lines = [line for line in lines if not line.lstrip().startswith(">")]
    for i, line in enumerate(lines):
        if line in ("-- ", "--"):
            lines = lines[:i]
            break
    while lines and (not lines[-1].strip() or _SEPARATOR_RE.match(lines[-1])):
        lines.pop()
    if lines and _MOBILE_SIGNATURE_RE.match(lines[-1]):
        lines.pop()
        while lines and not lines[-1].strip():
            lines.pop()
    return "\n".join(line.rstrip() for line in lines).strip()


# --------------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------------

_BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"})


def _report_type(msg: Message) -> str | None:
    if _content_type(msg) != "multipart/report":
        return None
    try:
        value = msg.get_param("report-type", header="content-type")
    except Exception:
        value = None
    if isinstance(value, tuple):
        value = value[2]
    return str(value).strip().lower() if value else ""


def _is_bounce(msg: Message, from_address: str) -> bool:
    if _report_type(msg) == "delivery-status":
        return True
    if _has_header(msg, "X-Failed-Recipients"):
        return True
    local = from_address.split("@", 1)[0]
    return local in _BOUNCE_SENDERS


def _autoreply_signals(msg: Message, from_address: str, mailbox: str, is_bounce: bool) -> tuple[str, ...]:
    signals: list[str] = []
    auto = _header(msg, "Auto-Submitted").split(";", 1)[0].strip().lower()
    if auto and auto != "no":
        signals.append(f"auto-submitted:{auto}")
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Loop"):
        if _has_header(msg, name):
            signals.append(name.lower())
    precedence = _header(msg, "Precedence").strip().lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        signals.append(f"precedence:{precedence}")
    for name in ("List-Id", "List-Unsubscribe", "List-Post"):
        if _has_header(msg, name):
            signals.append(name.lower())
    suppress = _header(msg, "X-Auto-Response-Suppress").lower()
    if "all" in suppress or "oof" in suppress:
        signals.append("x-auto-response-suppress")
    if _raw_headers(msg, "Return-Path") and all(v.strip() in ("<>", "") for v in _raw_headers(msg, "Return-Path")):
        signals.append("null-return-path")
    report = _report_type(msg)
    if report is not None:
        signals.append(f"report:{report or 'unknown'}")
    if is_bounce:
        signals.append("bounce")
    if mailbox and from_address == mailbox:
        signals.append("from-self")
    return tuple(dict.fromkeys(signals))


def _is_auto_submitted(signals: tuple[str, ...]) -> bool:
    return any(
        s.startswith("auto-submitted:")
        or s in ("x-autoreply", "x-autorespond", "x-autoresponder")
        or s == "precedence:auto_reply"
        for s in signals
    )


def _parse_message(raw: bytes) -> EmailMessage:
    msg = message_from_bytes(raw, policy=policy.default)
    return msg  # policy.default always builds EmailMessage


def parse_email(raw: bytes, *, mailbox: str) -> ParsedEmail:
    """Parse raw RFC 5322 bytes. Raises ValueError only for an empty input."""
    if not raw or not raw.strip():
        raise ValueError("empty e-mail")
    msg = _parse_message(raw)

    message_id = normalize_message_id(_header(msg, "Message-ID"))
    synthesized = message_id is None
    if message_id is None:
        message_id = f"<{hashlib.sha256(raw).hexdigest()}@{SYNTHETIC_ID_DOMAIN}>"
    in_reply_to = normalize_message_id(_header(msg, "In-Reply-To"))
    references = _message_id_list(" ".join(_raw_headers(msg, "References")))

    senders = _addresses(msg, "From") or _addresses(msg, "Sender")
    from_name, from_raw = senders[0] if senders else ("", "")
    from_address = from_raw.lower()
    to_pairs = _addresses(msg, "To")
    cc_pairs = _addresses(msg, "Cc")
    token_sources = [
        a for _, a in to_pairs + cc_pairs + _addresses(msg, "Delivered-To", "X-Original-To", "Envelope-To")
    ]

    collected = _Collected()
    _walk(msg, collected)
    plain = "\n".join(p for p in collected.plain if p.strip()).strip()
    html_source = "\n".join(collected.html)
    text = plain or (html_to_text(html_source) if html_source.strip() else "")
    mailbox_norm = mailbox.strip().lower()
    bounce = _is_bounce(msg, from_address)
    signals = _autoreply_signals(msg, from_address, mailbox_norm, bounce)

    return ParsedEmail(
        mailbox=mailbox_norm,
        message_id=message_id,
        message_id_synthesized=synthesized,
        in_reply_to=in_reply_to,
        references=references,
        from_address=from_address,
        from_name=from_name,
        to=[a.lower() for _, a in to_pairs],
        cc=[a.lower() for _, a in cc_pairs],
        reply_to=[a.lower() for _, a in _addresses(msg, "Reply-To")],
        subject=_header(msg, "Subject"),
        date=_parse_date(_header(msg, "Date")),
        text=text,
        html_sanitized=sanitize_html(html_source) if html_source.strip() else "",
        visible_text=strip_quoted_text(text),
        attachments=collected.attachments,
        auto_submitted=_is_auto_submitted(signals),
        is_bounce=bounce,
        reply_token=_find_reply_token(token_sources, mailbox_norm),
        autoreply_signals=signals,
        defects=tuple(type(d).__name__ for d in msg.defects),
    )


def should_not_autoreply(parsed: ParsedEmail) -> bool:
    """True when an automatic answer (acknowledgement, CSAT, out-of-hours) must not be sent:
    auto-submitted/auto-replies, bulk/list/junk precedence, X-Loop, mailing lists, bounces/DSNs,
    MDNs, null return path, or a message from our own mailbox."""
    return parsed.auto_submitted or parsed.is_bounce or bool(parsed.autoreply_signals)


def thread_keys(parsed: ParsedEmail) -> list[str]:
    """Message-IDs to look the conversation up by, best first: In-Reply-To, then References newest first."""
    keys: list[str] = []
    candidates = ([parsed.in_reply_to] if parsed.in_reply_to else []) + list(reversed(parsed.references))
    for key in candidates:
        if key and key != parsed.message_id and key not in keys:
            keys.append(key)
    return keys


# --------------------------------------------------------------------------------------------------
# Bounces
# --------------------------------------------------------------------------------------------------

_STATUS_RE = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")


def _dsn_fields(part: Message) -> list[tuple[str, str]]:
    """(lower-case name, value) pairs from a message/delivery-status part, however it was parsed."""
    fields: list[tuple[str, str]] = []
    payload = part.get_payload()
    if isinstance(payload, list):
        for block in payload:
            if isinstance(block, Message):
                fields.extend((k.lower(), _clean_str(_unfold(str(v)))) for k, v in block.raw_items())
        if fields:
            return fields
    text = _part_text(part) if not isinstance(payload, list) else ""
    unfolded = re.sub(r"\n[ \t]+", " ", text)
    for line in unfolded.split("\n"):
        if ":" in line:
            name, _, value = line.partition(":")
            fields.append((name.strip().lower(), value.strip()))
    return fields


def _body_after_headers(raw: bytes) -> str:
    text = _decode_bytes(raw, None).replace("\r\n", "\n")
    _, _, body = text.partition("\n\n")
    return body


def bounce_details(raw: bytes) -> BounceInfo | None:
    """For a delivery-status notification: the original Message-ID, status code and diagnostic."""
    if not raw or not raw.strip():
        return None
    msg = _parse_message(raw)
    senders = _addresses(msg, "From")
    from_address = senders[0][1].lower() if senders else ""
    if not _is_bounce(msg, from_address):
        return None

    original_id: str | None = None
    status: str | None = None
    diagnostic = ""
    recipient: str | None = None
    action: str | None = None
    texts: list[str] = []

    for part in msg.walk():
        ctype = _content_type(part)
        if ctype == "message/delivery-status":
            for name, value in _dsn_fields(part):
                if name == "status" and status is None:
                    found = _STATUS_RE.search(value)
                    status = found.group(1) if found else None
                elif name == "diagnostic-code" and not diagnostic:
                    diagnostic = re.sub(r"^\s*(?:smtp|x-[\w-]+)\s*;\s*", "", value, flags=re.IGNORECASE).strip()
                elif name in ("final-recipient", "original-recipient") and recipient is None:
                    recipient = value.split(";", 1)[-1].strip().strip("<>").lower() or None
                elif name == "action" and action is None:
                    action = value.strip().lower() or None
        elif ctype in ("message/rfc822", "message/global", "message/rfc822-headers") and original_id is None:
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                original_id = normalize_message_id(_header(inner[0], "Message-ID"))
            if original_id is None:
                found_id = re.search(r"(?im)^message-id:\s*(<[^>\s]+>)", _decode_bytes(_message_bytes(part), None))
                original_id = found_id.group(1) if found_id else None
        elif ctype == "text/rfc822-headers" and original_id is None:
            headers_msg = message_from_bytes(_part_payload(part), policy=policy.default)
            original_id = normalize_message_id(_header(headers_msg, "Message-ID"))
        elif ctype == "text/plain" and not part.is_multipart():
            texts.append(_part_text(part))

    body = _body_after_headers(raw)
    if original_id is None:
        found_id = re.search(r"(?im)^\s*message-id:\s*(<[^>\s]+>)", body)
        original_id = found_id.group(1) if found_id else None
    if status is None:
        found = _STATUS_RE.search("\n".join(texts) or body)
        status = found.group(1) if found else None
    if not diagnostic and texts:
        diagnostic = next((t.strip() for t in texts if t.strip()), "")[:1000]
    return BounceInfo(
        original_message_id=original_id,
        status=status,
        diagnostic=diagnostic,
        recipient=recipient,
        action=action,
    )


# --------------------------------------------------------------------------------------------------
# Replies
# --------------------------------------------------------------------------------------------------

_REPLY_PREFIX_RE = re.compile(
    r"^\s*(?:(?:re|res|aw|sv|antw|vs|odp)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(r"^[A-Za-z0-9._=-]+$")
_LOCAL_RE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
_DOMAIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def reply_subject(subject: str) -> str:
    """ "Re: <subject>" without stacking prefixes ("RE:", "Res:", "Re[2]:", "AW:" …)."""
    base = _REPLY_PREFIX_RE.sub("", re.sub(r"[\r\n]+", " ", subject or "")).strip()
    return f"Re: {base}" if base else "Re:"


def _no_newlines(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"{name} must not contain line breaks")
    return value.strip()


def _address(label: str, addr_spec: str, display_name: str = "") -> Address:
    try:
        return Address(display_name=display_name, addr_spec=addr_spec)
    except Exception as exc:  # HeaderParseError/IndexError on malformed addresses
        raise ValueError(f"invalid {label}: {addr_spec!r}") from exc


def build_reply(
    *,
    from_address: str,
    from_name: str,
    to_address: str,
    subject: str,
    body_text: str,
    in_reply_to: str | None,
    references: list[str],
    reply_token: str,
    domain: str,
    automatic: bool = False,
    now: datetime | None = None,
    reply_local_part: str = "reply",
    message_id: str | None = None,
) -> EmailMessage:
    """Our outbound reply: own Message-ID (`message_id`, else `<uuid@domain>`), threading
    headers, `Reply-To: <reply_local_part>+<token>@<domain>` and `Auto-Submitted:
    auto-replied` when `automatic`."""
    domain = _no_newlines("domain", domain).lower()
    if not _DOMAIN_RE.match(domain):
        raise ValueError("invalid domain")
    if not _TOKEN_RE.match(reply_token or ""):
        raise ValueError("invalid reply token")
    from_address = _no_newlines("from_address", from_address)
    to_address = _no_newlines("to_address", to_address)
    from_name = re.sub(r"[\r\n]+", " ", from_name or "").strip()

    parent = normalize_message_id(in_reply_to)
    refs: list[str] = []
    for ref in references:
        mid = normalize_message_id(ref)
        if mid and mid not in refs:
            refs.append(mid)
    if parent:
        if parent in refs:
            refs.remove(parent)
        refs.append(parent)
    if len(refs) > MAX_REFERENCES:
        refs = [refs[0], *refs[-(MAX_REFERENCES - 1) :]]  # keep the thread root (RFC 5322 §3.6.4)

    msg = EmailMessage()
    own_id = normalize_message_id(message_id) if message_id else None
    msg["Message-ID"] = own_id or f"<{uuid.uuid4().hex}@{domain}>"
    msg["Date"] = format_datetime((now or datetime.now(UTC)).astimezone(UTC))
    msg["From"] = _address("from_address", from_address, from_name)
    msg["To"] = _address("to_address", to_address)
    if not _LOCAL_RE.match(reply_local_part or ""):
        raise ValueError("invalid reply local part")
    msg["Reply-To"] = f"{reply_local_part}+{reply_token}@{domain}"
    msg["Subject"] = reply_subject(subject)
    if parent:
        msg["In-Reply-To"] = parent
    if refs:
        msg["References"] = " ".join(refs)
    if automatic:
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    body = body_text.replace("\r\n", "\n").replace("\r", "\n")
    if not body.endswith("\n"):
        body += "\n"
    msg.set_content(body, charset="utf-8")
    return msg
