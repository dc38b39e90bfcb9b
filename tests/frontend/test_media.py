"""The projects' files at MEDIA_URL, with DEBUG off as in production: a nominee's to
everyone, a draft's to its submitter and the secretariat; the certificates and letters
nowhere under it, only through their download view."""

import importlib
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from awards.models import Certificate, ProjectImage, ProjectStatus
from awards.services import results_publish
from awards.services.certificates import certificates_generate
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def with_files(status: str = ProjectStatus.NOMINEE, **fields):
    """A project with a logo, an image and a PDF, stored as uploads are."""
    project = ProjectFactory(status=status, **fields)
    project.logo.save("logo.png", ContentFile(png()), save=False)
    project.document.save("document.pdf", ContentFile(PDF), save=False)
    project.save()
    image = ProjectImage(project=project, position=1)
    image.image.save("image.png", ContentFile(png()), save=True)
    return project


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_nominees_files_are_served_to_everyone_with_public_caching(client):
    nominee = with_files()

    logo = client.get(nominee.logo.url)
    image = client.get(nominee.images.get().image.url)
    document = client.get(nominee.document.url)

    assert nominee.logo.url.startswith(settings.MEDIA_URL)
    assert (logo.status_code, logo["Content-Type"]) == (200, "image/png")
    assert content(logo) == Path(nominee.logo.path).read_bytes()
    assert logo["Cache-Control"] == "public, max-age=86400"
    assert "Cookie" not in logo.get("Vary", "")
    assert (image.status_code, image["Content-Type"]) == (200, "image/png")
    assert (document.status_code, document["Content-Type"]) == (200, "application/pdf")
    assert document["Content-Disposition"].startswith("attachment;")
    assert content(document) == PDF


def test_an_unchanged_file_answers_304(client):
    nominee = with_files()
    first = client.get(nominee.logo.url)

    again = client.get(nominee.logo.url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again["Cache-Control"] == "public, max-age=86400"


@pytest.mark.parametrize(
    "status", [ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.REJECTED]
)
def test_a_projects_files_before_nomination_are_its_submitters_and_the_secretariats(
    client, admin_user, status
):
    project = with_files(status=status)
    urls = [project.logo.url, project.document.url, project.images.get().image.url]

    anonymous = [client.get(url).status_code for url in urls]
    client.force_login(UserFactory(email_confirmed=True))
    outsider = [client.get(url).status_code for url in urls]
    client.force_login(project.submitted_by)
    owner = client.get(project.logo.url)
    client.force_login(admin_user)
    secretariat = [client.get(url).status_code for url in urls]

    assert anonymous == outsider == [404, 404, 404]
    assert owner.status_code == 200
    assert owner["Cache-Control"] == "private, no-cache"
    assert secretariat == [200, 200, 200]


def test_a_replaced_file_is_no_longer_served(client):
    nominee = with_files()
    old_url = nominee.logo.url
    nominee.logo.save("logo.png", ContentFile(png()), save=True)

    assert Path(settings.MEDIA_ROOT, old_url.removeprefix(settings.MEDIA_URL)).exists()
    assert client.get(old_url).status_code == 404
    assert client.get(nominee.logo.url).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "projects/{edition}/{project}/../../../../config/settings.py",
        "projects/{edition}/{project}/logo.png",
        "projects/{edition}/999999/{name}",
        "projects/0/{project}/{name}",
        "{edition}/{project}/{name}",
        "booklets/2020/wsis-prizes-2020-success-stories.pdf",
        "",
    ],
)
def test_anything_else_under_media_is_not_found(client, path):
    nominee = with_files()
    name = nominee.logo.name.rsplit("/", 1)[-1]
    url = settings.MEDIA_URL + path.format(
        edition=nominee.edition_id, project=nominee.pk, name=name
    )

    assert client.get(url).status_code == 404


def test_media_cannot_be_written(client):
    nominee = with_files()

    assert client.post(nominee.logo.url).status_code == 405


# --- Certificates and letters are private ----------------------------------------------------


@pytest.fixture
def certificates(decided, admin_user):
    edition, projects = decided
    results_publish(edition=edition, by=admin_user)
    winner = projects[(2, "top")]
    return winner, certificates_generate(project=winner)


def test_certificates_are_outside_media_and_reached_by_no_url(client, certificates):
    winner, made = certificates
    client.force_login(winner.submitted_by)

    for certificate in made:
        assert not Path(certificate.file.path).is_relative_to(settings.MEDIA_ROOT)
        assert client.get(settings.MEDIA_URL + certificate.file.name).status_code == 404
        assert client.get(f"/private-media/{certificate.file.name}").status_code == 404


def test_the_owner_downloads_the_private_file_through_the_view(client, certificates):
    winner, made = certificates
    client.force_login(winner.submitted_by)

    for certificate in made:
        response = client.get(f"/editions/2020/my-projects/{winner.pk}/{certificate.kind}.pdf")
        assert response.status_code == 200
        assert content(response) == Path(certificate.file.path).read_bytes()


def test_another_account_and_anonymous_cannot_download_it(client, certificates):
    winner, _ = certificates
    url = f"/editions/2020/my-projects/{winner.pk}/certificate.pdf"

    anonymous = client.get(url)
    client.force_login(UserFactory(email_confirmed=True))
    outsider = client.get(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert outsider.status_code == 404


def test_the_admin_links_certificates_to_their_download_view(client, admin_user, certificates):
    winner, made = certificates
    client.force_login(admin_user)

    listing = client.get("/admin/awards/certificate/").content.decode()
    one = client.get(f"/admin/awards/certificate/{made[0].pk}/change/")

    assert f'href="/editions/2020/my-projects/{winner.pk}/certificate.pdf"' in listing
    assert one.status_code == 200
    assert made[0].file.name not in one.content.decode()


def test_certificates_made_before_move_to_private_storage(decided):
    """The migration that made certificates private moves the files already made."""
    _, projects = decided
    project = projects[(2, "top")]
    old_name = default_storage.save(
        f"certificates/2020/{project.pk}-certificate.pdf", ContentFile(PDF)
    )
    kept = Certificate.objects.create(project=project, kind="certificate", file=old_name)
    lost = Certificate.objects.create(
        project=project, kind="champion_letter", file="certificates/2020/gone.pdf"
    )
    migration = importlib.import_module("awards.migrations.0013_certificates_in_private_storage")

    migration.move_to_private_storage(apps, None)

    kept.refresh_from_db()
    assert kept.file.name.startswith("certificates/2020/")
    assert kept.file.name != old_name
    assert Path(kept.file.path).read_bytes() == PDF
    assert Path(kept.file.path).is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert not default_storage.exists(old_name)
    assert not Certificate.objects.filter(pk=lost.pk).exists()
