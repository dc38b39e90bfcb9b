import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.test.html import Element
from django.urls import reverse

from accounts.decorators import EMAIL_NOT_CONFIRMED_MESSAGE
from awards.models import ActionLine, ProjectStatus
from awards.phases import Phase
from awards.selectors import nominee_list, nominees_in_voter_order
from awards.services import edition_categories_create_standard
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS
from tests.frontend.html import attribute, find, h1, page, text
from voting.models import Vote, VoteEvent

pytestmark = pytest.mark.django_db

YEAR = 2020
BALLOT = reverse("frontend:ballot", args=[YEAR])
LOGIN = reverse("account_login")
CLOSED = "Public online voting is not open"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def edition():
    return EditionFactory(year=YEAR, phase=Phase.VOTING)


@pytest.fixture
def categories(edition):
    """Three categories, each with two nominees."""
    made = [
        CategoryFactory(edition=edition, number=number, title=title)
        for number, title in ((1, "Public governance"), (2, "Infrastructure"), (3, "Access"))
    ]
    for category in made:
        for n in (1, 2):
            ProjectFactory(category=category, title=f"{category.title} project {n}")
    return made


@pytest.fixture
def voter():
    return UserFactory(name="Vera Voter", email="vera@example.org", email_confirmed=True)


@pytest.fixture
def signed_in(client, voter):
    client.force_login(voter)
    return client


def category_url(number: int = 3, year: int = YEAR) -> str:
    return reverse("frontend:ballot-category", args=[year, number])


def confirm_url(number: int = 3, year: int = YEAR) -> str:
    return reverse("frontend:ballot-confirm", args=[year, number])


def withdraw_url(number: int = 3, year: int = YEAR) -> str:
    return reverse("frontend:ballot-withdraw", args=[year, number])


def nominees_of(category) -> list:
    return list(nominee_list(edition=category.edition).filter(category=category).order_by("pk"))


def messages_shown(response) -> list[str]:
    return [text(item) for item in find(page(response), "li", class_="message")]


def progress(response) -> str:
    [label] = find(page(response), "p", class_="ballot-progress__label")
    return text(label)


def rows(response) -> list[Element]:
    return find(page(response), "li", class_="ballot-row")


def row_of(response, title: str) -> Element:
    [row] = [row for row in rows(response) if title in text(find(row, "h3")[0])]
    return row


def cards(response) -> list[Element]:
    return find(page(response), "li", class_="ballot-card")


def vote_buttons(response) -> list[Element]:
    """The category page's "Vote for this project" buttons, one per nominee not voted for."""
    return find(page(response), "button", name="nominee")


def open_category_links(response) -> list[Element]:
    """The ballot's links to the categories not voted in yet."""
    return [a for a in find(page(response), "a") if text(a).startswith("Vote in category")]


def rule_statement(response) -> str | None:
    found = find(page(response), "p", class_="ballot-rule")
    return text(found[0]) if found else None


def vote_of(voter, category) -> int | None:
    vote = Vote.objects.filter(voter=voter, category=category).first()
    return vote.nominee_id if vote else None


def cast(client, category, nominee, *, follow: bool = True):
    """Confirm a vote, as the confirm page's button does."""
    return client.post(
        confirm_url(category.number), {"nominee": nominee.pk, "confirmed": "1"}, follow=follow
    )


def click_vote(client, category, nominee, *, follow: bool = True):
    """A click on the category page's "Vote for this project" button of ``nominee``."""
    return client.post(confirm_url(category.number), {"nominee": nominee.pk}, follow=follow)


# The whole flow


