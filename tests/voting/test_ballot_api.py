from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from awards.phases import Phase, timeline_around
from awards.services import edition_categories_create_standard, edition_timeline_set
from tests.factories import ProjectFactory, UserFactory
from voting.models import Vote, VoteEvent
from voting.selectors import recount, standings
from voting.services import Outcome, VotingClosed, ballot_cast

pytestmark = pytest.mark.django_db

BALLOT = "/api/v1/editions/2020/ballot/"
SECOND = timedelta(seconds=1)


def vote(client, category: int, nominee: int):
    return client.put(f"{BALLOT}{category}/", {"nominee": nominee})


def test_first_vote_is_201_then_the_same_is_200(voter_client, nominees):
    nominee = nominees[1][0]

    first = vote(voter_client, 1, nominee.pk)
    again = vote(voter_client, 1, nominee.pk)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == {"category": 1, "nominee": nominee.pk}
    assert Vote.objects.count() == 1
    assert list(VoteEvent.objects.values_list("action", flat=True)) == ["cast"]


def test_changing_the_vote_moves_the_counts(voter_client, nominees, edition):
    first, second = nominees[1]
    vote(voter_client, 1, first.pk)

    changed = vote(voter_client, 1, second.pk)

    assert changed.status_code == 200
    assert standings(edition=edition) == {first.pk: 0, second.pk: 1}
    assert recount(edition=edition) == {second.pk: 1}
    assert list(VoteEvent.objects.values_list("action", flat=True)) == ["cast", "changed"]


def test_withdrawal_is_204_and_moves_the_counts(voter_client, nominees, edition):
    nominee = nominees[2][0]
    vote(voter_client, 2, nominee.pk)

    response = voter_client.delete(f"{BALLOT}2/")

    assert response.status_code == 204
    assert Vote.objects.count() == 0
    assert standings(edition=edition) == {nominee.pk: 0}
    assert list(VoteEvent.objects.values_list("action", flat=True)) == ["cast", "withdrawn"]


def test_ballot_lists_my_votes_and_completeness(voter_client, nominees):
    for number in (1, 2):
        vote(voter_client, number, nominees[number][1].pk)

    body = voter_client.get(BALLOT).json()

    assert body["votes"] == [
        {"category": 1, "nominee": nominees[1][1].pk, "invalidated": False},
        {"category": 2, "nominee": nominees[2][1].pk, "invalidated": False},
    ]
    assert (body["complete"], body["category_count"], body["excluded"]) == (False, 3, False)
    vote(voter_client, 3, nominees[3][0].pk)
    assert voter_client.get(BALLOT).json()["complete"] is True


def test_a_voter_votes_in_all_18_categories(voter_client, edition):
    chosen = {
        category.number: ProjectFactory(category=category)
        for category in edition_categories_create_standard(edition=edition)
    }

    statuses = {
        vote(voter_client, number, nominee.pk).status_code for number, nominee in chosen.items()
    }

    assert statuses == {201}
    body = voter_client.get(BALLOT).json()
    assert body["votes"] == [
        {"category": number, "nominee": nominee.pk, "invalidated": False}
        for number, nominee in sorted(chosen.items())
    ]
    assert (body["complete"], body["category_count"]) == (True, 18)
    assert recount(edition=edition) == {nominee.pk: 1 for nominee in chosen.values()}


def test_vote_keeps_the_network_not_the_address(voter_client, nominees):
    voter_client.put(
        f"{BALLOT}1/",
        {"nominee": nominees[1][0].pk},
        REMOTE_ADDR="203.0.113.77",
        HTTP_USER_AGENT="Kiosk/1.0",
    )

    stored = Vote.objects.get()
    assert (stored.network, stored.user_agent) == ("203.0.113.0/24", "Kiosk/1.0")


def test_vote_network_ignores_x_forwarded_for_without_trusted_proxies(voter_client, nominees):
    vote_from = {"REMOTE_ADDR": "203.0.113.77", "HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    voter_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk}, **vote_from)

    assert Vote.objects.get().network == "203.0.113.0/24"


def test_vote_network_is_the_client_a_trusted_proxy_names(voter_client, nominees, settings):
    settings.TRUSTED_PROXIES = 1
    vote_from = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "192.0.2.1, 198.51.100.9"}
    voter_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk}, **vote_from)

    assert Vote.objects.get().network == "198.51.100.0/24"


