import pytest

from accounts.models import User
from accounts.services import account_delete, personal_data_export
from awards.models import Project
from awards.phases import Phase
from awards.services import ceremony_reveal_next
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)
from voting.models import Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return UserFactory(
        email="ada@example.org", name="Ada Lovelace", organisation="Engines", email_confirmed=True
    )


def category_in(phase: Phase):
    return CategoryFactory(edition=EditionFactory(phase=phase))


def test_export_holds_the_persons_data(person):
    project = ProjectFactory(submitted_by=person, title="Engines for all")
    vote = VoteFactory(voter=person)

    data = personal_data_export(user=person)

    assert data["account"]["email"] == "ada@example.org"
    assert data["account"]["name"] == "Ada Lovelace"
    assert data["account"]["organisation"] == "Engines"
    assert data["email_addresses"] == [
        {"email": "ada@example.org", "verified": True, "primary": True}
    ]
    assert [p["title"] for p in data["projects"]] == ["Engines for all"]
    assert data["projects"][0]["edition"] == project.edition.year
    assert [v["nominee"] for v in data["votes"]] == [vote.nominee_id]


def test_export_holds_nobody_elses_data(person):
    someone = UserFactory(email="someone@example.org", name="Someone Else")
    ProjectFactory(submitted_by=someone, title="Their project")
    VoteFactory(voter=someone)

    data = personal_data_export(user=person)

    text = repr(data)
    assert "someone@example.org" not in text
    assert "Someone Else" not in text
    assert "Their project" not in text
    assert data["projects"] == []
    assert data["votes"] == []


def test_deletion_during_voting_withdraws_the_votes(person):
    category = category_in(Phase.VOTING)
    nominee = ProjectFactory(category=category)
    VoteFactory(voter=person, nominee=nominee)
    VoteFactory(nominee=nominee)  # someone else's vote stays

    account_delete(user=person)

    assert not User.objects.filter(email="ada@example.org").exists()
    assert Vote.objects.filter(nominee=nominee).count() == 1
    assert Vote.objects.get(nominee=nominee).voter is not None


@pytest.mark.parametrize("phase", [Phase.CHAMPIONS, Phase.JURY, Phase.CEREMONY])
def test_deletion_after_voting_keeps_the_votes_detached(person, phase):
    nominee = ProjectFactory(category=category_in(phase))
    VoteFactory(voter=person, nominee=nominee)

    account_delete(user=person)

    vote = Vote.objects.get(nominee=nominee)
    assert vote.voter is None
    assert Vote.objects.filter(nominee=nominee).count() == 1


def test_deletion_keeps_submissions_with_the_organisation(person):
    project = ProjectFactory(submitted_by=person, organisation_name="Engines")

    account_delete(user=person)

    project.refresh_from_db()
    assert project.submitted_by is None
    assert project.organisation_name == "Engines"
    assert Project.objects.count() == 1


def test_deletion_touches_only_the_open_editions_votes(person):
    closed = ProjectFactory(category=category_in(Phase.JURY))
    open_now = ProjectFactory(category=category_in(Phase.VOTING))
    VoteFactory(voter=person, nominee=closed)
    VoteFactory(voter=person, nominee=open_now)

    account_delete(user=person)

    assert list(Vote.objects.values_list("nominee", "voter")) == [(closed.pk, None)]


def test_export_shows_a_winner_as_a_champion_until_its_category_is_revealed(decided, admin_user):
    edition, projects = decided
    crowned, champion = projects[(1, "second")], projects[(1, "top")]

    def exported(project: Project) -> dict:
        [entry] = personal_data_export(user=project.submitted_by)["projects"]
        return entry

    before = exported(crowned)
    ceremony_reveal_next(edition=edition, by=admin_user)
    after = exported(crowned)

    assert before["status"] == exported(champion)["status"] == "champion"
    assert [e["kind"] for e in before["history"]] == ["champion"]
    assert after["status"] == "winner"
    assert [e["kind"] for e in after["history"]] == ["champion", "winner"]
    assert after["history"][1]["note"] == ""


def test_export_shows_where_the_account_signed_up_and_voted_from(person):
    person.signup_network, person.signup_browser = "203.0.113.0/24", "Firefox on Windows"
    person.save(update_fields=["signup_network", "signup_browser"])
    user_agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile Safari/604.1"
    VoteFactory(voter=person, network="2001:db8:abcd::/48", user_agent=user_agent)

    data = personal_data_export(user=person)

    assert data["account"]["signup_network"] == "203.0.113.0/24"
    assert data["account"]["signup_browser"] == "Firefox on Windows"
    [vote] = data["votes"]
    assert (vote["network"], vote["browser"], vote["user_agent"]) == (
        "2001:db8:abcd::/48",
        "Safari on iOS",
        user_agent,
    )


def test_export_says_when_the_traces_are_gone(person):
    VoteFactory(voter=person, network="", user_agent="")

    data = personal_data_export(user=person)

    assert (data["account"]["signup_network"], data["account"]["signup_browser"]) == (None, None)
    [vote] = data["votes"]
    assert (vote["network"], vote["browser"], vote["user_agent"]) == (None, None, None)
