"""Who may open the secretariat's pages: the outsiders every such page refuses, and
how it refuses each of them."""

from django.urls import reverse

from tests.factories import UserFactory
from tests.frontend.html import page, text

LOGIN = reverse("account_login")
MFA_ACTIVATE = reverse("mfa_activate_totp")

WHO_IS_REFUSED = ["anonymous", "plain", "jury", "secretariat_without_mfa"]


def sign_in(client, who: str) -> None:
    users = {
        "plain": lambda: UserFactory(email_confirmed=True),
        "jury": lambda: UserFactory(email_confirmed=True, mfa=True, roles=["Jury"]),
        "secretariat_without_mfa": lambda: UserFactory(
            is_staff=True, email_confirmed=True, roles=["Secretariat"]
        ),
    }
    if who != "anonymous":
        client.force_login(users[who]())


def assert_secretariat_refusal(response, who: str, url: str) -> None:
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={url}"
    elif who == "secretariat_without_mfa":
        assert response.status_code == 302
        assert response["Location"] == MFA_ACTIVATE == "/accounts/2fa/totp/activate/"
    else:
        assert response.status_code == 403
        assert "This page is for the WSIS Prizes secretariat." in text(page(response))
