"""Uploads over their limit are refused while they arrive: nothing past the limit is
read, and nothing is left on disk (config.uploads, limits in awards.files)."""

import io
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

MEGABYTE = 1024 * 1024
BOUNDARY = "limit-test-boundary"
API = "/api/v1/editions/2020/my-projects/{pk}/{what}/"
PAGE = "/editions/2020/my-projects/{pk}/{what}/"


class MultipartStream(io.RawIOBase):
    """A multipart body whose files are ``sizes`` bytes of filler, made as it is read,
    counting what was read."""

    def __init__(self, field: str, sizes: list[int]) -> None:
        self.parts: list[bytes | int] = []
        for number, size in enumerate(sizes):
            self.parts += [
                (
                    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
                    f'filename="photo{number}.png"\r\nContent-Type: image/png\r\n\r\n'
                ).encode(),
                size,
                b"\r\n",
            ]
        self.parts.append(f"--{BOUNDARY}--\r\n".encode())
        self.size = sum(part if isinstance(part, int) else len(part) for part in self.parts)
        self.position = self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        offset = self.position
        for part in self.parts:
            length = part if isinstance(part, int) else len(part)
            if offset < length:
                count = min(len(buffer), length - offset)
                chunk = b"\0" * count if isinstance(part, int) else part[offset : offset + count]
                buffer[:count] = chunk
                self.position += count
                self.read_so_far += count
                return count
            offset -= length
        return 0


@pytest.fixture(autouse=True)
def temporary_uploads(settings, tmp_path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


def send(client, method: str, url: str, body: MultipartStream, declared: int | None = None):
    return getattr(client, method)(
        url,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(declared or body.size)},
    )


@pytest.fixture
def api_owner(submitter):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(submitter)
    return client


@pytest.fixture
def page_owner(submitter):
    client = Client(raise_request_exception=False)
    client.force_login(submitter)
    return client


def test_a_300_mb_logo_is_refused_before_a_byte_of_it_is_read(api_owner, draft, temporary_uploads):
    body = MultipartStream("file", [300 * MEGABYTE])

    response = send(api_owner, "put", API.format(pk=draft.pk, what="logo"), body)

    assert response.status_code == 413
    assert response.json() == {
        "detail": "What you sent is too large: images may be 5 MB at most.",
        "code": "file_too_large",
    }
    assert body.read_so_far == 0
    assert list(temporary_uploads.iterdir()) == []
    draft.refresh_from_db()
    assert not draft.logo


def test_a_logo_over_5_mb_is_refused_once_5_mb_have_arrived(api_owner, draft, temporary_uploads):
    """The declared length leaves room for the form's other fields: the file itself is
    counted as it arrives."""
    body = MultipartStream("file", [6 * MEGABYTE])

    response = send(api_owner, "put", API.format(pk=draft.pk, what="logo"), body)

    assert response.status_code == 413
    assert response.json() == {
        "detail": "photo0.png is too large: images may be 5 MB at most.",
        "code": "file_too_large",
    }
    assert body.read_so_far < 5 * MEGABYTE + 256 * 1024
    assert list(temporary_uploads.iterdir()) == []


def test_a_body_declaring_less_than_it_sends_is_read_no_further_than_declared(
    api_owner, draft, temporary_uploads
):
    body = MultipartStream("file", [300 * MEGABYTE])

    response = send(api_owner, "put", API.format(pk=draft.pk, what="logo"), body, MEGABYTE)

    assert response.status_code == 400
    assert body.read_so_far <= MEGABYTE
    assert list(temporary_uploads.iterdir()) == []


def test_a_pdf_over_10_mb_is_refused_with_the_pdfs_limit(api_owner, draft, temporary_uploads):
    body = MultipartStream("file", [11 * MEGABYTE])

    response = send(api_owner, "put", API.format(pk=draft.pk, what="document"), body)

    assert response.status_code == 413
    assert response.json()["detail"] == "photo0.png is too large: the PDF may be 10 MB at most."
    assert body.read_so_far < 10 * MEGABYTE + 256 * 1024
    assert list(temporary_uploads.iterdir()) == []


