"""Attachment storage: uploads are checked, streamed to the `attachments` storage and handed out
through expiring links.

The `attachments` alias of `STORAGES` is either the local filesystem (`STORAGE_BACKEND=local`,
files under MEDIA_ROOT, links `/files/<signed token>` served by `atendo.core.storage.views`) or
an S3-compatible bucket (`STORAGE_BACKEND=s3`, presigned GET links). Keys are
`tenants/{tenant_id}/attachments/{uuid4}/{safe_name}`; callers keep the returned `StoredFile`
(or its key, name and mime) and must only ever hand out keys of their own tenant
(`key_belongs_to`).

Nothing here imports the API layer, so services may use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import IO, Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from atendo.core.errors import ApplicationError, NotFoundError, PayloadTooLargeError, PermissionDeniedError
from atendo.core.storage.sniff import ALLOWED, HEAD_BYTES, OCTET_STREAM, FileType, extension_of, sniff

__all__ = [
    "ALLOWED",
    "FileLinkExpiredError",
    "FileLinkInvalidError",
    "FileTypeNotAllowedError",
    "LocalFileLink",
    "StoredFile",
    "content_disposition",
    "delete_stored",
    "download_url",
    "key_belongs_to",
    "open_stored",
    "read_local_token",
    "safe_name",
    "served_mime",
    "store_upload",
]

STORAGE_ALIAS = "attachments"
MAX_NAME_CHARS = 120
MAX_NAME_BYTES = 240  # filesystems cap a path component at 255 bytes
MAX_LINK_SECONDS = 7 * 24 * 3600  # S3 refuses presigned URLs valid for longer
_SIGNER_SALT = "atendo.core.storage.local-file"
_KEY_RE = re.compile(
    r"^tenants/(?P<tenant>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"/attachments/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[^/\\]+$"
)
# Characters that are unsafe or confusing in a file name on some system or in a header.
_UNSAFE_NAME_CHARS = re.compile(r'[<>:"/\\|?*;%\x00-\x1f\x7f]')


class FileTypeNotAllowedError(ApplicationError):
    status_code = 415

    def __init__(self, message: str, code: str = "file_type_not_allowed", **kwargs: Any) -> None:
        super().__init__(message, code, **kwargs)


class FileLinkInvalidError(NotFoundError):
    """Forged, altered or malformed link: 404, nothing about the file is disclosed."""

    def __init__(self) -> None:
        super().__init__(_("This file link is not valid."), code="file_link_invalid")


class FileLinkExpiredError(PermissionDeniedError):
    """A link we issued whose time is up: 403, so a client knows to ask for a fresh one."""

    def __init__(self) -> None:
        super().__init__(_("This file link has expired."), code="file_link_expired")


@dataclass(frozen=True)
class StoredFile:
    key: str
    name: str
    mime: str
    size: int
    sha256: str


@dataclass(frozen=True)
class LocalFileLink:
    key: str
    name: str
    mime: str


def _storage() -> Storage:
    return storages[STORAGE_ALIAS]


def _is_s3(storage: Storage) -> bool:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a pinned requirement
        return False
    return isinstance(storage, S3Storage)


# --- Names ------------------------------------------------------------------------------


def safe_name(name: str) -> str:
    """A file name fit for a storage key and a download: no directories, no control or
    direction-override characters, no leading dots, a short alphanumeric extension, at most
    120 characters (and 240 UTF-8 bytes). Never empty."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    # Drop control, format (bidi overrides such as U+202E), separator and unassigned characters.
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
    name = _UNSAFE_NAME_CHARS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,10}", ext):
        stem, ext = name, ""
    return _join_name(stem, ext.lower())


def _join_name(stem: str, ext: str) -> str:
    stem = stem.strip(" .") or "file"
    suffix = f".{ext}" if ext else ""
    room = MAX_NAME_CHARS - len(suffix)
    stem = stem[:room]
    while len((stem + suffix).encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem.rstrip(" .") or "file") + suffix


