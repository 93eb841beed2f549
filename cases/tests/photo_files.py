"""Upload fixtures for case photos: JPEGs with camera and GPS EXIF, PNGs, and things that are not images."""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

# Kota Serang, roughly: 6°07'12.5" S, 106°09'03" E.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "S",
    ExifTags.GPS.GPSLatitude: (6.0, 7.0, 12.5),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (106.0, 9.0, 3.0),
}


def jpeg_bytes(size=(64, 48), *, gps: bool = True, color="red") -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "KameraUji"
    exif[ExifTags.Base.Model] = "HP-360"
    exif[ExifTags.Base.ImageDescription] = "Nenek di emperan pasar"
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    out = BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", exif=exif)
    return out.getvalue()


def jpeg_upload(name="foto.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def png_upload(name="foto.png", size=(40, 30)) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 255)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def text_upload(name="foto.jpg") -> SimpleUploadedFile:
    """A text file renamed .jpg, declared as a JPEG by the browser."""
    return SimpleUploadedFile(name, b"ini bukan foto, hanya teks\n" * 20, content_type="image/jpeg")


def gif_upload(name="foto.gif") -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/gif")


def exif_of(data: bytes) -> tuple[dict, dict]:
    """(main EXIF tags, GPS tags) of an encoded image."""
    with Image.open(BytesIO(data)) as image:
        image.load()
        exif = image.getexif()
        return dict(exif), dict(exif.get_ifd(ExifTags.IFD.GPSInfo))
