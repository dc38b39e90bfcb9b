import re

import pytest
from allauth.mfa.models import Authenticator

from tests.factories import PASSWORD, ProjectFactory, UserFactory
from tests.mfa import totp_code

pytestmark = pytest.mark.django_db

STATISTICS = "/api/v1/editions/{year}/statistics/"


@pytest.fixture
def secretariat_without_mfa():
    return UserFactory(
        email="new.staff@example.org",
        is_staff=True,
        email_confirmed=True,
        roles=["Secretariat"],
    )


def test_admin_sends_secretariat_without_mfa_to_set_it_up(client, secretariat_without_mfa):
    client.force_login(secretariat_without_mfa)

    response = client.get("/admin/awards/project/", follow=True)

    assert response.redirect_chain[0][0] == "/accounts/2fa/totp/activate/"
    # allauth asks for the password again before an authenticator can be added.
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    assert "needs two-factor authentication" in response.content.decode()


def test_admin_opens_once_mfa_is_set_up_through_the_page(client, secretariat_without_mfa):
    logged_in = client.post(
        "/accounts/login/", {"login": secretariat_without_mfa.email, "password": PASSWORD}
    )
    assert logged_in.status_code == 302
    reauthenticated = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert reauthenticated.status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    # The secret the page shows, to type into an authenticator app.
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content.decode())[
        1
    ]

    activated = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})

    assert activated.status_code == 302
    assert Authenticator.objects.filter(
        user=secretariat_without_mfa, type=Authenticator.Type.TOTP
    ).exists()
    assert client.get("/admin/awards/project/").status_code == 200


def test_admin_login_is_the_sites_protected_login(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_admin_refuses_a_plain_account(client):
    client.force_login(UserFactory(email_confirmed=True))

    response = client.get("/admin/login/")

    assert response.status_code == 403


@pytest.fixture
def project():
    return ProjectFactory(status="submitted")


def test_statistics_for_secretariat_with_mfa(api_client, admin_user, project):
    api_client.force_authenticate(admin_user)

    response = api_client.get(STATISTICS.format(year=project.edition.year))

    assert response.status_code == 200
    assert response.json() == [
        {
            "number": project.category.number,
            "title": project.category.title,
            "by_status": {
                "draft": 0,
                "submitted": 1,
                "nominee": 0,
                "rejected": 0,
                "champion": 0,
                "winner": 0,
            },
        }
    ]


def test_statistics_refuse_secretariat_without_mfa(api_client, secretariat_without_mfa, project):
    api_client.force_authenticate(secretariat_without_mfa)

    response = api_client.get(STATISTICS.format(year=project.edition.year))

    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


@pytest.mark.parametrize(
    "who",
    [
        {"email_confirmed": True},
        {"email_confirmed": True, "mfa": True, "roles": ["Jury"]},
    ],
    ids=["voter", "jury member"],
)
def test_statistics_refuse_other_roles(api_client, project, who):
    api_client.force_authenticate(UserFactory(**who))

    response = api_client.get(STATISTICS.format(year=project.edition.year))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_statistics_refuse_anonymous(api_client, project):
    response = api_client.get(STATISTICS.format(year=project.edition.year))

    assert response.status_code == 401


def test_statistics_of_unknown_edition_is_404(api_client, admin_user):
    api_client.force_authenticate(admin_user)

    assert api_client.get(STATISTICS.format(year=1999)).status_code == 404
