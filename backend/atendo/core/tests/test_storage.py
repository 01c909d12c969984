"""Attachment storage: what is accepted, where it lands, and how it is handed out again.

S3 is exercised over the real protocol against moto's server on a free local port. moto does not
check presigned URLs (neither signature nor expiry) the way S3 does, so a thin WSGI layer in
front of it does, with botocore's own signer: an expired or altered link is refused there as S3
would refuse it.
"""

from __future__ import annotations

import hashlib
import io
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signing import TimestampSigner, b62_encode
from django.test import Client
from moto.server import ThreadedMotoServer

from atendo.core import storage
from atendo.core.errors import ApplicationError
from atendo.core.storage import (
    StoredFile,
    delete_stored,
    download_url,
    key_belongs_to,
    open_stored,
    read_local_token,
    safe_name,
    store_upload,
)
from atendo.core.storage.sniff import sniff

ACCESS_KEY = "testing-access"
SECRET_KEY = "testing-secret"
REGION = "us-east-1"

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 3000 + b"\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"


def _zip(entries: dict[str, bytes], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, (name, data) in enumerate(entries.items()):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


DOCX = _zip(
    {
        "[Content_Types].xml": b"<Types/>",
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document/>",
    }
)


# --- S3 (moto server) -------------------------------------------------------------------


class PresignedUrlChecks:
    """What S3 does and moto does not: refuse a presigned request that has expired or whose
    query (response headers, expiry) was altered. `clock_skew` moves the server's clock."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.clock_skew = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        raw_query = environ.get("QUERY_STRING", "")
        if "X-Amz-Signature=" in raw_query:
            problem = self._problem(environ, raw_query)
            if problem:
                start_response("403 Forbidden", [("Content-Type", "application/xml")])
                return [f"<Error><Code>AccessDenied</Code><Message>{problem}</Message></Error>".encode()]
        return self.app(environ, start_response)

    def _problem(self, environ: dict[str, Any], raw_query: str) -> str | None:
        query = parse_qs(raw_query)
        amz_date = query["X-Amz-Date"][0]
        expires = int(query["X-Amz-Expires"][0])
        signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
        if time.time() + self.clock_skew > signed_at + expires:
            return "Request has expired"
        unsigned_query = "&".join(p for p in raw_query.split("&") if not p.startswith("X-Amz-Signature="))
        path = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ["PATH_INFO"]
        host = environ["HTTP_HOST"]
        request = AWSRequest(
            method=environ["REQUEST_METHOD"], url=f"http://{host}{path.split('?')[0]}?{unsigned_query}"
        )
        request.headers["host"] = host
        request.context["timestamp"] = amz_date
        auth = S3SigV4QueryAuth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION, expires=expires)
        expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
        if expected != query["X-Amz-Signature"][0]:
            return "The request signature we calculated does not match the signature you provided."
        return None


@pytest.fixture(scope="session")
def moto_server() -> Iterator[tuple[str, PresignedUrlChecks]]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    checks = PresignedUrlChecks(server._server.app)  # type: ignore[union-attr]
    server._server.app = checks  # type: ignore[union-attr]
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}", checks
    server.stop()


@pytest.fixture
def s3(settings: Any, moto_server: tuple[str, PresignedUrlChecks]) -> Iterator[Any]:
    """A fresh bucket as the attachments storage; yields a boto3 client on the same server."""
    endpoint, checks = moto_server
    bucket = f"atendo-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "region_name": REGION,
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": True,
            },
        },
    }
    client.bucket = bucket
    client.checks = checks
    checks.clock_skew = 0
    yield client
    checks.clock_skew = 0


def _fetch(url: str) -> tuple[int, bytes, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local test server
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers


def _object_count(s3: Any) -> int:
    return int(s3.list_objects_v2(Bucket=s3.bucket)["KeyCount"])


def test_s3_upload_stores_the_bytes_under_a_tenant_key_with_their_checksum(s3):
    tenant_id = uuid.uuid4()
    stored = store_upload(tenant_id=tenant_id, fileobj=io.BytesIO(PNG), name="foto do cliente.png")

    assert stored.mime == "image/png"
    assert stored.name == "foto do cliente.png"
    assert stored.size == len(PNG)
    assert stored.sha256 == hashlib.sha256(PNG).hexdigest()
    prefix, _, rest = stored.key.partition("/attachments/")
    assert prefix == f"tenants/{tenant_id}"
    assert uuid.UUID(rest.split("/")[0]).version == 4
    assert rest.endswith("/foto do cliente.png")
    assert key_belongs_to(key=stored.key, tenant_id=tenant_id)
    assert not key_belongs_to(key=stored.key, tenant_id=uuid.uuid4())

    obj = s3.get_object(Bucket=s3.bucket, Key=stored.key)
    assert obj["Body"].read() == PNG
    assert obj["ContentType"] == "image/png"
    with open_stored(stored.key) as handle:
        assert handle.read() == PNG


def test_s3_upload_streams_large_files_in_parts(s3, settings):
    """Past boto3's multipart threshold (8 MiB) the upload goes in parts; size and checksum hold."""
    settings.ATTACHMENT_MAX_BYTES = 12 * 1024 * 1024
    body = b"%PDF-1.4\n" + bytes(range(256)) * (40 * 1024)  # ~10 MiB
    stored = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(body), name="big.pdf")
    assert stored.size == len(body)
    assert stored.sha256 == hashlib.sha256(body).hexdigest()
    assert s3.head_object(Bucket=s3.bucket, Key=stored.key)["ContentLength"] == len(body)


