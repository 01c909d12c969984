"""Uploaded files of a request, streamed to the attachment storage before the service runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.utils.translation import gettext as _

from atendo.core.errors import ApplicationError

if TYPE_CHECKING:
    from atendo.core.storage import StoredFile

MAX_FILES_PER_MESSAGE = 10


def stored_files_from_request(request: Any, *, tenant_id: UUID) -> list[StoredFile]:
    from atendo.core.storage import store_upload

    uploads = request.FILES.getlist("file") if hasattr(request, "FILES") else []
    if len(uploads) > MAX_FILES_PER_MESSAGE:
        raise ApplicationError(
            _("Too many files in one message."), code="too_many_files", fields={"file": [_("At most 10 files.")]}
        )
    return [
        store_upload(tenant_id=tenant_id, fileobj=upload, name=upload.name or "file", declared_mime=upload.content_type)
        for upload in uploads
    ]
