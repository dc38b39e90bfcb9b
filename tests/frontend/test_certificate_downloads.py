import pytest

from awards.services import results_publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(decided, admin_user):
    edition, projects = decided
    results_publish(edition=edition, by=admin_user)
    return edition, projects


def certificate_url(project, kind="certificate"):
    return f"/editions/2020/my-projects/{project.pk}/{kind}.pdf"


def test_submitter_downloads_own_certificate_and_letter(client, published):
    _, projects = published
    winner = projects[(2, "top")]
    client.force_login(winner.submitted_by)

    for kind in ("certificate", "champion_letter"):
        response = client.get(certificate_url(winner, kind))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_someone_else_cannot_download_it(client, published):
    _, projects = published
    client.force_login(UserFactory(email_confirmed=True))

    assert client.get(certificate_url(projects[(2, "top")])).status_code == 404


def test_a_nominee_that_was_not_shortlisted_has_no_certificate(client, published, admin_user):
    _, projects = published
    third = projects[(2, "third")]  # not among the two Champions of its category

    for user in (third.submitted_by, admin_user):
        client.force_login(user)
        assert client.get(certificate_url(third)).status_code == 404


def test_secretariat_downloads_any_certificate(client, published, admin_user):
    _, projects = published
    client.force_login(admin_user)

    assert client.get(certificate_url(projects[(1, "second")])).status_code == 200


def test_anonymous_is_sent_to_log_in(client, published):
    _, projects = published

    response = client.get(certificate_url(projects[(2, "top")]))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_nothing_before_publication(client, decided):
    _, projects = decided
    winner = projects[(2, "top")]
    client.force_login(winner.submitted_by)

    assert client.get(certificate_url(winner)).status_code == 404
    assert client.get("/editions/2020/success-stories.pdf").status_code == 404


def test_booklet_is_public_once_published(client, published):
    response = client.get("/editions/2020/success-stories.pdf")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_project_page_offers_the_certificates_only_once_published(client, decided, admin_user):
    edition, projects = decided
    winner = projects[(2, "top")]
    winner.submitted_by.emailaddress_set.create(
        email=winner.submitted_by.email, verified=True, primary=True
    )
    client.force_login(winner.submitted_by)
    page = f"/editions/2020/my-projects/{winner.pk}/"

    before = client.get(page).content.decode()
    results_publish(edition=edition, by=admin_user)
    after = client.get(page).content.decode()

    assert certificate_url(winner) not in before
    assert certificate_url(winner) in after
