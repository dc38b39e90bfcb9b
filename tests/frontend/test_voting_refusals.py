"""The voter's pages when the secretariat has acted: a vote it set aside cannot be
changed or withdrawn, an excluded account cannot vote, and the pages say so (without
the secretariat's reason) rather than offer a choice that would be refused."""

import pytest
from django.urls import reverse

from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.frontend.html import find, page, text
from tests.frontend.test_voting_pages import (
    BALLOT,
    YEAR,
    cast,
    category_url,
    confirm_url,
    messages_shown,
    nominees_of,
    row_of,
    vote_buttons,
    withdraw_url,
)
from voting.models import Vote
from voting.selectors import tally_differences
from voting.services import (
    account_votes_invalidate,
    voter_exclude,
    voter_reinstate,
    votes_invalidate,
)

pytestmark = pytest.mark.django_db

REASON = "Same mailbox as another account that voted alike."
SET_ASIDE = (
    "The secretariat has set your vote in this category aside: it does not count, and it "
    "can be neither changed nor withdrawn."
)
EXCLUDED = (
    "The secretariat has excluded your account from voting in this edition: you cannot "
    "vote, and your votes do not count."
)


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
    return UserFactory(email="vera@example.org", email_confirmed=True)


@pytest.fixture
def signed_in(client, voter):
    client.force_login(voter)
    return client


@pytest.fixture
def set_aside(signed_in, voter, categories, admin_user):
    """The voter's votes in categories 1 and 3; the one in 3 set aside."""
    for number in (1, 3):
        cast(signed_in, categories[number - 1], nominees_of(categories[number - 1])[0])
    votes_invalidate(
        votes=Vote.objects.filter(voter=voter, category=categories[2]),
        by=admin_user,
        reason=REASON,
    )
    return Vote.objects.get(voter=voter, category=categories[2])


@pytest.fixture
def excluded(signed_in, voter, categories, admin_user):
    cast(signed_in, categories[0], nominees_of(categories[0])[0])
    return voter_exclude(edition=categories[0].edition, voter=voter, by=admin_user, reason=REASON)


def refusal_notice(response) -> str:
    [notice] = find(page(response), class_="ballot-refusal")
    return text(notice)


# --- A vote set aside ------------------------------------------------------------------


def test_category_page_says_the_vote_was_set_aside_and_offers_no_choice(signed_in, set_aside):
    response = signed_in.get(category_url(3))

    assert SET_ASIDE in refusal_notice(response)
    [line] = find(page(response), "p", class_="ballot-set-aside")
    [link] = find(line, "a")
    assert text(link) == set_aside.nominee.title
    assert text(line).endswith(", set aside by the secretariat. It does not count.")
    assert vote_buttons(response) == []
    assert not find(page(response), "form", action=withdraw_url(3))
    assert REASON not in response.content.decode()


def test_changing_a_vote_set_aside_is_refused_with_a_message(signed_in, categories, set_aside):
    other = nominees_of(categories[2])[1]

    response = cast(signed_in, categories[2], other)

    assert messages_shown(response) == [SET_ASIDE]
    set_aside.refresh_from_db()
    assert (set_aside.nominee_id, set_aside.is_valid) == (nominees_of(categories[2])[0].pk, False)
    assert tally_differences(edition=categories[2].edition) == {}


def test_withdrawing_a_vote_set_aside_is_refused_with_a_message(signed_in, set_aside):
    response = signed_in.post(withdraw_url(3), follow=True)

    assert messages_shown(response) == [SET_ASIDE]
    assert Vote.objects.filter(pk=set_aside.pk).exists()


def test_confirm_step_of_a_vote_set_aside_sends_back_with_a_message(
    signed_in, categories, set_aside
):
    other = nominees_of(categories[2])[1]

    response = signed_in.get(confirm_url(3), {"nominee": other.pk}, follow=True)

    assert response.redirect_chain[-1][0] == category_url(3)
    assert messages_shown(response) == [SET_ASIDE]


def test_ballot_marks_the_vote_set_aside_and_keeps_the_others_open(signed_in, set_aside):
    response = signed_in.get(BALLOT)

    access = row_of(response, "Access")
    assert "Set aside by the secretariat It does not count." in text(access)
    assert not [a for a in find(access, "a") if text(a).startswith("Change")]
    governance = row_of(response, "Public governance")
    assert [a for a in find(governance, "a") if text(a).startswith("Change")]
    assert [a for a in find(row_of(response, "Infrastructure"), "a") if text(a).startswith("Vote")]
    assert "set one of your votes aside" in refusal_notice(response)
    assert REASON not in response.content.decode()


def test_ballot_with_the_complete_ballot_rule_says_the_others_would_not_count(
    signed_in, edition, set_aside
):
    edition.complete_ballot_required = True
    edition.save()

    response = signed_in.get(BALLOT)

    assert "so your other votes would not count either" in refusal_notice(response)
    assert not find(page(response), "p", class_="ballot-rule")


# --- An excluded account ---------------------------------------------------------------


def test_ballot_of_an_excluded_account_says_so_and_offers_no_vote(signed_in, excluded):
    response = signed_in.get(BALLOT)

    assert EXCLUDED in refusal_notice(response)
    [ballot] = find(page(response), "ol", class_="ballot")
    links = [text(a) for a in find(ballot, "a")]
    assert not [label for label in links if label.startswith(("Vote", "Change"))]
    assert "Set aside by the secretariat" in text(row_of(response, "Public governance"))
    assert REASON not in response.content.decode()


def test_category_page_of_an_excluded_account_offers_no_choice(signed_in, excluded):
    response = signed_in.get(category_url(2))

    assert EXCLUDED in refusal_notice(response)
    assert vote_buttons(response) == []


@pytest.mark.parametrize("number", [1, 2])
def test_an_excluded_account_cannot_vote_or_withdraw(signed_in, categories, excluded, number):
    category = categories[number - 1]

    voted = cast(signed_in, category, nominees_of(category)[1])
    withdrawn = signed_in.post(withdraw_url(number), follow=True)

    assert messages_shown(voted) == [EXCLUDED]
    assert messages_shown(withdrawn) == [EXCLUDED]
    assert list(Vote.objects.values_list("category__number", flat=True)) == [1]
    assert not Vote.objects.filter(invalidated_at__isnull=True).exists()


def test_other_voters_are_not_concerned(client, categories, excluded, admin_user):
    someone = UserFactory(email_confirmed=True)
    client.force_login(someone)

    response = cast(client, categories[0], nominees_of(categories[0])[1])

    assert messages_shown(response) == ["Your vote in “Public governance” is recorded."]
    assert not find(page(client.get(BALLOT)), class_="ballot-refusal")


def test_reinstated_account_votes_again(signed_in, voter, categories, excluded, admin_user):
    voter_reinstate(edition=categories[0].edition, voter=voter, by=admin_user, reason="Mistake.")

    response = cast(signed_in, categories[0], nominees_of(categories[0])[1])

    assert messages_shown(response) == ["Your vote in “Public governance” is changed."]
    assert not find(page(signed_in.get(BALLOT)), class_="ballot-refusal")


def test_account_invalidation_shows_on_every_category_page(
    signed_in, voter, categories, admin_user
):
    for category in categories:
        cast(signed_in, category, nominees_of(category)[0])
    account_votes_invalidate(
        edition=categories[0].edition, voter=voter, by=admin_user, reason=REASON
    )

    for number in (1, 2, 3):
        response = signed_in.get(reverse("frontend:ballot-category", args=[YEAR, number]))
        assert SET_ASIDE in refusal_notice(response)