def test_s3_presigned_url_serves_the_bytes_with_the_right_disposition(s3):
    pdf = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(PDF), name="contrato.pdf")
    status, body, headers = _fetch(download_url(file=pdf))
    assert status == 200
    assert body == PDF
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'inline; filename="contrato.pdf"'

    doc = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(DOCX), name="Relatório de março.docx")
    status, body, headers = _fetch(download_url(key=doc.key, name=doc.name, mime=doc.mime, expires_in=60))
    assert status == 200
    assert body == DOCX
    assert headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert headers["Content-Disposition"] == "attachment; filename*=utf-8''Relat%C3%B3rio%20de%20mar%C3%A7o.docx"


def test_s3_presigned_url_is_refused_once_expired(s3):
    stored = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(PNG), name="a.png")
    url = download_url(file=stored, expires_in=60)
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["60"]
    assert _fetch(url)[0] == 200

    s3.checks.clock_skew = 61
    status, body, _ = _fetch(url)
    assert status == 403
    assert b"expired" in body


def test_s3_presigned_url_cannot_be_altered_to_render_inline(s3):
    stored = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(b"hello\n"), name="notes.txt")
    url = download_url(file=stored)
    assert "attachment" in parse_qs(urlsplit(url).query)["response-content-disposition"][0]
    tampered = url.replace("response-content-disposition=attachment", "response-content-disposition=inline")
    assert tampered != url
    assert _fetch(url)[0] == 200
    assert _fetch(tampered)[0] == 403


@pytest.mark.parametrize(
    ("body", "name", "declared", "status", "code"),
    [
        (HTML, "cat.png", "image/png", 415, "file_type_not_allowed"),
        (SVG, "logo.svg", "image/svg+xml", 415, "file_type_not_allowed"),
        (SVG, "logo.png", "image/png", 415, "file_type_not_allowed"),
        (EXE, "setup.exe", "application/octet-stream", 415, "file_type_not_allowed"),
        (EXE, "invoice.pdf", "application/pdf", 415, "file_type_not_allowed"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 64, "backup.tar.gz", None, 415, "file_type_not_allowed"),
        (b"", "empty.txt", "text/plain", 400, "file_empty"),
    ],
    ids=["html-as-png", "svg", "svg-as-png", "exe", "exe-as-pdf", "gzip", "empty"],
)
def test_s3_refused_uploads_leave_nothing_behind(s3, body, name, declared, status, code):
    with pytest.raises(ApplicationError) as caught:
        store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(body), name=name, declared_mime=declared)
    assert (caught.value.status_code, caught.value.code) == (status, code)
    assert _object_count(s3) == 0