def test_vote_flow_from_the_ballot_to_a_recorded_vote(signed_in, voter, categories):
    access = categories[2]
    chosen = nominees_of(access)[1]

    ballot = signed_in.get(BALLOT)
    assert ballot.status_code == 200
    assert h1(ballot) == "My ballot"
    assert progress(ballot) == "0 of 3 categories voted"
    [start] = find(page(ballot), "p", class_="ballot-next")
    assert text(start) == "Start voting"
    assert attribute(find(start, "a")[0], "href") == category_url(1)
    [vote_link] = find(row_of(ballot, "Access"), "a")
    assert text(vote_link) == "Vote in category 3, Access"
    assert attribute(vote_link, "href") == category_url(3)

    choose = signed_in.get(attribute(vote_link, "href"))
    assert choose.status_code == 200
    [form] = find(page(choose), "form", class_="ballot-form")
    assert (attribute(form, "method"), attribute(form, "action")) == ("post", confirm_url(3))
    buttons = vote_buttons(choose)
    assert sorted(int(attribute(button, "value")) for button in buttons) == sorted(
        nominee.pk for nominee in nominees_of(access)
    )
    [button] = [b for b in buttons if attribute(b, "value") == str(chosen.pk)]
    assert text(button) == f"Vote for this project {chosen.title}"
    assert not Vote.objects.exists(), "the category page changes nothing"

    # One click on the nominee's button votes, and leads on to the next category
    # without a vote (after the last one, the first).
    recorded = click_vote(signed_in, access, chosen)

    assert recorded.redirect_chain[-1][0] == category_url(1)
    assert vote_of(voter, access) == chosen.pk
    assert messages_shown(recorded) == ["Your vote in “Access” is recorded."]
    assert progress(recorded) == "1 of 3 categories voted"
    [progress_bar] = find(page(recorded), "progress")
    assert (attribute(progress_bar, "value"), attribute(progress_bar, "max")) == ("1", "3")
    [back] = find(page(recorded), "p", class_="back-link")
    assert (text(back), attribute(find(back, "a")[0], "href")) == ("My ballot", BALLOT)

    ballot = signed_in.get(BALLOT)
    row = row_of(ballot, "Access")
    assert f"Your vote: {chosen.title}" in text(row)
    assert [text(a) for a in find(row, "a")] == [
        chosen.title,
        "Change your vote in category 3, Access",
    ]
    [next_link] = find(page(ballot), "p", class_="ballot-next")
    assert text(next_link) == "Vote in the next category (1)"


def test_the_ballot_receipt_says_when_each_vote_was_cast_and_changed(signed_in, voter, categories):
    access = categories[2]
    cast(signed_in, access, nominees_of(access)[0])
    vote = Vote.objects.get(voter=voter)
    Vote.objects.filter(pk=vote.pk).update(
        cast_at=datetime(2020, 3, 2, 9, 0, tzinfo=UTC),
        changed_at=datetime(2020, 3, 2, 9, 0, tzinfo=UTC),
    )

    cast_only = row_of(signed_in.get(BALLOT), "Access")
    Vote.objects.filter(pk=vote.pk).update(changed_at=datetime(2020, 3, 5, 17, 30, tzinfo=UTC))
    changed = row_of(signed_in.get(BALLOT), "Access")

    [receipt] = find(cast_only, "p", class_="ballot-row__receipt")
    assert text(receipt) == "Cast 2 March 2020, 09:00 UTC"
    [receipt] = find(changed, "p", class_="ballot-row__receipt")
    assert text(receipt) == "Cast 2 March 2020, 09:00 UTC ; changed 5 March 2020, 17:30 UTC"
    [time_element] = find(receipt, "time")[:1]
    assert attribute(time_element, "datetime") == "2020-03-02T09:00:00+00:00"


