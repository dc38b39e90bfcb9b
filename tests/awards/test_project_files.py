import importlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from awards.files import FileRefused
from awards.models import ProjectImage
from awards.services import (
    ProjectNotEditable,
    TooManyImages,
    project_document_set,
    project_image_remove,
    project_images_add,
    project_logo_set,
    project_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def image_bytes(fmt: str = "PNG", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.parametrize("fmt, extension", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_images_of_each_format_are_kept_named_after_their_content(draft, media, fmt, extension):
    images = project_images_add(
        project=draft, by=draft.submitted_by, uploads=[upload("photo.bin", image_bytes(fmt))]
    )

    assert images[0].image.name.endswith(f".{extension}")
    assert "photo" not in images[0].image.name
    assert len(stored_files(media)) == 1


def test_png_renamed_to_pdf_is_refused_as_document(draft, media):
    with pytest.raises(FileRefused) as refused:
        project_document_set(
            project=draft, by=draft.submitted_by, upload=upload("report.pdf", image_bytes())
        )

    assert refused.value.errors == {"document": ["report.pdf is not a PDF document."]}
    draft.refresh_from_db()
    assert not draft.document
    assert stored_files(media) == []


def test_text_file_renamed_to_jpg_is_refused(draft, media):
    with pytest.raises(FileRefused) as refused:
        project_images_add(
            project=draft, by=draft.submitted_by, uploads=[upload("photo.jpg", b"just text\n")]
        )

    assert refused.value.errors == {"images": ["photo.jpg is not a JPEG, PNG or WebP image."]}
    assert stored_files(media) == []


def test_gif_is_refused_even_though_it_is_an_image(draft, media):
    with pytest.raises(FileRefused) as refused:
        project_logo_set(
            project=draft, by=draft.submitted_by, upload=upload("logo.png", image_bytes("GIF"))
        )

    assert "is a GIF image: use JPEG, PNG or WebP" in refused.value.detail
    assert stored_files(media) == []


def test_image_over_5_mb_is_refused(draft, media):
    big = image_bytes() + b"\0" * (5 * 1024 * 1024)

    with pytest.raises(FileRefused) as refused:
        project_images_add(project=draft, by=draft.submitted_by, uploads=[upload("big.png", big)])

    assert "images may be 5 MB at most" in refused.value.detail
    assert stored_files(media) == []


def test_pdf_over_10_mb_is_refused(draft, media):
    big = PDF + b"\0" * (10 * 1024 * 1024)

    with pytest.raises(FileRefused) as refused:
        project_document_set(project=draft, by=draft.submitted_by, upload=upload("big.pdf", big))

    assert "the PDF may be 10 MB at most" in refused.value.detail
    assert stored_files(media) == []


def test_a_sixth_image_is_refused_and_none_of_the_batch_kept(draft, media):
    project_images_add(
        project=draft,
        by=draft.submitted_by,
        uploads=[upload(f"{n}.png", image_bytes()) for n in range(3)],
    )

    with pytest.raises(TooManyImages) as refused:
        project_images_add(
            project=draft,
            by=draft.submitted_by,
            uploads=[upload(f"more{n}.png", image_bytes()) for n in range(3)],
        )

    assert "may have 5 images: it has 3, and 3 more would be too many" in refused.value.detail
    assert draft.images.count() == 3
    assert len(stored_files(media)) == 3


def test_one_bad_file_in_a_batch_keeps_none(draft, media):
    with pytest.raises(FileRefused):
        project_images_add(
            project=draft,
            by=draft.submitted_by,
            uploads=[upload("good.png", image_bytes()), upload("bad.jpg", b"not an image")],
        )

    assert draft.images.count() == 0
    assert stored_files(media) == []


def test_pdf_is_kept_and_replaced(draft, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project_document_set(project=draft, by=draft.submitted_by, upload=upload("a.pdf", PDF))
        first = stored_files(media)
        project_document_set(project=draft, by=draft.submitted_by, upload=upload("b.pdf", PDF))

    assert len(first) == 1
    assert len(stored_files(media)) == 1
    assert stored_files(media) != first
    draft.refresh_from_db()
    assert draft.document.name.endswith(".pdf")


def test_logo_replacement_removes_the_old_file(draft, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project_logo_set(
            project=draft, by=draft.submitted_by, upload=upload("a.png", image_bytes())
        )
        project_logo_set(
            project=draft, by=draft.submitted_by, upload=upload("b.jpg", image_bytes("JPEG"))
        )

    files = stored_files(media)
    assert len(files) == 1
    assert files[0].suffix == ".jpg"


def test_removing_an_image_frees_its_place(draft, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = project_images_add(
            project=draft,
            by=draft.submitted_by,
            uploads=[upload("1.png", image_bytes()), upload("2.png", image_bytes())],
        )
        project_image_remove(project=draft, by=draft.submitted_by, image_id=first.pk)
        project_images_add(
            project=draft, by=draft.submitted_by, uploads=[upload("3.png", image_bytes())]
        )

    assert sorted(ProjectImage.objects.values_list("position", flat=True)) == [1, 2]
    assert len(stored_files(media)) == 2


def test_files_of_a_submitted_project_cannot_change(draft, media):
    project_submit(project=draft, by=draft.submitted_by)

    with pytest.raises(ProjectNotEditable):
        project_images_add(
            project=draft, by=draft.submitted_by, uploads=[upload("1.png", image_bytes())]
        )
    assert stored_files(media) == []


# --- Images are encoded anew: only their pixels are kept -----------------------------------


def stored_image(draft, content: bytes, name: str = "photo.jpg"):
    images = project_images_add(
        project=draft, by=draft.submitted_by, uploads=[upload(name, content)]
    )
    path = Path(images[0].image.path)
    return path.read_bytes(), Image.open(path)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds no pixels: opening it reads the size only."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_an_image_over_16_megapixels_is_refused(draft, media):
    big = image_bytes("PNG", size=(4001, 4000))

    with pytest.raises(FileRefused) as refused:
        project_images_add(project=draft, by=draft.submitted_by, uploads=[upload("big.png", big)])

    assert refused.value.errors == {
        "images": ["big.png is 4001 by 4000 pixels: images may have 16 megapixels at most."]
    }
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "width, message",
    [
        (5_000, "bomb.png is 5000 by 5000 pixels: images may have 16 megapixels at most."),
        (10_000, "bomb.png is 10000 by 10000 pixels: images may have 16 megapixels at most."),
        (50_000, "bomb.png has too many pixels: images may have 16 megapixels at most."),
    ],
)
def test_a_decompression_bomb_is_refused_before_it_is_decoded(draft, media, width, message):
    with pytest.raises(FileRefused) as refused:
        project_logo_set(
            project=draft,
            by=draft.submitted_by,
            upload=upload("bomb.png", png_header_only(width, width)),
        )

    assert refused.value.detail == message
    assert stored_files(media) == []


def test_a_truncated_image_is_refused(draft, media):
    # Even in a process that makes documents (WeasyPrint relaxes Pillow when loaded).
    importlib.import_module("awards.documents")
    truncated = image_bytes("JPEG", size=(400, 300))[:-200]

    with pytest.raises(FileRefused) as refused:
        project_logo_set(project=draft, by=draft.submitted_by, upload=upload("cut.jpg", truncated))

    assert refused.value.detail == "cut.jpg is not a JPEG, PNG or WebP image."


def test_exif_data_does_not_survive_and_the_orientation_is_applied(draft, media):
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x013B] = "Photographer Name"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="JPEG", exif=exif)

    content, stored = stored_image(draft, buffer.getvalue())

    assert b"SecretCameraMaker" not in content
    assert b"Photographer Name" not in content
    assert b"Exif" not in content
    assert dict(stored.getexif()) == {}
    assert stored.size == (30, 40)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_data_appended_to_an_image_does_not_survive(draft, media, fmt):
    polyglot = image_bytes(fmt) + b"<html><script>alert(document.cookie)</script></html>"

    content, stored = stored_image(draft, polyglot, name=f"photo.{fmt.lower()}")

    assert b"<script>" not in content
    assert stored.format == fmt
    assert stored.size == (40, 30)


def test_text_chunks_and_colour_profiles_do_not_survive(draft, media):
    from PIL import ImageCms, PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "<script>alert(1)</script>")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 90, 160)).save(
        buffer, format="PNG", pnginfo=text, icc_profile=profile
    )

    content, stored = stored_image(draft, buffer.getvalue(), name="logo.png")

    assert b"<script>" not in content
    assert "icc_profile" not in stored.info
    assert "Comment" not in stored.info
    assert stored.getpixel((0, 0)) == (20, 90, 160)


def test_a_transparent_png_stays_transparent(draft, media):
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 30), (20, 90, 160, 0)).save(buffer, format="PNG")

    _, stored = stored_image(draft, buffer.getvalue(), name="logo.png")

    assert stored.mode == "RGBA"
    assert stored.getpixel((0, 0))[3] == 0
