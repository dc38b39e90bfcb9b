from pathlib import Path

import pytest
from django.conf import settings

from awards.models import Certificate
from awards.services import results_publish
from awards.services.certificates import (
    ResultsNotPublished,
    booklet_generate,
    certificates_generate,
)
from awards.tasks import certificates_for_edition
from config.storage import private_storage
from tests.documents import pdf_text

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    return pdf_text(content)


@pytest.fixture
def published(decided, admin_user):
    edition, projects = decided
    results_publish(edition=edition, by=admin_user)
    return edition, projects


def test_certificate_names_the_project_and_the_category(published):
    _, projects = published
    winner = projects[(2, "top")]

    certificate, letter = certificates_generate(project=winner)

    text = text_of(certificate.file.read())
    assert "Winner" in text
    assert winner.title in text
    assert "Category 2" in text
    letter_text = text_of(letter.file.read())
    assert "30 valid votes" in letter_text
    assert "ranked 1" in letter_text


def test_generating_twice_keeps_one_identical_file(published):
    _, projects = published
    champion = projects[(1, "top")]

    first = certificates_generate(project=champion)
    first_bytes = first[0].file.read()
    again = certificates_generate(project=champion)

    assert Certificate.objects.filter(project=champion).count() == 2  # certificate + letter
    assert again[0].pk == first[0].pk
    assert again[0].file.read() == first_bytes
    assert again[0].sha256 == first[0].sha256


def test_no_certificate_before_publication(decided):
    _, projects = decided

    with pytest.raises(ResultsNotPublished):
        certificates_generate(project=projects[(1, "top")])
    assert not Certificate.objects.exists()


def test_booklet_gathers_winners_and_champions(published):
    edition, projects = published

    name = booklet_generate(edition=edition, language="en")
    again = booklet_generate(edition=edition, language="en")

    assert name == again
    with private_storage().open(name, "rb") as booklet:
        text = text_of(booklet.read())
    assert "Success Stories" in text
    for key in [(1, "top"), (1, "second"), (2, "top"), (2, "second")]:
        assert projects[key].title in text
    assert projects[(1, "third")].title not in text


def test_task_makes_every_certificate(published):
    edition, _ = published

    count = certificates_for_edition(edition_id=edition.pk)

    assert count == 4
    assert Certificate.objects.filter(kind="certificate").count() == 4


def test_certificates_are_stored_privately_under_unguessable_names(published):
    _, projects = published
    winner = projects[(2, "top")]

    certificate, letter = certificates_generate(project=winner)

    for made in (certificate, letter):
        folder, year, name = made.file.name.split("/")
        assert (folder, year) == ("certificates", "2020")
        assert made.kind not in name
        assert len(name.removesuffix(".pdf")) >= 32
        path = Path(made.file.path)
        assert path.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
        assert not path.is_relative_to(settings.MEDIA_ROOT)
    assert certificate.file.name != letter.file.name
    with pytest.raises(ValueError):
        certificate.file.url  # noqa: B018  (no URL reaches a private file)
