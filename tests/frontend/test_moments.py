"""Moments as the server writes them: in UTC, in a <time> element local-time.js can read;
the browser side is in test_local_time_in_browser.py."""

from datetime import UTC, datetime, timedelta

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from awards.phases import Phase, timeline_around
from tests.factories import EditionFactory
from tests.frontend.html import attribute, find, page, text

pytestmark = pytest.mark.django_db

VOTING_CLOSES = datetime(2020, 8, 21, 21, 0, tzinfo=UTC)


@pytest.fixture
def edition():
    times = timeline_around(current=Phase.VOTING, at=datetime(2020, 7, 30, 9, 0, tzinfo=UTC))
    return EditionFactory(year=2020, **times)


def moments(response) -> dict[str, str]:
    return {
        attribute(element, "datetime"): text(element)
        for element in find(page(response), "time", class_="moment")
    }


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "America/New_York"])
def test_moments_are_written_in_utc_whatever_the_servers_zone(client, settings, edition, zone):
    settings.TIME_ZONE = zone

    shown = moments(client.get(reverse("frontend:edition", args=[2020])))

    assert shown[VOTING_CLOSES.isoformat()] == "21 August 2020, 21:00 UTC"
    assert len(shown) == 7, "six phases, each opening where the previous one closes"


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("fr", "21 août 2020 à 21:00 UTC"),
        ("ar", "21 أغسطس، 2020، 9:00 م UTC"),
        ("zh-hans", "2020年8月21日 21:00 UTC"),
    ],
)
def test_a_moment_joins_its_date_and_time_as_the_pages_language_does(
    client, edition, language, written
):
    with translation.override(language):
        url = reverse("frontend:edition", args=[2020])

    shown = moments(client.get(url))

    assert shown[VOTING_CLOSES.isoformat()] == written


def test_the_next_opening_between_phases_is_a_moment(client):
    edition = EditionFactory(year=2020, phase=Phase.NOMINATION)
    edition.nomination_closes_at = edition.nomination_opens_at + timedelta(hours=1)
    edition.save()

    response = client.get(reverse("frontend:edition", args=[2020]))

    [notice] = [p for p in find(page(response), "p") if "No phase is open now" in text(p)]
    [opening] = find(notice, "time", class_="moment")
    assert attribute(opening, "datetime") == edition.voting_opens_at.isoformat()
    assert text(opening).endswith("UTC")


def test_every_page_loads_the_local_time_script_once(client, edition):
    for address in (reverse("frontend:home"), reverse("account_login"), "/no-such-page/"):
        scripts = find(page(client.get(address)), "script")
        sources = [attribute(script, "src") for script in scripts]
        assert sources.count(static("frontend/local-time.js")) == 1, address