def test_without_authentication_is_401(api_client, nominees):
    response = vote(api_client, 1, nominees[1][0].pk)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_unconfirmed_account_is_403_email_not_verified(api_client, nominees):
    api_client.force_authenticate(UserFactory())

    response = vote(api_client, 1, nominees[1][0].pk)

    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"
    assert Vote.objects.count() == 0


@pytest.mark.parametrize("phase", [Phase.NOMINATION, Phase.CHAMPIONS])
def test_outside_the_voting_phase_is_403_voting_closed(voter_client, nominees, edition, phase):
    edition_timeline_set(edition=edition, times=timeline_around(current=phase, at=timezone.now()))

    response = vote(voter_client, 1, nominees[1][0].pk)

    assert response.status_code == 403
    assert response.json()["code"] == "voting_closed"
    assert Vote.objects.count() == 0


def test_voting_window_edges(voter, nominees, edition, categories):
    category, nominee = categories[0], nominees[1][0].pk

    def cast(at):
        return ballot_cast(
            edition=edition, category=category, voter=voter, nominee_id=nominee, at=at
        )

    with pytest.raises(VotingClosed):
        cast(edition.voting_opens_at - SECOND)
    with pytest.raises(VotingClosed):
        cast(edition.voting_closes_at)
    assert cast(edition.voting_opens_at).outcome == Outcome.CREATED
    assert cast(edition.voting_closes_at - SECOND).outcome == Outcome.SAME


def test_nominee_of_another_category_is_400_wrong_category(voter_client, nominees):
    response = vote(voter_client, 1, nominees[2][0].pk)

    assert response.status_code == 400
    assert response.json()["code"] == "wrong_category"
    assert response.json()["errors"] == {"nominee": ["This nominee competes in another category."]}


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_project_not_accepted_is_400_not_a_nominee(voter_client, categories, status):
    project = ProjectFactory(category=categories[0], status=status)

    response = vote(voter_client, 1, project.pk)

    assert response.status_code == 400
    assert response.json()["code"] == "not_a_nominee"


def test_unknown_nominee_is_400_not_a_nominee(voter_client, nominees):
    assert vote(voter_client, 1, 999_999).json()["code"] == "not_a_nominee"


def test_nominee_of_another_edition_is_400_not_a_nominee(voter_client, nominees):
    elsewhere = ProjectFactory()

    assert vote(voter_client, 1, elsewhere.pk).json()["code"] == "not_a_nominee"


def test_unknown_category_is_404(voter_client, nominees):
    response = vote(voter_client, 42, nominees[1][0].pk)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_edition_is_404(voter_client, nominees):
    assert voter_client.put("/api/v1/editions/1999/ballot/1/", {"nominee": 1}).status_code == 404


@pytest.mark.parametrize("body", [{}, {"nominee": "x"}, {"nominee": -3}, {"nominees": [1]}])
def test_malformed_body_is_400_naming_the_field(voter_client, nominees, body):
    response = voter_client.put(f"{BALLOT}1/", body)

    assert response.status_code == 400
    assert "nominee" in response.json()["errors"]


def test_recount_command_agrees_with_the_tallies(voter_client, nominees, capsys):
    for number in (1, 2, 3):
        vote(voter_client, number, nominees[number][0].pk)
    vote(voter_client, 1, nominees[1][1].pk)

    call_command("voting_recount", "2020")

    assert "every tally equals the recount" in capsys.readouterr().out


def test_requests_committing_out_of_order_change_the_vote_cleanly(voter, nominees, edition):
    """Two requests of one voter at nearly the same moment (a double click, an app
    retry) may commit in the other order than the moments they were made at."""
    category = nominees[1][0].category
    now = timezone.now()

    first = ballot_cast(
        edition=edition, category=category, voter=voter, nominee_id=nominees[1][0].pk, at=now
    )
    earlier = ballot_cast(
        edition=edition,
        category=category,
        voter=voter,
        nominee_id=nominees[1][1].pk,
        at=now - timedelta(milliseconds=3),
    )

    assert (first.outcome, earlier.outcome) == (Outcome.CREATED, Outcome.CHANGED)
    stored = Vote.objects.get()
    assert stored.nominee_id == nominees[1][1].pk
    assert stored.changed_at >= stored.cast_at
    assert list(VoteEvent.objects.values_list("action", flat=True)) == ["cast", "changed"]
