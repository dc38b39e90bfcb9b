"""After the ceremony the site leads to its outcome: the home page and the header link to
the results, the ceremony and the booklet, and the nominees' cards and pages say who won.
Before the publication none of it shows (the embargo)."""

import pytest
from django.urls import reverse

from awards.services import results_publish
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS
from tests.frontend.html import attribute, find, page, text
from tests.frontend.test_results_pages import YEAR, decide, winner_of

pytestmark = pytest.mark.django_db

HOME = reverse("frontend:home")
RESULTS = reverse("frontend:results", args=[YEAR])
CEREMONY = reverse("frontend:ceremony", args=[YEAR])
BOOKLET = reverse("frontend:booklet", args=[YEAR])


def nav_links(response) -> dict[str, str]:
    [nav] = find(page(response), "nav", **{"aria-label": "Main"})
    return {text(a): attribute(a, "href") for a in find(nav, "a")}


def badges(response) -> list[str]:
    return [
        text(span)
        for span in find(page(response), "span")
        if (attribute(span, "class") or "").startswith("badge badge--")
        and text(span) in ("Winner", "Champion")
    ]


@pytest.fixture
def decided(admin_user):
    return decide(admin_user)


def test_during_the_ceremony_the_home_page_and_header_lead_to_it_and_nothing_of_the_outcome(
    client, decided
):
    _, projects = decided

    home = client.get(HOME)
    gallery = client.get(reverse("frontend:category", args=[YEAR, 1]))
    winner = client.get(reverse("frontend:nominee", args=[YEAR, winner_of(projects, 1).pk]))

    assert nav_links(home)["Ceremony"] == CEREMONY
    assert "Results" not in nav_links(home)
    [panel] = find(page(home), "section", class_="outcome-panel")
    assert [attribute(a, "href") for a in find(panel, "a")] == [CEREMONY]
    assert RESULTS not in home.content.decode() and BOOKLET not in home.content.decode()
    assert badges(gallery) == badges(winner) == []
    assert "Nominee ·" in text(page(winner))


def test_after_publication_home_and_header_lead_to_results_ceremony_and_booklet(
    client, decided, admin_user
):
    edition, _ = decided
    results_publish(edition=edition, by=admin_user)

    home = client.get(HOME)

    assert nav_links(home)["Results"] == RESULTS
    assert nav_links(home)["Ceremony"] == CEREMONY
    [panel] = find(page(home), "section", class_="outcome-panel")
    assert text(find(panel, "h2")[0]) == "The results are published"
    assert [(text(a), attribute(a, "href")) for a in find(panel, "a")] == [
        ("Winners and Champions", RESULTS),
        ("The ceremony", CEREMONY),
        ("Success Stories booklet (PDF)", BOOKLET),
    ]
    for url in (RESULTS, CEREMONY):
        assert client.get(url).status_code == 200


def test_after_publication_cards_and_pages_show_winner_and_champion_badges(
    client, decided, admin_user
):
    edition, projects = decided
    results_publish(edition=edition, by=admin_user)
    winner = winner_of(projects, 1)  # "second" in category 1
    champion = projects[(1, "top")]
    nominee = projects[(1, "third")]

    gallery = client.get(reverse("frontend:category", args=[YEAR, 1]))
    winner_page = client.get(reverse("frontend:nominee", args=[YEAR, winner.pk]))
    champion_page = client.get(reverse("frontend:nominee", args=[YEAR, champion.pk]))
    nominee_page = client.get(reverse("frontend:nominee", args=[YEAR, nominee.pk]))

    by_card = {
        text(find(card, "a")[0]): badges_of(card)
        for card in find(page(gallery), "li", class_="nominee-card")
    }
    assert by_card == {winner.title: ["Winner"], champion.title: ["Champion"], nominee.title: []}
    assert badges(winner_page) == ["Winner"]
    assert "Winner ·" in text(page(winner_page))
    assert badges(champion_page) == ["Champion"]
    assert badges(nominee_page) == []


def badges_of(card) -> list[str]:
    return [text(span) for span in find(card, "span") if text(span) in ("Winner", "Champion")]


def card_titles(response) -> list[str]:
    return sorted(
        text(find(card, "a")[0]) for card in find(page(response), "li", class_="nominee-card")
    )


def test_after_publication_the_gallery_filters_winners_and_champions(client, decided, admin_user):
    edition, projects = decided
    results_publish(edition=edition, by=admin_user)
    gallery = reverse("frontend:category", args=[YEAR, 1])

    everyone = client.get(gallery)
    champions = client.get(gallery, {"outcome": "champions"})
    winner = client.get(gallery, {"outcome": "winner"})
    wrong = client.get(gallery, {"outcome": "loser"})

    [field] = find(page(everyone), "select", name="outcome")
    assert [text(option) for option in find(field, "option")] == [
        "All nominees",
        "Champions (the Winner among them)",
        "Winner",
    ]
    assert card_titles(everyone) == sorted(p.title for (n, _), p in projects.items() if n == 1)
    assert card_titles(champions) == sorted(
        [projects[(1, "top")].title, winner_of(projects, 1).title]
    )
    assert card_titles(winner) == [winner_of(projects, 1).title]
    assert wrong.status_code == 200
    assert "Select a valid choice" in text(page(wrong))


def test_before_publication_the_gallery_has_no_outcome_filter_and_ignores_one(client, decided):
    _, projects = decided
    gallery = reverse("frontend:category", args=[YEAR, 1])

    response = client.get(gallery, {"outcome": "winner"})

    assert not find(page(response), "select", name="outcome")
    assert card_titles(response) == sorted(p.title for (n, _), p in projects.items() if n == 1)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 375])
def test_in_chromium_a_visitor_finds_the_results_and_the_winner_from_the_home_page(
    live_server, admin_user, width
):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    edition, projects = decide(admin_user)
    results_publish(edition=edition, by=admin_user)
    winner = winner_of(projects, 1)
    seen: dict[str, str] = {}

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.set_default_timeout(10_000)
            page.goto(f"{live_server.url}{HOME}")
            if width < 640:  # the phone's header folds its menu
                page.get_by_text("Menu").click()
            seen["nav"] = page.get_by_role("navigation", name="Main").inner_text()
            page.get_by_role("link", name="Winners and Champions").click()
            seen["results"] = page.locator("h1").inner_text()
            page.goto(f"{live_server.url}{reverse('frontend:category', args=[YEAR, 1])}")
            page.get_by_label("Outcome").select_option("winner")
            page.get_by_role("button", name="Show nominees").click()
            seen["cards"] = page.locator(".nominee-card").all_inner_texts()
            page.locator(".nominee-card__title a").first.click()
            seen["nominee"] = page.locator("h1").inner_text()
        finally:
            browser.close()

    assert "Results" in seen["nav"] and "Ceremony" in seen["nav"]
    assert seen["results"].startswith("Results")
    assert len(seen["cards"]) == 1 and winner.title in seen["cards"][0]
    assert winner.title in seen["nominee"] and "WINNER" in seen["nominee"].upper()