def _name_for_type(name: str, file_type: FileType) -> str:
    """Keep the extension when it agrees with the content, else use the type's own: text saved
    as `page.html` becomes `page.txt`, so no download opens as something else."""
    ext = extension_of(name)
    if ext in file_type.extensions:
        return name
    stem = name[: -(len(ext) + 1)] if ext else name
    return _join_name(stem, file_type.extensions[0])


# --- Upload -----------------------------------------------------------------------------


class _MeteredReader(io.RawIOBase):
    """Replays the sniffed head, then the rest of the upload, hashing and counting as it goes;
    refuses to read past the size limit."""

    def __init__(self, head: bytes, source: IO[bytes], limit: int) -> None:
        super().__init__()
        self._pending = head
        self._source = source
        self._limit = limit
        self.size = 0
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        wanted = len(view)
        if self._pending:
            data, self._pending = self._pending[:wanted], self._pending[wanted:]
        else:
            data = self._source.read(wanted) or b""
        if not data:
            return 0
        self.size += len(data)
        if self.size > self._limit:
            raise _too_large(self._limit)
        self.sha256.update(data)
        view[: len(data)] = data
        return len(data)


class _Upload(File):
    """The stream handed to the storage; S3 reads `content_type` for the object's Content-Type."""

    def __init__(self, reader: _MeteredReader, name: str, content_type: str) -> None:
        super().__init__(cast(IO[bytes], reader), name)
        self.content_type = content_type


def _too_large(limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)},
        code="file_too_large",
    )