def test_a_voter_votes_in_all_18_categories_following_the_ballot(signed_in, voter, edition):
    standard = edition_categories_create_standard(edition=edition)
    for category in standard:
        for n in (1, 2):
            ProjectFactory(category=category, title=f"{category.title} project {n}")

    ballot = signed_in.get(BALLOT)
    assert progress(ballot) == "0 of 18 categories voted"
    [start] = find(page(ballot), "p", class_="ballot-next")
    here = signed_in.get(attribute(find(start, "a")[0], "href"))
    for voted in range(1, 19):
        # Each vote is one click on the first nominee's button; it leads on to the next
        # category without a vote, and after the last to the ballot.
        [form] = find(page(here), "form", class_="ballot-form")
        nominee = attribute(vote_buttons(here)[0], "value")
        here = signed_in.post(attribute(form, "action"), {"nominee": nominee}, follow=True)
        assert progress(here) == f"{voted} of 18 categories voted"

    assert here.redirect_chain[-1][0] == BALLOT
    assert not open_category_links(here)
    assert not find(page(here), "p", class_="ballot-next")
    assert set(Vote.objects.filter(voter=voter).values_list("category_id", flat=True)) == {
        category.pk for category in standard
    }


def test_vote_change_is_recorded_as_changed(signed_in, voter, categories):
    access = categories[2]
    first, second = nominees_of(access)
    cast(signed_in, access, first)

    response = cast(signed_in, access, second)

    assert vote_of(voter, access) == second.pk
    assert Vote.objects.filter(voter=voter).count() == 1
    assert messages_shown(response) == ["Your vote in “Access” is changed."]
    assert progress(response) == "1 of 3 categories voted"


def test_vote_confirmed_twice_makes_no_second_vote(signed_in, voter, categories):
    access = categories[2]
    nominee = nominees_of(access)[0]
    cast(signed_in, access, nominee)

    response = cast(signed_in, access, nominee)

    assert Vote.objects.filter(voter=voter).count() == 1
    assert VoteEvent.objects.filter(voter=voter).count() == 1
    assert messages_shown(response) == ["Your vote in “Access” was already recorded."]
    assert progress(response) == "1 of 3 categories voted"


def test_a_change_is_confirmed_before_it_is_recorded(signed_in, voter, categories):
    access = categories[2]
    first, second = nominees_of(access)
    click_vote(signed_in, access, first)
    choose = signed_in.get(category_url(3))
    # The nominee voted for has no button; the other one's says it replaces the vote.
    [button] = vote_buttons(choose)
    assert text(button) == f"Vote for this project instead {second.title}"

    asked = click_vote(signed_in, access, second)

    assert asked.status_code == 200
    assert h1(asked) == "Confirm the change of your vote"
    [replaces] = find(page(asked), "p", class_="notice")
    assert text(replaces) == f"This replaces your vote for {first.title} ."
    assert vote_of(voter, access) == first.pk, "nothing changes before the confirmation"
    [confirm_form] = find(page(asked), "form", class_="ballot-confirm")
    fields = {
        attribute(field, "name"): attribute(field, "value")
        for field in find(confirm_form, "input", type="hidden")
        if attribute(field, "name") != "csrfmiddlewaretoken"
    }
    assert fields == {"nominee": str(second.pk), "confirmed": "1"}
    assert text(find(confirm_form, "button")[0]) == "Confirm the change"

    changed = signed_in.post(attribute(confirm_form, "action"), fields, follow=True)

    assert vote_of(voter, access) == second.pk
    assert messages_shown(changed) == ["Your vote in “Access” is changed."]


