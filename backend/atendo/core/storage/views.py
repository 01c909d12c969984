"""`GET /files/<signed token>`: serves locally stored attachments to whoever holds a link from
`download_url` (local backend only; S3 links go straight to the bucket).

Errors answer `{"code", "message", "fields"}`: a forged or malformed token is 404
`file_link_invalid`, an expired one 403 `file_link_expired`, a deleted file 404 `not_found`.
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from atendo.core.api.base import Public, declare_access
from atendo.core.api.errors import error_body
from atendo.core.errors import ApplicationError
from atendo.core.storage import STORAGE_ALIAS, content_disposition, read_local_token, served_mime

# The file may be anything a customer sent: never let it run as a page of our origin.
FILE_RESPONSE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, max-age=300",
    "Referrer-Policy": "no-referrer",
}


@declare_access(Public("The signed, expiring URL is the credential."))
@require_safe
def local_file(request: HttpRequest, signed: str) -> HttpResponseBase:
    try:
        link = read_local_token(signed)
    except ApplicationError as exc:
        return JsonResponse(error_body(exc.code, exc.message), status=exc.status_code)
    storage = storages[STORAGE_ALIAS]
    if not isinstance(storage, FileSystemStorage):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    try:
        handle = storage.open(link.key, "rb")
    except (FileNotFoundError, IsADirectoryError):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    response = FileResponse(handle, content_type=served_mime(link.mime))
    response["Content-Disposition"] = content_disposition(name=link.name, mime=link.mime)
    for header, value in FILE_RESPONSE_HEADERS.items():
        response[header] = value
    return response