@pytest.mark.parametrize("size", [5_000, 200_000], ids=["within-first-read", "while-streaming"])
def test_s3_oversized_uploads_are_refused_and_nothing_is_kept(s3, size):
    body = PNG + b"\x00" * (size - len(PNG))
    with pytest.raises(ApplicationError) as caught:
        store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(body), name="huge.png", max_bytes=4_000)
    assert (caught.value.status_code, caught.value.code) == (413, "file_too_large")
    assert _object_count(s3) == 0


def test_the_size_limit_defaults_to_the_setting_and_trusts_a_declared_size_first(s3, settings):
    settings.ATTACHMENT_MAX_BYTES = 1_000
    upload = SimpleUploadedFile("photo.png", PNG + b"\x00" * 2_000, content_type="image/png")
    with pytest.raises(ApplicationError) as caught:
        store_upload(tenant_id=uuid.uuid4(), fileobj=upload, name=upload.name)
    assert caught.value.code == "file_too_large"
    assert upload.tell() == 0  # refused before reading a byte
    assert _object_count(s3) == 0


# --- Local filesystem -------------------------------------------------------------------


@pytest.fixture
def local(settings: Any, tmp_path: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path


def _token(url: str) -> str:
    assert url.startswith("/files/")
    return url.removeprefix("/files/")


def _files_in(root: Any) -> list[Any]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_local_signed_url_round_trip(db, local):
    stored = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(PDF), name="boleto.pdf")
    assert (local / stored.key).read_bytes() == PDF

    response = Client().get(download_url(file=stored))
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="boleto.pdf"'
    assert response["Content-Length"] == str(len(PDF))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, max-age=300"


def test_local_absolute_url_uses_the_app_url(local, settings):
    settings.APP_URL = "https://help.example.com"
    stored = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(PNG), name="x.png")
    assert download_url(file=stored, absolute=True).startswith("https://help.example.com/files/")


def test_local_text_is_never_inline_and_markup_never_goes_out_as_markup(db, local):
    stored = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(b"just words\n"), name="page.html")
    assert (stored.name, stored.mime) == ("page.txt", "text/plain")
    response = Client().get(download_url(file=stored))
    assert response["Content-Disposition"] == 'attachment; filename="page.txt"'
    assert response["Content-Type"] == "text/plain"

    # Metadata from elsewhere (a provider's media, an old row) claiming a dangerous type.
    for mime in ("text/html", "image/svg+xml", "application/javascript", "application/x-unknown"):
        response = Client().get(download_url(key=stored.key, name="evil.html", mime=mime))
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="evil.html"'
        assert response["Content-Type"] == "application/octet-stream"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_local_expired_link_is_refused(db, local, monkeypatch):
    stored = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(PNG), name="a.png")
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "timestamp", lambda self: b62_encode(int(time.time()) - 301))
        url = download_url(file=stored, expires_in=300)
    response = Client().get(url)
    assert response.status_code == 403
    assert response.json() == {
        "code": "file_link_expired",
        "message": response.json()["message"],
        "fields": {},
    }
    assert response.json()["message"]

    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "timestamp", lambda self: b62_encode(int(time.time()) - 290))
        url = download_url(file=stored, expires_in=300)
    assert Client().get(url).status_code == 200