def test_vote_withdrawn_from_the_category_page_after_a_confirmation(signed_in, voter, categories):
    access = categories[2]
    nominee = nominees_of(access)[0]
    cast(signed_in, access, nominee)
    choose = signed_in.get(category_url(3))
    [withdraw] = [a for a in find(page(choose), "a") if text(a) == "Withdraw my vote"]
    assert attribute(withdraw, "href") == withdraw_url(3)

    asked = signed_in.get(withdraw_url(3))

    assert asked.status_code == 200
    assert h1(asked) == "Withdraw your vote?"
    assert f"Your vote for {nominee.title} in category 3, Access, will be withdrawn" in text(
        page(asked)
    )
    assert vote_of(voter, access) == nominee.pk, "asking changes nothing"
    [form] = [f for f in find(page(asked), "form") if attribute(f, "action") == withdraw_url(3)]
    assert attribute(form, "method") == "post"
    assert text(find(form, "button")[0]) == "Withdraw my vote"
    [keep] = [a for a in find(form, "a") if text(a) == "Keep my vote"]
    assert attribute(keep, "href") == category_url(3)

    response = signed_in.post(withdraw_url(3), follow=True)

    assert vote_of(voter, access) is None
    assert messages_shown(response) == ["Your vote in “Access” is withdrawn."]
    assert progress(response) == "0 of 3 categories voted"
    assert not [a for a in find(page(response), "a") if attribute(a, "href") == withdraw_url(3)]
    assert "Your vote" not in text(find(page(response), "main")[0])


def test_withdraw_without_a_vote_says_so(signed_in, categories):
    response = signed_in.post(withdraw_url(3), follow=True)

    assert response.status_code == 200
    assert messages_shown(response) == ["You have no vote in “Access” to withdraw."]


def test_withdraw_by_get_changes_nothing(signed_in, voter, categories):
    access = categories[2]
    nominee = nominees_of(access)[0]
    cast(signed_in, access, nominee)

    response = signed_in.get(withdraw_url(3))

    assert response.status_code == 200  # the confirmation
    assert vote_of(voter, access) == nominee.pk


def test_withdraw_page_without_a_vote_leads_back_to_the_category(signed_in, categories):
    response = signed_in.get(withdraw_url(3))

    assert response.status_code == 302
    assert response["Location"] == category_url(3)


def test_category_page_marks_my_vote_and_the_last_choice(signed_in, categories):
    access = categories[2]
    mine, other = nominees_of(access)
    cast(signed_in, access, mine)

    response = signed_in.get(category_url(3))

    [current] = find(page(response), "li", class_="ballot-card--current")
    assert text(find(current, "h3")[0]) == f"{mine.title} Your vote"
    assert not find(current, "button")
    [current_vote] = find(page(response), "p", class_="ballot-current__vote")
    assert text(current_vote) == f"Your vote in this category: {mine.title}"

    # "Choose again" from the confirm step marks the last choice.
    again = signed_in.get(category_url(3), {"nominee": other.pk})
    [selected] = find(page(again), "li", class_="is-selected")
    assert other.title in text(selected)


def test_category_card_shows_title_organisation_country_excerpt_and_link(signed_in, edition):
    category = CategoryFactory(edition=edition, number=3, title="Access")
    nominee = ProjectFactory(
        category=category,
        title="Village libraries",
        organisation_name="Read Together",
        country="SN",
        short_description=" ".join(f"word{n}" for n in range(100)),
    )

    [card] = cards(signed_in.get(category_url(3)))

    assert text(find(card, "h3")[0]) == "Village libraries"
    [button] = find(card, "button")
    assert (attribute(button, "name"), attribute(button, "value")) == ("nominee", str(nominee.pk))
    assert text(button) == "Vote for this project Village libraries"
    assert "Read Together" in text(card)
    assert "Senegal" in text(card)
    [excerpt] = find(card, "p", class_="ballot-card__excerpt")
    assert text(excerpt).startswith("word0 word1")
    assert text(excerpt).endswith("word29 …")
    [link] = find(card, "a")
    assert attribute(link, "href") == reverse("frontend:nominee", args=[YEAR, nominee.pk])


def test_confirm_step_says_what_the_vote_replaces(signed_in, categories):
    access = categories[2]
    mine, other = nominees_of(access)
    cast(signed_in, access, mine)

    replacing = signed_in.get(confirm_url(3), {"nominee": other.pk})
    again = signed_in.get(confirm_url(3), {"nominee": mine.pk})

    [replaces] = find(page(replacing), "p", class_="notice")
    assert text(replaces) == f"This replaces your vote for {mine.title} ."
    [same] = find(page(again), "p", class_="notice")
    assert text(same) == "This is already your vote in this category."


