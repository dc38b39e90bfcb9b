"""Checks of uploaded files by their content, never by their name."""

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from config.errors import DomainError

MEGABYTE = 1024 * 1024
MAX_IMAGE_BYTES = 5 * MEGABYTE
MAX_DOCUMENT_BYTES = 10 * MEGABYTE
# Far above any photo or logo; refuses "decompression bombs" before they are decoded.
MAX_IMAGE_PIXELS = 50_000_000
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class FileRefused(DomainError):
    code = "file_refused"
    default_detail = "This file cannot be used."


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose content was checked, and the extension its content calls for."""

    upload: UploadedFile
    extension: str

    @property
    def name(self) -> str:
        return f"upload.{self.extension}"


def _name(upload: UploadedFile) -> str:
    return upload.name or "The file"


def image_check(upload: UploadedFile, *, field: str) -> CheckedFile:
    """A JPEG, PNG or WebP image of at most 5 MB, whatever its name says."""
    if upload.size > MAX_IMAGE_BYTES:
        raise FileRefused(
            f"{_name(upload)} is {upload.size / MEGABYTE:.1f} MB: images may be 5 MB at most.",
            field=field,
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise FileRefused(f"{_name(upload)} has too many pixels.", field=field)
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise FileRefused(
            f"{_name(upload)} is not a JPEG, PNG or WebP image.", field=field
        ) from None
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise FileRefused(
            f"{_name(upload)} is a {image_format} image: use JPEG, PNG or WebP.", field=field
        )
    return CheckedFile(upload=upload, extension=IMAGE_FORMATS[image_format])


def document_check(upload: UploadedFile, *, field: str) -> CheckedFile:
    """A PDF of at most 10 MB, whatever its name says."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise FileRefused(
            f"{_name(upload)} is {upload.size / MEGABYTE:.1f} MB: the PDF may be 10 MB at most.",
            field=field,
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not head.lstrip().startswith(b"%PDF-"):
        raise FileRefused(f"{_name(upload)} is not a PDF document.", field=field)
    return CheckedFile(upload=upload, extension="pdf")