def test_local_forged_links_are_refused(db, local):
    stored = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(PNG), name="a.png")
    token = _token(download_url(file=stored))
    payload, _, signature = token.rpartition(":")
    signed_elsewhere = TimestampSigner(salt="another.purpose").sign_object(
        {"k": stored.key, "n": "a.png", "m": "image/png", "e": 300}, compress=True
    )
    forged = [
        f"{payload}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",  # altered signature
        token.replace(token[5], "x" if token[5] != "x" else "y", 1),  # altered payload
        "not-a-token",
        signed_elsewhere,  # a valid signature for another purpose
        token.replace(":", "::", 1),  # malformed
    ]
    for bad in forged:
        response = Client().get(f"/files/{bad}")
        assert response.status_code == 404, bad
        assert response.json()["code"] == "file_link_invalid"
        assert set(response.json()) == {"code", "message", "fields"}

    # Under /files but not a token at all: the JSON 404, never the web app's HTML.
    for path in ("/files/", "/files/a/b"):
        response = Client().get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_local_links_only_reach_attachment_keys(db, local):
    """A correctly signed token naming a path outside the attachment layout is still refused."""
    (local / "secret.txt").write_text("not yours")
    for key in ("../../etc/passwd", "secret.txt", f"tenants/{uuid.uuid4()}/attachments/../../../secret.txt"):
        token = TimestampSigner(salt=storage._SIGNER_SALT).sign_object(
            {"k": key, "n": "x.txt", "m": "text/plain", "e": 300}, compress=True
        )
        response = Client().get(f"/files/{token}")
        assert response.status_code == 404
        assert response.json()["code"] == "file_link_invalid"


def test_local_deleted_file_answers_not_found(db, local):
    stored = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(PNG), name="a.png")
    url = download_url(file=stored)
    delete_stored(stored.key)
    delete_stored(stored.key)  # already gone: not an error
    assert _files_in(local) == []
    response = Client().get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\system32\\notes.txt", "notes.txt"),
        ("/absolute/path/report.txt", "report.txt"),
        ("..", "file.txt"),
        ("", "file.txt"),
        (".bashrc", "bashrc.txt"),
        ("a\x00b\nc\r.txt", "abc.txt"),
        ("invoice\u202etxt.exe", "invoicetxt.txt"),
        ('what?<is>"this":|*.txt', "what__is__this____.txt"),
        ("trailing dots and spaces . . .", "trailing dots and spaces.txt"),
        ("x" * 300 + ".txt", "x" * 116 + ".txt"),
    ],
)
def test_local_names_cannot_escape_or_mislead(local, name, expected):
    stored = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(b"plain text\n"), name=name)
    assert stored.name == expected
    assert stored.key.endswith("/" + expected)
    assert stored.key.count("/") == 4
    files = _files_in(local)
    assert files == [local / stored.key]
    assert files[0].resolve().is_relative_to(local.resolve())


def test_local_refusals_store_nothing(local):
    for body, name in [(HTML, "cat.png"), (SVG, "logo.svg"), (EXE, "setup.exe")]:
        with pytest.raises(ApplicationError) as caught:
            store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(body), name=name)
        assert caught.value.code == "file_type_not_allowed"
    with pytest.raises(ApplicationError) as caught:
        store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(PNG * 100), name="big.png", max_bytes=70_000)
    assert caught.value.code == "file_too_large"
    assert _files_in(local) == []
    assert not [p for p in local.rglob("*") if p.is_dir() and p.parent.name == "attachments"]


def test_safe_name_keeps_unicode_and_bounds_bytes():
    assert safe_name("Orçamento São Paulo.PDF") == "Orçamento São Paulo.pdf"
    assert safe_name("no extension") == "no extension"
    assert safe_name("weird.ext with space") == "weird.ext with space"
    long = safe_name("日本語" * 100 + ".pdf")
    assert len(long) <= 120
    assert len(long.encode()) <= 240
    assert long.endswith(".pdf")


# --- Sniffing ---------------------------------------------------------------------------


def _ftyp(brand: bytes, compatible: bytes = b"isom") -> bytes:
    return (24).to_bytes(4, "big") + b"ftyp" + brand + b"\x00\x00\x02\x00" + compatible + b"mp41" + b"\x00" * 32