def test_header_has_a_vote_link_during_voting(client, categories):
    response = client.get(reverse("frontend:home"))

    [nav] = find(page(response), "nav")
    [vote] = [link for link in find(nav, "a") if text(link) == "Vote"]
    assert attribute(vote, "href") == BALLOT


@pytest.mark.parametrize("phase", [Phase.NOMINATION, Phase.JURY])
def test_header_has_no_vote_link_outside_voting(client, phase):
    EditionFactory(year=YEAR, phase=phase)

    response = client.get(reverse("frontend:home"))

    [nav] = find(page(response), "nav")
    assert "Vote" not in [text(link) for link in find(nav, "a")]


# Each voter's own order


def test_voter_order_is_each_voters_own_and_stable(client, edition):
    category = CategoryFactory(edition=edition, number=3, title="Access")
    for n in range(8):
        ProjectFactory(category=category, title=f"Nominee {n}")
    first, second = UserFactory(email_confirmed=True), UserFactory(email_confirmed=True)

    def order_seen_by(voter) -> list[int]:
        client.force_login(voter)
        return [
            int(attribute(button, "value")) for button in vote_buttons(client.get(category_url(3)))
        ]

    first_order, second_order = order_seen_by(first), order_seen_by(second)

    assert first_order != second_order
    assert sorted(first_order) == sorted(second_order)
    assert order_seen_by(first) == first_order
    assert order_seen_by(second) == second_order
    for voter, seen in ((first, first_order), (second, second_order)):
        own = nominees_in_voter_order(
            nominee_list(edition=edition).filter(category=category), edition=edition, voter=voter
        )
        assert seen == [nominee.pk for nominee in own]


# The complete-ballot rule


@pytest.fixture
def complete_ballot_edition(edition):
    edition.complete_ballot_required = True
    edition.save()
    return edition


def test_complete_ballot_statement_counts_the_missing_categories(
    signed_in, complete_ballot_edition, categories
):
    cast(signed_in, categories[0], nominees_of(categories[0])[0])

    response = signed_in.get(BALLOT)

    assert rule_statement(response) == (
        "This edition counts a ballot only if it has a vote in every category: 2 categories "
        "are still missing, so none of your votes would count if voting closed now."
    )


def test_complete_ballot_statement_for_one_missing_category(
    signed_in, complete_ballot_edition, categories
):
    for category in categories[:2]:
        cast(signed_in, category, nominees_of(category)[0])

    response = signed_in.get(BALLOT)

    assert "1 category is still missing, so none of your votes" in rule_statement(response)


def test_complete_ballot_statement_gone_once_complete(
    signed_in, complete_ballot_edition, categories
):
    for category in categories:
        cast(signed_in, category, nominees_of(category)[0])

    response = signed_in.get(BALLOT)

    assert progress(response) == "3 of 3 categories voted"
    statement = rule_statement(response)
    assert "missing" not in statement
    assert statement == (
        "Your ballot has a vote in every category, as this edition requires: your votes count."
    )


def test_complete_ballot_statement_only_where_the_edition_requires_it(signed_in, voter, categories):
    cast(signed_in, categories[0], nominees_of(categories[0])[0])

    response = signed_in.get(BALLOT)

    assert rule_statement(response) is None
    assert "every category" not in text(page(response))


def test_complete_ballot_vote_leads_to_the_next_missing_category(
    signed_in, complete_ballot_edition, categories
):
    cast(signed_in, categories[0], nominees_of(categories[0])[0])

    response = cast(signed_in, categories[2], nominees_of(categories[2])[0], follow=False)

    # After category 3, the next one without a vote is 2 (the ballot wraps around).
    assert response["Location"] == category_url(2)
    last = cast(signed_in, categories[1], nominees_of(categories[1])[0], follow=False)
    assert last["Location"] == BALLOT


