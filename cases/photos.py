"""Photos of reports and visits: only real JPEG/PNG, size-checked, re-encoded without metadata.

Every upload is opened with Pillow and verified; anything else (a text file renamed `.jpg`, a PDF, a
corrupt or oversized file, an image with an absurd resolution) is refused with a message naming the file.
Accepted images are re-encoded, which drops all metadata (EXIF with the camera and its GPS position,
XMP, comments, PNG text chunks), unless the user asked to keep the location: then only the GPS block
is written back. Very large images are scaled down to `CASE_PHOTO_MAX_SIDE` pixels on their long side.
Files go to the private storage and are served by a scope-checked view, never under a public URL.
A file written in a transaction that rolls back is deleted, and so is the file of a deleted photo once the
deletion is committed: the private storage holds no file without its row.
"""

from __future__ import annotations

import logging
import secrets
import weakref
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png")}
CONTENT_TYPES = dict(ACCEPTED_FORMATS.values())
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_SIDE = 2000
DEFAULT_MAX_PER_UPLOAD = 5
# Refused before decoding: a small file that decodes to a huge bitmap would exhaust the server's memory.
MAX_PIXELS = 50_000_000

logger = logging.getLogger(__name__)


def private_storage() -> Storage:
    """`STORAGES["private"]`; a callable, so the field's migration does not freeze the backend."""
    return storages["private"]


def max_bytes() -> int:
    return getattr(settings, "CASE_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_side() -> int:
    return getattr(settings, "CASE_PHOTO_MAX_SIDE", DEFAULT_MAX_SIDE)


def max_per_upload() -> int:
    return getattr(settings, "CASE_PHOTO_MAX_PER_UPLOAD", DEFAULT_MAX_PER_UPLOAD)


@dataclass(frozen=True)
class CleanPhoto:
    """A checked, re-encoded photo, ready to be stored."""

    content: bytes
    extension: str
    kept_location: bool

    def as_file(self) -> ContentFile:
        return ContentFile(self.content, name=f"{secrets.token_hex(8)}.{self.extension}")


def _not_an_image(name: str) -> ValidationError:
    return ValidationError(
        _("Berkas “%(name)s” bukan foto JPEG atau PNG yang bisa dibuka."), code="photo_type", params={"name": name}
    )


def clean_photo(upload, *, keep_location: bool = False) -> CleanPhoto:
    """Check one uploaded file and return it re-encoded; `ValidationError` (Indonesian) if it is refused."""
    name = getattr(upload, "name", "") or _("foto")
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("Foto “%(name)s” terlalu besar (%(size)s); paling besar %(max)s."),
            code="photo_size",
            params={"name": name, "size": filesizeformat(upload.size), "max": filesizeformat(limit)},
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:  # the declared size lied
        raise ValidationError(
            _("Foto “%(name)s” terlalu besar; paling besar %(max)s."),
            code="photo_size",
            params={"name": name, "max": filesizeformat(limit)},
        )
    try:
        with Image.open(BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _not_an_image(name) from None
    if image_format not in ACCEPTED_FORMATS:
        raise _not_an_image(name)
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _("Resolusi foto “%(name)s” terlalu besar (%(width)s × %(height)s piksel)."),
            code="photo_pixels",
            params={"name": name, "width": width, "height": height},
        )
    try:
        return _reencode(data, image_format, keep_location=keep_location)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _not_an_image(name) from None


def _reencode(data: bytes, image_format: str, *, keep_location: bool) -> CleanPhoto:
    with Image.open(BytesIO(data)) as original:
        original.load()
        gps = dict(original.getexif().get_ifd(ExifTags.IFD.GPSInfo)) if keep_location else {}
        # The orientation tag goes with the rest of the metadata: turn the pixels instead.
        image = ImageOps.exif_transpose(original)
    limit = max_side()
    if max(image.size) > limit:
        image.thumbnail((limit, limit), Image.Resampling.LANCZOS)
    exif = Image.Exif()
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(gps)
    out = BytesIO()
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True, exif=exif)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True, exif=exif)
    extension, _content_type = ACCEPTED_FORMATS[image_format]
    return CleanPhoto(content=out.getvalue(), extension=extension, kept_location=bool(gps))


def clean_photos(uploads, *, keep_location: bool = False) -> list[CleanPhoto]:
    """Check several uploads; every refusal is reported at once, and nothing is kept if one is refused."""
    uploads = [u for u in uploads or [] if u]
    if len(uploads) > max_per_upload():
        raise ValidationError(
            _("Paling banyak %(max)s foto sekali kirim."), code="photo_count", params={"max": max_per_upload()}
        )
    cleaned, errors = [], []
    for upload in uploads:
        try:
            cleaned.append(clean_photo(upload, keep_location=keep_location))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    return cleaned


def content_type_of(file_name: str) -> str:
    return CONTENT_TYPES.get(file_name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


# --- Files and transactions ------------------------------------------------------------------------------------------


def _delete_file(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.exception("Could not delete the photo file %s", name)


class _KeepOnCommit:
    """An on_commit callback that keeps a file; if Django drops it unrun (a rollback), its finalizer deletes the file.

    Django has no on-rollback hook, but it discards the on_commit callbacks of a transaction or savepoint that rolls
    back. Nothing else refers to this object, so it is freed at that moment and `weakref.finalize` deletes the file.
    """

    __slots__ = ("__weakref__", "_finalizer")

    def __init__(self, storage: Storage, name: str) -> None:
        self._finalizer = weakref.finalize(self, _delete_file, storage, name)

    def __call__(self) -> None:
        self._finalizer.detach()


def delete_on_rollback(file) -> None:
    """Call right after writing `file` (a saved FieldFile) inside a transaction: it goes if the transaction fails."""
    transaction.on_commit(_KeepOnCommit(file.storage, file.name))


@receiver(post_delete, sender="cases.CasePhoto", dispatch_uid="cases.photos.delete_file_of_deleted_photo")
def _delete_file_of_deleted_photo(sender, instance, using, **kwargs) -> None:
    if instance.image:
        storage, name = instance.image.storage, instance.image.name
        transaction.on_commit(lambda: _delete_file(storage, name), using=using)
