"""Case photos: only real JPEG/PNG, size-checked, metadata (GPS) removed unless the user keeps the location."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image

from cases import photos
from cases.tests.photo_files import GPS, exif_of, gif_upload, jpeg_upload, png_upload, text_upload


def test_gps_and_camera_metadata_are_removed_by_default():
    upload = jpeg_upload()
    main, gps = exif_of(upload.read())
    assert gps
    assert main[ExifTags.Base.Make] == "KameraUji"

    clean = photos.clean_photo(upload)

    main, gps = exif_of(clean.content)
    assert gps == {}
    assert ExifTags.Base.Make not in main
    assert ExifTags.Base.ImageDescription not in main
    assert b"KameraUji" not in clean.content
    assert (clean.extension, clean.kept_location) == ("jpg", False)


def test_gps_is_kept_when_the_user_asks_but_nothing_else():
    clean = photos.clean_photo(jpeg_upload(), keep_location=True)

    main, gps = exif_of(clean.content)
    assert gps[ExifTags.GPS.GPSLatitudeRef] == "S"
    assert tuple(float(x) for x in gps[ExifTags.GPS.GPSLatitude]) == GPS[ExifTags.GPS.GPSLatitude]
    assert tuple(float(x) for x in gps[ExifTags.GPS.GPSLongitude]) == GPS[ExifTags.GPS.GPSLongitude]
    assert ExifTags.Base.Make not in main
    assert b"KameraUji" not in clean.content
    assert clean.kept_location is True


def test_keep_location_on_a_photo_without_gps_records_no_location():
    assert photos.clean_photo(jpeg_upload(gps=False), keep_location=True).kept_location is False


def test_png_is_accepted_and_stays_png():
    clean = photos.clean_photo(png_upload())
    with Image.open(BytesIO(clean.content)) as image:
        assert (image.format, image.size) == ("PNG", (40, 30))
    assert clean.extension == "png"


def test_a_text_file_renamed_jpg_is_refused():
    with pytest.raises(ValidationError) as error:
        photos.clean_photo(text_upload("nenek.jpg"))
    assert error.value.messages == ["Berkas “nenek.jpg” bukan foto JPEG atau PNG yang bisa dibuka."]


def test_other_image_types_are_refused():
    with pytest.raises(ValidationError, match="bukan foto JPEG atau PNG"):
        photos.clean_photo(gif_upload())


def test_an_oversized_file_is_refused_before_it_is_decoded(settings):
    settings.CASE_PHOTO_MAX_BYTES = 1000
    upload = jpeg_upload(size=(400, 300), color="blue")
    assert upload.size > 1000
    with pytest.raises(ValidationError) as error:
        photos.clean_photo(upload)
    assert "terlalu besar" in error.value.messages[0]
    assert "paling besar 1000\xa0bita" in error.value.messages[0]


def test_very_large_images_are_scaled_down(settings):
    settings.CASE_PHOTO_MAX_SIDE = 100
    clean = photos.clean_photo(jpeg_upload(size=(400, 300)))
    with Image.open(BytesIO(clean.content)) as image:
        assert image.size == (100, 75)


def test_too_many_photos_at_once_are_refused(settings):
    settings.CASE_PHOTO_MAX_PER_UPLOAD = 2
    with pytest.raises(ValidationError, match="Paling banyak 2 foto"):
        photos.clean_photos([jpeg_upload(), jpeg_upload(), jpeg_upload()])


def test_every_refused_file_is_named():
    with pytest.raises(ValidationError) as error:
        photos.clean_photos([jpeg_upload(), text_upload("a.jpg"), text_upload("b.png")])
    assert len(error.value.messages) == 2
    assert "“a.jpg”" in error.value.messages[0]
    assert "“b.png”" in error.value.messages[1]