# Refusals


@pytest.mark.parametrize(
    "url", [BALLOT, category_url(3), f"{confirm_url(3)}?nominee=1", withdraw_url(3)]
)
def test_voting_pages_send_anonymous_visitors_to_log_in(client, categories, url):
    response = client.get(url)

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == LOGIN
    assert f"next={url.replace('?', '%3F').replace('=', '%3D')}" in location.query


def test_anonymous_confirm_post_changes_nothing(client, categories):
    nominee = nominees_of(categories[2])[0]

    response = client.post(confirm_url(3), {"nominee": nominee.pk})

    assert urlsplit(response["Location"]).path == LOGIN
    assert not Vote.objects.exists()


def test_unconfirmed_account_is_asked_to_confirm_its_address(client, categories):
    unconfirmed = UserFactory(email_confirmed=False)
    client.force_login(unconfirmed)
    nominee = nominees_of(categories[2])[0]

    shown = client.get(BALLOT, follow=True)
    posted = client.post(confirm_url(3), {"nominee": nominee.pk}, follow=True)

    for response in (shown, posted):
        assert response.redirect_chain[-1][0] == reverse("account_email")
        assert EMAIL_NOT_CONFIRMED_MESSAGE in messages_shown(response)
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "phase, note",
    [
        (Phase.NOMINATION, "Voting for the WSIS Prizes 2020 opens on"),
        (Phase.JURY, "Voting for the WSIS Prizes 2020 closed on"),
    ],
)
def test_outside_voting_the_pages_say_so_and_nothing_changes(signed_in, voter, phase, note):
    edition = EditionFactory(year=YEAR, phase=phase)
    category = CategoryFactory(edition=edition, number=3, title="Access")
    mine, other = (ProjectFactory(category=category) for _ in range(2))
    VoteFactory(nominee=mine, voter=voter)

    ballot = signed_in.get(BALLOT)
    choose = signed_in.get(category_url(3))
    confirm = signed_in.get(confirm_url(3), {"nominee": other.pk}, follow=True)
    changed = signed_in.post(confirm_url(3), {"nominee": other.pk, "confirmed": "1"}, follow=True)
    withdrawn = signed_in.post(withdraw_url(3), follow=True)

    for response in (ballot, choose):
        assert response.status_code == 200
        [notice] = find(page(response), "p", class_="notice")
        assert text(notice).startswith(note)
    if phase == Phase.JURY:
        assert "your votes are final" in text(page(ballot))
    assert not vote_buttons(choose)
    assert not find(page(ballot), "a", class_="button")
    for response in (confirm, changed, withdrawn):
        assert response.redirect_chain[-1][0] == category_url(3)
        assert any(CLOSED in message for message in messages_shown(response))
    assert vote_of(voter, category) == mine.pk
    assert Vote.objects.count() == 1


def test_confirm_refuses_a_nominee_of_another_category(signed_in, voter, categories):
    elsewhere = nominees_of(categories[0])[0]

    shown = signed_in.get(confirm_url(3), {"nominee": elsewhere.pk}, follow=True)
    posted = signed_in.post(confirm_url(3), {"nominee": elsewhere.pk}, follow=True)

    for response in (shown, posted):
        assert response.redirect_chain[-1][0] == category_url(3)
        assert messages_shown(response) == ["This nominee competes in another category."]
    assert not Vote.objects.exists()


@pytest.mark.parametrize("status", [ProjectStatus.REJECTED, ProjectStatus.SUBMITTED])
def test_confirm_refuses_a_project_that_is_not_a_nominee(signed_in, categories, status):
    rejected = ProjectFactory(category=categories[2], status=status)

    shown = signed_in.get(confirm_url(3), {"nominee": rejected.pk}, follow=True)
    posted = signed_in.post(confirm_url(3), {"nominee": rejected.pk}, follow=True)

    for response in (shown, posted):
        assert response.redirect_chain[-1][0] == category_url(3)
        assert messages_shown(response) == ["This is not an accepted nominee of this edition."]
    assert not Vote.objects.exists()


