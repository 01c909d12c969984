"""What an upload really is, read from its first bytes (magic numbers), never from the client's
word: the declared MIME type and the extension only break ties inside one container family
(MP4 audio or video, WebM audio or video, which legacy Office document an OLE2 file is, CSV or
plain text).

`sniff` names what it recognises, allowed or not (`text/html`, `application/x-msdownload`, …);
`ALLOWED` is the allow list: what may be stored, under which extensions, and whether a browser
may show it in place.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Enough for every signature below, and for the first entries of an Office (zip) document.
HEAD_BYTES = 64 * 1024

OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class FileType:
    mime: str
    extensions: tuple[str, ...]  # the first is the canonical one
    inline: bool  # safe for a browser to render in place (never for anything that runs script)


_TYPES = [
    # Images a browser renders without running anything (SVG is XML with script: not here).
    FileType("image/jpeg", ("jpg", "jpeg", "jpe", "jfif"), inline=True),
    FileType("image/png", ("png",), inline=True),
    FileType("image/gif", ("gif",), inline=True),
    FileType("image/webp", ("webp",), inline=True),
    FileType("image/avif", ("avif",), inline=True),
    FileType("image/bmp", ("bmp",), inline=True),
    FileType("image/heic", ("heic",), inline=False),
    FileType("image/heif", ("heif",), inline=False),
    FileType("image/tiff", ("tif", "tiff"), inline=False),
    # Documents.
    FileType("application/pdf", ("pdf",), inline=True),
    FileType("application/rtf", ("rtf",), inline=False),
    FileType("application/msword", ("doc", "dot"), inline=False),
    FileType("application/vnd.ms-excel", ("xls", "xlt"), inline=False),
    FileType("application/vnd.ms-powerpoint", ("ppt", "pps", "pot"), inline=False),
    FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), inline=False),
    FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), inline=False),
    FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",), inline=False),
    FileType("application/vnd.oasis.opendocument.text", ("odt",), inline=False),
    FileType("application/vnd.oasis.opendocument.spreadsheet", ("ods",), inline=False),
    FileType("application/vnd.oasis.opendocument.presentation", ("odp",), inline=False),
    FileType("text/plain", ("txt", "text", "log", "md", "json"), inline=False),
    FileType("text/csv", ("csv",), inline=False),
    FileType("text/vcard", ("vcf", "vcard"), inline=False),
    FileType("text/calendar", ("ics",), inline=False),
    FileType("application/zip", ("zip",), inline=False),
    # Audio (voice notes from WhatsApp/Telegram are Ogg/Opus, AMR or AAC/MP4).
    FileType("audio/mpeg", ("mp3",), inline=True),
    FileType("audio/aac", ("aac",), inline=True),
    FileType("audio/mp4", ("m4a", "mp4"), inline=True),
    FileType("audio/ogg", ("ogg", "oga", "opus"), inline=True),
    FileType("audio/wav", ("wav",), inline=True),
    FileType("audio/webm", ("weba", "webm"), inline=True),
    FileType("audio/flac", ("flac",), inline=True),
    FileType("audio/amr", ("amr",), inline=True),
    FileType("audio/3gpp", ("3gp", "3gpp"), inline=True),
    # Video.
    FileType("video/mp4", ("mp4", "m4v"), inline=True),
    FileType("video/quicktime", ("mov", "qt"), inline=True),
    FileType("video/webm", ("webm",), inline=True),
    FileType("video/x-matroska", ("mkv",), inline=True),
    FileType("video/3gpp", ("3gp", "3gpp"), inline=True),
    FileType("video/ogg", ("ogv",), inline=True),
]

ALLOWED: dict[str, FileType] = {t.mime: t for t in _TYPES}

_OOXML_PARTS = (
    (b"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (b"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)
_OLE2_BY_EXTENSION = {
    **dict.fromkeys(("doc", "dot"), "application/msword"),
    **dict.fromkeys(("xls", "xlt"), "application/vnd.ms-excel"),
    **dict.fromkeys(("ppt", "pps", "pot"), "application/vnd.ms-powerpoint"),
}
_HEIF_BRANDS = {b"heic": "image/heic", b"heix": "image/heic", b"hevc": "image/heic", b"hevx": "image/heic"}
_HEIF_BRANDS |= {b"heim": "image/heic", b"heis": "image/heic", b"mif1": "image/heif", b"msf1": "image/heif"}
_EXECUTABLES = (
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-executable"),
    (b"\xfe\xed\xfa\xce", "application/x-mach-binary"),
    (b"\xfe\xed\xfa\xcf", "application/x-mach-binary"),
    (b"\xce\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xcf\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xca\xfe\xba\xbe", "application/java-vm"),
)
# What browsers sniff as HTML (WHATWG MIME sniffing, "identify an unknown MIME type").
_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|!--|meta|link"
    rb"|object|embed|form|img|svg|math)[\s/>]",
    re.IGNORECASE,
)
# Bytes that do not occur in text files (NUL and the C0 controls other than \t \n \f \r ESC).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def extension_of(name: str) -> str:
    """The lower-case extension of a file name, without the dot ('' when none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def sniff(head: bytes, *, name: str = "", declared_mime: str | None = None) -> str | None:
    """The MIME type of a file starting with `head`; None when it is not recognised."""
    ext = extension_of(name)
    hint = (declared_mime or "").split(";")[0].strip().lower()
    wants_audio = hint.startswith("audio/") or ext in {"m4a", "aac", "weba", "oga", "opus"}
    return (
        _sniff_image(head)
        or _sniff_container(head, ext, wants_audio)
        or _sniff_audio(head)
        or _sniff_document(head, ext)
        or _sniff_executable(head)
        or _sniff_text(head, ext, hint)
    )


def _sniff_image(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"BM") and len(head) >= 14 and head[6:10] == b"\0\0\0\0":
        return "image/bmp"
    if head.startswith((b"II*\0", b"MM\0*")):
        return "image/tiff"
    return None


def _sniff_container(head: bytes, ext: str, wants_audio: bool) -> str | None:
    """ISO base media (MP4, MOV, 3GP, HEIF, AVIF), Matroska/WebM, RIFF WAVE, Ogg."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        box_size = int.from_bytes(head[0:4], "big")
        compatible = head[16 : max(16, min(box_size, 64))]
        if brand in (b"avif", b"avis") or (brand in (b"mif1", b"msf1") and b"avif" in compatible):
            return "image/avif"
        if brand in _HEIF_BRANDS:
            return _HEIF_BRANDS[brand]
        if brand in (b"M4A ", b"M4B ", b"M4P "):
            return "audio/mp4"
        if brand == b"qt  ":
            return "video/quicktime"
        if brand.startswith(b"3g"):
            return "audio/3gpp" if wants_audio else "video/3gpp"
        return "audio/mp4" if wants_audio else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        if b"webm" in head[:64]:
            return "audio/webm" if wants_audio else "video/webm"
        return "video/x-matroska"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"OggS"):
        return "video/ogg" if b"\x80theora" in head[:128] else "audio/ogg"
    return None


def _sniff_audio(head: bytes) -> str | None:
    if head.startswith(b"ID3"):
        return "audio/mpeg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:  # 12-bit sync, layer 00: AAC in ADTS frames
            return "audio/aac"
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06:  # 11-bit sync, a real MPEG layer
            return "audio/mpeg"
    return None


def _sniff_document(head: bytes, ext: str) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE2 holds .doc/.xls/.ppt but also .msi and .msg: only the Office extensions pass.
        return _OLE2_BY_EXTENSION.get(ext, "application/x-ole-storage")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(head)
    return None


def _sniff_zip(head: bytes) -> str:
    # OpenDocument: the first entry is an uncompressed file "mimetype" holding the type.
    if head[30:38] == b"mimetype":
        match = re.match(rb"application/vnd\.oasis\.opendocument\.[a-z.-]+", head[38:128])
        if match:
            return match.group().decode()
    # Office Open XML: [Content_Types].xml plus a part folder naming the application.
    if b"[Content_Types].xml" in head:
        for part, mime in _OOXML_PARTS:
            if part in head:
                return mime
    return "application/zip"


def _sniff_executable(head: bytes) -> str | None:
    for magic, mime in _EXECUTABLES:
        if head.startswith(magic):
            return mime
    return None


def _sniff_text(head: bytes, ext: str, hint: str) -> str | None:
    if _BINARY_BYTES.search(head):
        return None
    # UTF-8 or legacy 8-bit text (Windows-1252 CSV exports) alike: no control bytes is enough.
    start = head.removeprefix(codecs.BOM_UTF8).lstrip()[:1024]
    lowered = start.lower()
    if lowered.startswith((b"<?xml", b"<svg")):
        return "image/svg+xml" if b"<svg" in head.lower() else "application/xml"
    if _HTML_START.match(start):
        return "text/html"
    if lowered.startswith(b"begin:vcard"):
        return "text/vcard"
    if lowered.startswith(b"begin:vcalendar"):
        return "text/calendar"
    if ext == "csv" or hint in ("text/csv", "application/csv"):
        return "text/csv"
    return "text/plain"
