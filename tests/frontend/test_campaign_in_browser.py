"""The campaign block in real Chromium: the QR code shows, and the button copies the
share link, under the Content-Security-Policy."""

import pytest
from django.urls import reverse

from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.frontend.browser import CHROMIUM
from tests.frontend.test_csp_in_browser import browse, sync_api  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_submitter_copies_the_share_link_and_sees_its_qr_code(browse, live_server):  # noqa: F811
    owner = UserFactory(email_confirmed=True)
    edition = EditionFactory(year=2020, phase=Phase.VOTING)
    nominee = ProjectFactory(
        category=CategoryFactory(edition=edition, number=3), submitted_by=owner
    )
    browser = browse(owner)
    browser.page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    browser.open(reverse("frontend:my-project", args=[2020, nominee.pk]))
    browser.page.get_by_role("button", name="Copy the link").click()
    browser.page.get_by_text("Copied").wait_for()
    copied = browser.page.evaluate("navigator.clipboard.readText()")
    qr_width = browser.page.locator(".campaign__qr img").evaluate("image => image.naturalWidth")

    assert copied == f"{live_server.url}/n/{nominee.pk}/"
    assert qr_width > 0
    assert browser.violations() == []