@pytest.mark.parametrize("nominee", ["", "abc", "-1", "0", "1.5", str(2**70)])
def test_confirm_without_a_usable_choice_asks_to_choose(signed_in, categories, nominee):
    shown = signed_in.get(confirm_url(3), {"nominee": nominee}, follow=True)
    posted = signed_in.post(confirm_url(3), {"nominee": nominee}, follow=True)

    for response in (shown, posted):
        assert response.redirect_chain[-1][0] == category_url(3)
        assert messages_shown(response) == ["Choose a nominee, then confirm your vote."]
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        category_url(99),
        f"{confirm_url(99)}?nominee=1",
        reverse("frontend:ballot", args=[1999]),
        category_url(3, year=1999),
    ],
)
def test_unknown_category_or_edition_is_not_found(signed_in, categories, url):
    assert signed_in.get(url).status_code == 404


@pytest.mark.parametrize("url", [confirm_url(99), withdraw_url(99)])
def test_posting_to_an_unknown_category_is_not_found(signed_in, categories, url):
    nominee = nominees_of(categories[2])[0]

    assert signed_in.post(url, {"nominee": nominee.pk}).status_code == 404
    assert not Vote.objects.exists()


def test_category_without_nominees_says_so(signed_in, edition):
    CategoryFactory(edition=edition, number=3)

    response = signed_in.get(category_url(3))

    assert response.status_code == 200
    assert "This category has no nominees." in text(page(response))


def test_ballot_of_an_edition_without_categories_says_so(signed_in, edition):
    response = signed_in.get(BALLOT)

    assert response.status_code == 200
    assert "The categories of this edition have not been published yet." in text(page(response))


# Query-count guards


def _warm_up(client, url: str) -> None:
    # The first request of a process asks whether the address is confirmed and fills
    # the per-process cache; the counts below are those of every later request.
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [1, 18])
def test_ballot_page_query_count(signed_in, voter, edition, django_assert_num_queries, count):
    if count == 1:
        CategoryFactory(edition=edition, number=1, action_line=ActionLine.objects.get(code="C1"))
    else:
        edition_categories_create_standard(edition=edition)
    for category in edition.categories.all():
        VoteFactory(nominee=ProjectFactory(category=category), voter=voter)
    _warm_up(signed_in, BALLOT)

    # Session and user; the edition; my votes; the number of categories; whether I am
    # excluded from voting; the nominees voted for; the categories; the header's role
    # groups.
    with django_assert_num_queries(9):
        response = signed_in.get(BALLOT)

    assert progress(response).startswith(f"{count} of {count} categor")


@pytest.mark.parametrize("count", [1, 18])
def test_ballot_page_query_count_with_complete_ballots(
    signed_in, voter, complete_ballot_edition, django_assert_num_queries, count
):
    if count == 1:
        CategoryFactory(edition=complete_ballot_edition, number=1)
    else:
        edition_categories_create_standard(edition=complete_ballot_edition)
    _warm_up(signed_in, BALLOT)

    # As above (no vote: no nominee to load), and the complete-ballot rule's two counts.
    with django_assert_num_queries(10):
        response = signed_in.get(BALLOT)

    assert "vote in all" in rule_statement(response)


@pytest.mark.parametrize("count", [1, 8])
def test_category_page_query_count(signed_in, voter, edition, django_assert_num_queries, count):
    category = CategoryFactory(edition=edition, number=3)
    nominees = [ProjectFactory(category=category) for _ in range(count)]
    VoteFactory(nominee=nominees[0], voter=voter)
    _warm_up(signed_in, category_url(3))

    # Session and user; the edition; the category; my votes; the number of categories;
    # whether I am excluded; the nominees; the header's role groups.
    with django_assert_num_queries(9):
        response = signed_in.get(category_url(3))

    assert len(cards(response)) == count