def _read_head(fileobj: IO[bytes], size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = fileobj.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def store_upload(
    *,
    tenant_id: uuid.UUID,
    fileobj: IO[bytes],
    name: str,
    declared_mime: str | None = None,
    max_bytes: int | None = None,
) -> StoredFile:
    """Check and store one upload for `tenant_id`, reading `fileobj` once from its current
    position (size and SHA-256 computed while streaming). The type is sniffed from the content;
    `declared_mime` only breaks ties (MP4 audio or video, CSV or text). Raises ApplicationError
    `file_empty` (400), `file_too_large` (413; limit `max_bytes`, default
    `ATTACHMENT_MAX_BYTES`) or `file_type_not_allowed` (415); nothing is kept when it raises."""
    tenant = uuid.UUID(str(tenant_id))
    limit = settings.ATTACHMENT_MAX_BYTES if max_bytes is None else max_bytes
    declared_size = getattr(fileobj, "size", None)  # Django's UploadedFile knows it up front
    if isinstance(declared_size, int) and declared_size > limit:
        raise _too_large(limit)

    head = _read_head(fileobj, HEAD_BYTES)
    if not head:
        raise ApplicationError(_("The file is empty."), code="file_empty")
    filename = safe_name(name)
    mime = sniff(head, name=filename, declared_mime=declared_mime)
    file_type = ALLOWED.get(mime) if mime else None
    if file_type is None:
        raise FileTypeNotAllowedError(_("This type of file is not allowed."))
    filename = _name_for_type(filename, file_type)

    storage = _storage()
    key = f"tenants/{tenant}/attachments/{uuid.uuid4()}/{filename}"
    reader = _MeteredReader(head, fileobj, limit)
    try:
        key = storage.save(key, _Upload(reader, filename, file_type.mime))
    except BaseException:
        _discard(storage, key)
        raise
    # Antivirus hook: a scan step (clamd INSTREAM over open_stored(key)) goes here; on a hit,
    # delete_stored(key) and raise ApplicationError(code="file_infected").
    return StoredFile(key=key, name=filename, mime=file_type.mime, size=reader.size, sha256=reader.sha256.hexdigest())


def _discard(storage: Storage, key: str) -> None:
    try:
        storage.delete(key)
        _remove_empty_parent(storage, key)
    except Exception:  # noqa: S110 - best effort; the original error is what matters
        pass


def _remove_empty_parent(storage: Storage, key: str) -> None:
    """Local storage: drop the key's own `{uuid4}` folder once empty (S3 has no folders)."""
    if isinstance(storage, FileSystemStorage):
        with contextlib.suppress(OSError):
            os.rmdir(os.path.dirname(storage.path(key)))


# --- Reading and deleting ---------------------------------------------------------------


def open_stored(key: str) -> IO[bytes]:
    """The stored bytes of `key`, opened for binary reading (the caller closes it)."""
    return cast(IO[bytes], _storage().open(key, "rb"))


def delete_stored(key: str) -> None:
    """Remove `key`; deleting what is already gone is not an error."""
    storage = _storage()
    storage.delete(key)
    _remove_empty_parent(storage, key)


def key_belongs_to(*, key: str, tenant_id: uuid.UUID) -> bool:
    """Whether `key` is an attachment key of `tenant_id` (check ids from request bodies)."""
    match = _KEY_RE.match(key)
    return match is not None and match["tenant"] == str(tenant_id)


# --- Links ------------------------------------------------------------------------------


def served_mime(mime: str) -> str:
    """The Content-Type a download is served with: anything outside the allow list (HTML,
    SVG, scripts, unknown) goes out as an opaque byte stream."""
    return mime if mime in ALLOWED else OCTET_STREAM


def content_disposition(*, name: str, mime: str) -> str:
    """`inline` only for types a browser renders without running anything (allowed images,
    PDF, audio, video); `attachment` for everything else, HTML/SVG/scripts/unknown included."""
    file_type = ALLOWED.get(mime)
    inline = file_type is not None and file_type.inline
    return content_disposition_header(as_attachment=not inline, filename=safe_name(name)) or "attachment"


def download_url(
    *,
    file: StoredFile | None = None,
    key: str | None = None,
    name: str | None = None,
    mime: str | None = None,
    expires_in: int = 300,
    absolute: bool = False,
) -> str:
    """A link to download a stored file, valid `expires_in` seconds (1 to 7 days). Give either
    `file` or `key`, `name` and `mime`. S3: a presigned GET URL that fixes the response's
    Content-Type and Content-Disposition. Local: `/files/<signed token>` (prefixed with
    APP_URL when `absolute`, e.g. for a provider that fetches media by URL)."""
    if file is not None:
        key, name, mime = file.key, file.name, file.mime
    if not key or name is None or mime is None:
        raise TypeError("download_url() needs file= or key=, name= and mime=.")
    if not 1 <= expires_in <= MAX_LINK_SECONDS:
        raise ValueError(f"expires_in must be between 1 and {MAX_LINK_SECONDS} seconds.")
    storage = _storage()
    if _is_s3(storage):
        s3_storage: Any = storage  # S3Storage.url takes response parameters and an expiry
        return str(
            s3_storage.url(
                key,
                parameters={
                    "ResponseContentType": served_mime(mime),
                    "ResponseContentDisposition": content_disposition(name=name, mime=mime),
                },
                expire=expires_in,
            )
        )
    if isinstance(storage, FileSystemStorage):
        token = TimestampSigner(salt=_SIGNER_SALT).sign_object(
            {"k": key, "n": name, "m": mime, "e": expires_in}, compress=True
        )
        path = reverse("attachment-file", kwargs={"signed": token})
        return f"{settings.APP_URL}{path}" if absolute else path
    raise ImproperlyConfigured(f"No download links for the {type(storage).__name__} attachments storage.")


def read_local_token(token: str) -> LocalFileLink:
    """The file a `/files/<token>` link names. Raises FileLinkInvalidError (404) for a forged
    or malformed token and FileLinkExpiredError (403) once its time is up."""
    signer = TimestampSigner(salt=_SIGNER_SALT)
    try:
        payload = signer.unsign_object(token)
        expires_in = payload["e"]
        if not isinstance(expires_in, int) or isinstance(expires_in, bool):
            raise FileLinkInvalidError()
        signer.unsign_object(token, max_age=expires_in)
        link = LocalFileLink(key=payload["k"], name=payload["n"], mime=payload["m"])
    except SignatureExpired:
        raise FileLinkExpiredError() from None
    except (BadSignature, KeyError, TypeError, ValueError):
        raise FileLinkInvalidError() from None
    if not all(isinstance(v, str) for v in (link.key, link.name, link.mime)) or not _KEY_RE.match(link.key):
        raise FileLinkInvalidError()
    return link