def test_a_pdf_of_9_mb_is_read_whole_and_judged_by_its_content(api_owner, draft):
    body = MultipartStream("file", [9 * MEGABYTE])

    response = send(api_owner, "put", API.format(pk=draft.pk, what="document"), body)

    assert response.status_code == 400
    assert response.json()["code"] == "file_refused"
    assert body.read_so_far == body.size


def test_a_sixth_image_in_one_request_is_refused_before_it_is_read(
    api_owner, draft, temporary_uploads
):
    body = MultipartStream("images", [MEGABYTE] * 6)

    response = send(api_owner, "post", API.format(pk=draft.pk, what="images"), body)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "At most 5 files can be sent at once.",
        "code": "too_many_files",
    }
    assert body.read_so_far < 5 * MEGABYTE + 256 * 1024
    assert list(temporary_uploads.iterdir()) == []
    assert draft.images.count() == 0


def test_an_outsider_is_refused_before_the_upload_is_read(api_client, draft):
    body = MultipartStream("file", [300 * MEGABYTE])

    response = send(api_client, "put", API.format(pk=draft.pk, what="logo"), body)

    assert response.status_code == 401
    assert body.read_so_far == 0


def test_the_admin_and_other_pages_refuse_a_300_mb_upload_unread(admin_user, temporary_uploads):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    body = MultipartStream("logo", [300 * MEGABYTE])

    response = send(client, "post", "/admin/awards/project/add/", body)

    assert response.status_code == 413
    assert body.read_so_far == 0
    assert list(temporary_uploads.iterdir()) == []


# --- The submitter's pages -----------------------------------------------------------------


@pytest.mark.parametrize(
    "what, field, sizes, message",
    [
        ("logo", "logo", [300 * MEGABYTE], "What you sent is too large: images may be 5 MB"),
        ("logo", "logo", [6 * MEGABYTE], "photo0.png is too large: images may be 5 MB at most."),
        ("images", "images", [MEGABYTE] * 6, "At most 5 files can be sent at once."),
        ("document", "document", [11 * MEGABYTE], "the PDF may be 10 MB at most."),
    ],
)
def test_the_page_says_which_limit_an_upload_passed(
    page_owner, draft, temporary_uploads, what, field, sizes, message
):
    body = MultipartStream(field, sizes)
    page = f"http://testserver/editions/2020/my-projects/{draft.pk}/"

    response = page_owner.post(
        PAGE.format(pk=draft.pk, what=what),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_REFERER=page,
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.size)},
    )

    html = response.content.decode()
    assert response.status_code in (400, 413)
    assert "Too much to send" in html
    assert message in html
    assert f'href="{page}"' in html
    assert body.read_so_far < body.size
    assert list(temporary_uploads.iterdir()) == []


def test_the_page_links_home_rather_than_to_another_sites_referer(page_owner, draft):
    body = MultipartStream("logo", [300 * MEGABYTE])

    response = page_owner.post(
        PAGE.format(pk=draft.pk, what="logo"),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_REFERER="https://elsewhere.example/",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.size)},
    )

    assert "elsewhere.example" not in response.content.decode()
    assert 'href="/"' in response.content.decode()


def test_the_drafts_page_refuses_a_file_over_the_pdfs_limit_unread(
    page_owner, draft, temporary_uploads
):
    # The page sends its files with its text: one request may carry a logo, images and
    # a PDF, each checked again by its own rule once it has arrived.
    body = MultipartStream("document", [11 * MEGABYTE])

    response = page_owner.post(
        f"/editions/2020/my-projects/{draft.pk}/",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.size)},
    )

    assert response.status_code == 413
    assert "images may be 5 MB and the PDF 10 MB at most." in response.content.decode()
    assert body.read_so_far < body.size
    assert list(temporary_uploads.iterdir()) == []