# In a real browser


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_vote_in_chromium(live_server):
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    edition = EditionFactory(year=YEAR, phase=Phase.VOTING)
    access = CategoryFactory(edition=edition, number=3, title="Access")
    CategoryFactory(edition=edition, number=4, title="Capacity building")
    chosen = ProjectFactory(category=access, title="Village libraries")
    ProjectFactory(category=access, title="Mobile schools")
    voter = UserFactory(email="vera@example.org", email_confirmed=True)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            browser_page = browser.new_page()
            browser_page.set_default_timeout(5000)
            browser_page.goto(f"{live_server.url}{BALLOT}")
            # Sent to log in, then back to the ballot.
            assert urlsplit(browser_page.url).path == LOGIN
            browser_page.get_by_label("Email").fill(voter.email)
            browser_page.get_by_label("Password").fill(PASSWORD)
            browser_page.get_by_role("button", name="Log in").click()
            browser_page.wait_for_url(f"{live_server.url}{BALLOT}")

            browser_page.get_by_role("link", name="Vote in category 3, Access").click()
            browser_page.get_by_role(
                "button", name="Vote for this project Village libraries"
            ).click()
            # On to the next category without a vote.
            browser_page.wait_for_url(f"{live_server.url}{category_url(4)}")

            # No database access in here: Playwright runs an event loop in this thread.
            body = browser_page.locator("main").inner_text()
            messages = browser_page.locator(".messages").inner_text()
        finally:
            browser.close()

    assert re.search(r"1 of 2\s+categories voted", body)
    assert "Capacity building" in body
    assert "Your vote in “Access” is recorded." in messages
    assert vote_of(voter, access) == chosen.pk


# Voting where the nominee is shown


def vote_links(response) -> list[Element]:
    return [a for a in find(page(response), "a") if text(a).startswith("Vote for this project")]


@pytest.mark.parametrize("signed", [False, True])
def test_gallery_cards_and_nominee_pages_lead_to_the_confirm_step(
    client, voter, categories, signed
):
    if signed:
        client.force_login(voter)
    access = categories[2]
    nominee = nominees_of(access)[0]

    gallery = client.get(reverse("frontend:category", args=[YEAR, 3]))
    own_page = client.get(reverse("frontend:nominee", args=[YEAR, nominee.pk]))

    expected = f"{confirm_url(3)}?nominee={nominee.pk}"
    [link] = [a for a in vote_links(gallery) if nominee.title in text(a)]
    assert attribute(link, "href") == expected
    assert len(vote_links(gallery)) == 2
    assert [attribute(a, "href") for a in vote_links(own_page)] == [expected]
    assert not Vote.objects.exists()


@pytest.mark.parametrize("phase", [Phase.NOMINATION, Phase.JURY])
def test_no_vote_link_on_the_nominees_outside_voting(client, phase):
    edition = EditionFactory(year=YEAR, phase=phase)
    category = CategoryFactory(edition=edition, number=3)
    nominee = ProjectFactory(category=category)

    gallery = client.get(reverse("frontend:category", args=[YEAR, 3]))
    own_page = client.get(reverse("frontend:nominee", args=[YEAR, nominee.pk]))

    assert vote_links(gallery) == vote_links(own_page) == []


def test_after_signing_in_the_visitor_comes_back_to_the_same_choice(client, voter, categories):
    nominee = nominees_of(categories[2])[0]
    choice = f"{confirm_url(3)}?nominee={nominee.pk}"

    sent = client.get(choice)
    login = sent["Location"]
    back = client.post(login, {"login": voter.email, "password": PASSWORD}, follow=True)

    assert back.redirect_chain[-1][0] == choice
    assert h1(back) == "Confirm your vote"
    [chosen] = find(page(back), "article", class_="ballot-chosen")
    assert nominee.title in text(chosen)
