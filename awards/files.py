"""Checks of uploaded files by their content, never by their name.

An accepted image is not kept as it came: it is decoded and encoded again, so that only
its pixels survive. Whatever rode along (EXIF data with a place and a camera, comments,
a script or an archive appended or hidden in a chunk to make a "polyglot" file) is gone,
and the stored file is an image and nothing else.
"""

import io
import warnings
from dataclasses import dataclass

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from awards.models import MAX_PROJECT_IMAGES
from config.errors import DomainError
from config.uploads import UploadLimits

MEGABYTE = 1024 * 1024
MAX_IMAGE_BYTES = 5 * MEGABYTE
MAX_DOCUMENT_BYTES = 10 * MEGABYTE
# 16 megapixels: more than any screen shows a logo or a photo at, and what a decoded
# image may take in memory stays bounded (a "decompression bomb" is refused before it
# is decoded).
MAX_IMAGE_PIXELS = 16_000_000
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ENCODER_OPTIONS = {
    "JPEG": {"quality": 90, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 90, "method": 4},
}
# The modes each format is written in; an image in another mode is converted.
WRITABLE_MODES = {
    "JPEG": {"L", "RGB"},
    "PNG": {"1", "L", "LA", "P", "RGB", "RGBA"},
    "WEBP": {"RGB", "RGBA"},
}

# What the upload endpoints and forms accept, checked while the files arrive
# (config.uploads): nothing past these is read.
IMAGE_TOO_LARGE = _("%(name)s is too large: images may be %(megabytes)d MB at most.")
LOGO_UPLOAD = UploadLimits(per_file=MAX_IMAGE_BYTES, files=1, too_large=IMAGE_TOO_LARGE)
IMAGES_UPLOAD = UploadLimits(
    per_file=MAX_IMAGE_BYTES, files=MAX_PROJECT_IMAGES, too_large=IMAGE_TOO_LARGE
)
DOCUMENT_UPLOAD = UploadLimits(
    per_file=MAX_DOCUMENT_BYTES,
    files=1,
    too_large=_("%(name)s is too large: the PDF may be %(megabytes)d MB at most."),
)

# A draft's page sends its files with its text: a logo, images and a PDF at once.
DRAFT_UPLOAD = UploadLimits(
    per_file=MAX_DOCUMENT_BYTES,
    files=1 + MAX_PROJECT_IMAGES + 1,
    too_large=_("%(name)s is too large: images may be 5 MB and the PDF 10 MB at most."),
)


class FileRefused(DomainError):
    code = "file_refused"
    default_detail = _("This file cannot be used.")


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose content was checked (for an image, its pixels encoded anew), and
    the extension its content calls for."""

    upload: File
    extension: str

    @property
    def name(self) -> str:
        return f"upload.{self.extension}"


def _name(upload: UploadedFile) -> str:
    return upload.name or gettext("The file")


def _in_srgb(image: Image.Image) -> Image.Image:
    """The image in sRGB, the colour space browsers assume when a file names none: its
    own colour profile is applied here rather than stored."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image
    try:
        return ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGB" if image.mode == "CMYK" else image.mode,
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile: the pixels as they are


def _encoded_anew(image: Image.Image, image_format: str) -> bytes:
    transparency = image.info.get("transparency")
    # The orientation of a photo is applied to its pixels, as the EXIF data goes.
    image = _in_srgb(ImageOps.exif_transpose(image))
    if image.mode not in WRITABLE_MODES[image_format]:
        alpha = "A" in image.getbands() and image_format != "JPEG"
        image = image.convert("RGBA" if alpha else "RGB")
        transparency = None
    # Only the pixels (and a palette's transparent entry) go into the new file.
    image.info = {} if transparency is None else {"transparency": transparency}
    output = io.BytesIO()
    image.save(output, format=image_format, **ENCODER_OPTIONS[image_format])
    return output.getvalue()


def image_check(upload: UploadedFile, *, field: str) -> CheckedFile:
    """A JPEG, PNG or WebP image of at most 5 MB and 16 megapixels, whatever its name
    says, encoded anew."""
    name = _name(upload)
    if upload.size > MAX_IMAGE_BYTES:
        raise FileRefused(
            gettext("%(name)s is %(size).1f MB: images may be 5 MB at most.")
            % {"name": name, "size": upload.size / MEGABYTE},
            field=field,
        )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Pillow warns of images past its own limit; ours, lower, refuses them below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)
        with image:
            image_format = image.format
            if image_format not in IMAGE_FORMATS:
                raise FileRefused(
                    gettext("%(name)s is a %(format)s image: use JPEG, PNG or WebP.")
                    % {"name": name, "format": image_format},
                    field=field,
                )
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise FileRefused(
                    gettext(
                        "%(name)s is %(width)d by %(height)d pixels: images may have "
                        "16 megapixels at most."
                    )
                    % {"name": name, "width": width, "height": height},
                    field=field,
                )
            image.load()  # the whole image decodes, or the file is refused
            content = _encoded_anew(image, image_format)
    except Image.DecompressionBombError:
        raise FileRefused(
            gettext("%(name)s has too many pixels: images may have 16 megapixels at most.")
            % {"name": name},
            field=field,
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise FileRefused(
            gettext("%(name)s is not a JPEG, PNG or WebP image.") % {"name": name}, field=field
        ) from None
    finally:
        upload.seek(0)
    extension = IMAGE_FORMATS[image_format]
    return CheckedFile(upload=ContentFile(content, name=f"upload.{extension}"), extension=extension)


def document_check(upload: UploadedFile, *, field: str) -> CheckedFile:
    """A PDF of at most 10 MB, whatever its name says."""
    name = _name(upload)
    if upload.size > MAX_DOCUMENT_BYTES:
        raise FileRefused(
            gettext("%(name)s is %(size).1f MB: the PDF may be 10 MB at most.")
            % {"name": name, "size": upload.size / MEGABYTE},
            field=field,
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not head.lstrip().startswith(b"%PDF-"):
        raise FileRefused(gettext("%(name)s is not a PDF document.") % {"name": name}, field=field)
    return CheckedFile(upload=upload, extension="pdf")
