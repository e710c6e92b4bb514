"""Uploaded and generated files (§9): nothing under MEDIA_ROOT is public.

Files are stored under random names (a name in the URL or on disk tells nothing and cannot be guessed)
and served only by views that fetch the owning record through its scoped selector and write an audit
entry. Those views answer with `serve_file`: with MEDIA_ACCEL_REDIRECT set, nginx sends the bytes from
its `internal` location `/protected/` (the view only checks and audits); otherwise Django streams them.
"""

import mimetypes
import os
import secrets
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header

ACCEL_PREFIX = "/protected/"


@deconstructible
class PrivateUploadTo:
    """`upload_to` that files an upload as `<folder>/<year>/<month>/<random>.<ext>`: the user's file name
    never reaches the disk (the models that show it keep it in a field of their own)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: object, filename: str) -> str:
        ext = os.path.splitext(filename)[1].lower()
        ext = ext if ext[1:].isalnum() and len(ext) <= 6 else ""
        today = timezone.localdate()
        return f"{self.folder}/{today:%Y/%m}/{secrets.token_hex(16)}{ext}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrivateUploadTo) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def serve_file(
    file: FieldFile, *, filename: str, content_type: str | None = None, as_attachment: bool = True
) -> HttpResponse | FileResponse:
    """The response that hands a stored file to the user who may have it (the caller checked and audited).

    With MEDIA_ACCEL_REDIRECT the body is empty and nginx fills it from `/protected/<name>`."""
    if not file.name:
        raise Http404  # a record whose file is gone (an expired export): nothing to send
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = ACCEL_PREFIX + quote(file.name)
        disposition = content_disposition_header(as_attachment, filename)
        if disposition:
            response["Content-Disposition"] = disposition
        return response
    return FileResponse(file.open("rb"), as_attachment=as_attachment, filename=filename, content_type=content_type)