@pytest.mark.parametrize(
    ("head", "name", "declared", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "x.jpg", None, "image/jpeg"),
        (PNG, "x.jpg", "image/jpeg", "image/png"),
        (b"GIF89a\x01\x00", "x.gif", None, "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "x.webp", None, "image/webp"),
        (_ftyp(b"heic", b"mif1"), "x.heic", None, "image/heic"),
        (_ftyp(b"avif", b"mif1"), "x.avif", None, "image/avif"),
        (PDF, "x.bin", None, "application/pdf"),
        (DOCX, "x.zip", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (
            _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
            "x.xlsx",
            None,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}, stored_first=True),
            "x.odt",
            None,
            "application/vnd.oasis.opendocument.text",
        ),
        (_zip({"a.txt": b"hello"}), "x.docx", None, "application/zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "x.xls", None, "application/vnd.ms-excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "setup.msi", None, "application/x-ole-storage"),
        (b"{\\rtf1\\ansi hello}", "x.rtf", None, "application/rtf"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "x.mp3", None, "audio/mpeg"),
        (b"\xff\xfb\x90\x64\x00", "x.mp3", None, "audio/mpeg"),
        (b"\xff\xf1\x50\x80\x02\x1f\xfc", "x.aac", None, "audio/aac"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"\x13OpusHead", "voice.ogg", None, "audio/ogg"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "x.wav", None, "audio/wav"),
        (b"fLaC\x00\x00\x00\x22", "x.flac", None, "audio/flac"),
        (b"#!AMR\n\x3c", "x.amr", None, "audio/amr"),
        (_ftyp(b"M4A "), "x.m4a", None, "audio/mp4"),
        (_ftyp(b"isom"), "x.mp4", None, "video/mp4"),
        (_ftyp(b"isom"), "voice.mp4", "audio/mp4", "audio/mp4"),
        (_ftyp(b"qt  "), "x.mov", None, "video/quicktime"),
        (_ftyp(b"3gp4"), "x.3gp", None, "video/3gpp"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "x.webm", None, "video/webm"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "x.weba", "audio/webm", "audio/webm"),
        (b"name,email\nAna,ana@example.com\n", "contacts.csv", None, "text/csv"),
        ("descrição;valor\nção;1,00\n".encode("cp1252"), "export.csv", None, "text/csv"),
        (b"hello\n", "notes", None, "text/plain"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nEND:VCARD\r\n", "ana.vcf", None, "text/vcard"),
        (HTML, "x.txt", "text/plain", "text/html"),
        (b"  \n<p>hi</p>", "x.txt", None, "text/html"),
        (SVG, "x.png", None, "image/svg+xml"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.txt", None, "image/svg+xml"),
        (b"<?xml version='1.0'?><a/>", "x.xml", None, "application/xml"),
        (EXE, "x.pdf", None, "application/x-msdownload"),
        (b"\x7fELF\x02\x01\x01", "x", None, "application/x-executable"),
        (b"\x00\x01\x02\x03binary", "x.bin", None, None),
    ],
)
def test_sniff_reads_the_content_not_the_label(head, name, declared, expected):
    assert sniff(head, name=name, declared_mime=declared) == expected


def test_declared_type_and_extension_are_corrected_to_the_content(local):
    stored = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(PNG), name="photo.jpg", declared_mime="image/jpeg")
    assert isinstance(stored, StoredFile)
    assert (stored.name, stored.mime) == ("photo.png", "image/png")
    stored = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(PDF), name="invoice.pdf.exe")
    assert (stored.name, stored.mime) == ("invoice.pdf.pdf", "application/pdf")


def test_read_local_token_round_trip_and_attachments_alias(local):
    stored = store_upload(tenant_id=uuid.uuid4(), fileobj=io.BytesIO(PNG), name="a.png")
    link = read_local_token(_token(download_url(file=stored)))
    assert (link.key, link.name, link.mime) == (stored.key, "a.png", "image/png")
    assert storages["attachments"].exists(stored.key)
    with pytest.raises(ValueError, match="expires_in"):
        download_url(file=stored, expires_in=0)
    with pytest.raises(TypeError):
        download_url(key=stored.key)
