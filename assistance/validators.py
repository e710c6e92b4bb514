"""Checks of uploaded visit photos (§4): type by content, not by name alone, and size."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHOTO_MAX_BYTES = 5 * 1024 * 1024
# Magic numbers of the accepted image types: a renamed executable is refused.
SIGNATURES = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "webp": (b"RIFF",),
}


def validate_photo(file) -> None:
    name = (getattr(file, "name", "") or "").lower()
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if ext not in SIGNATURES:
        raise ValidationError(_("Upload a JPEG, PNG or WebP photo."), code="photo_type")
    if file.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("A photo may be at most 5 MB."), code="photo_size")
    pos = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(12)
    file.seek(pos)
    if not any(head.startswith(sig) for sig in SIGNATURES[ext]) or (ext == "webp" and head[8:12] != b"WEBP"):
        raise ValidationError(_("The file is not a valid image of its type."), code="photo_content")
