import pytest
from django.utils import timezone

from awards.models import Certificate, ProjectStatus
from awards.phases import Phase
from awards.services import (
    AlreadyPublished,
    NothingToReveal,
    WinnersMissing,
    ceremony_reveal_next,
    results_publish,
)
from awards.workflow import CROWN, project_transition
from config.errors import NotAllowed
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

RESULTS = "/api/v1/editions/2020/results/"
CEREMONY = "/api/v1/editions/2020/ceremony/"


def test_results_are_404_until_published(api_client, decided):
    response = api_client.get(RESULTS)

    assert response.status_code == 404
    assert response.json() == {
        "detail": "The results of this edition are not published yet.",
        "code": "results_not_published",
    }


def test_published_results_per_category_in_order(api_client, decided, admin_user):
    edition, _ = decided
    results_publish(edition=edition, by=admin_user)

    body = api_client.get(RESULTS).json()

    assert [c["number"] for c in body["categories"]] == [1, 2]
    first = body["categories"][0]
    assert first["winner"]["title"] == "second 1"
    assert [(c["title"], c["votes"], c["rank"]) for c in first["champions"]] == [
        ("top 1", 30, 1),
        ("second 1", 20, 2),
    ]
    assert (first["valid_votes"], first["votes_cast"]) == (55, 59)
    assert (body["valid_votes"], body["votes_cast"], body["voters"]) == (110, 114, 40)
    assert body["exclusions"] == [
        {
            "category": 1,
            "reason": "invalidated",
            "votes": 4,
            "signals": [{"kind": "", "votes": 4}],
        }
    ]


def test_publishing_makes_the_certificates_once_it_commits(
    decided, admin_user, django_capture_on_commit_callbacks
):
    edition, _ = decided
    with django_capture_on_commit_callbacks(execute=True) as queued:
        results_publish(edition=edition, by=admin_user)

    assert len(queued) == 1
    assert Certificate.objects.filter(project__edition=edition).exists()


def test_publishing_needs_every_winner(api_client, admin_user):
    edition = EditionFactory(year=2020, phase=Phase.CEREMONY)
    category = CategoryFactory(edition=edition, number=1)
    ProjectFactory(category=category, status=ProjectStatus.CHAMPION)

    with pytest.raises(WinnersMissing):
        results_publish(edition=edition, by=admin_user)
    assert api_client.get(RESULTS).status_code == 404


def test_publishing_twice_is_refused_and_only_by_the_secretariat(decided, admin_user):
    edition, _ = decided
    with pytest.raises(NotAllowed):
        results_publish(edition=edition, by=UserFactory(mfa=True, roles=["Jury"]))
    results_publish(edition=edition, by=admin_user)

    with pytest.raises(AlreadyPublished):
        results_publish(edition=edition, by=admin_user)


def test_reveal_goes_in_category_order_and_shows_only_what_is_revealed(
    api_client, decided, admin_user
):
    edition, _ = decided
    assert api_client.get(CEREMONY).json() == {"revealed": [], "remaining": 2}

    first = ceremony_reveal_next(edition=edition, by=admin_user)
    body = api_client.get(CEREMONY).json()

    assert first.number == 1
    assert [(c["number"], c["winner"]["title"]) for c in body["revealed"]] == [(1, "second 1")]
    assert body["remaining"] == 1
    assert "top 2" not in str(body)
    assert ceremony_reveal_next(edition=edition, by=admin_user).number == 2
    with pytest.raises(NothingToReveal):
        ceremony_reveal_next(edition=edition, by=admin_user)


def test_owner_sees_no_winner_before_publication(api_client, decided, admin_user):
    edition, projects = decided
    winner = projects[(2, "top")]
    api_client.force_authenticate(winner.submitted_by)
    path = f"/api/v1/editions/2020/my-projects/{winner.pk}/"

    before = api_client.get(path).json()
    results_publish(edition=edition, by=admin_user)
    after = api_client.get(path).json()

    assert before["status"] == "champion"
    assert "winner" not in [event["kind"] for event in before["history"]]
    assert after["status"] == "winner"


def test_owner_page_shows_no_winner_before_publication(client, decided, admin_user):
    edition, projects = decided
    winner = projects[(2, "top")]
    winner.submitted_by.emailaddress_set.create(
        email=winner.submitted_by.email, verified=True, primary=True
    )
    client.force_login(winner.submitted_by)
    path = f"/editions/2020/my-projects/{winner.pk}/"

    before = client.get(path).content.decode()
    results_publish(edition=edition, by=admin_user)
    after = client.get(path).content.decode()

    assert "status-badge--champion" in before
    assert "Winner" not in before
    assert "status-badge--winner" in after


def test_ceremony_does_not_tell_how_many_winners_are_confirmed(api_client, admin_user):
    edition = EditionFactory(year=2020, phase=Phase.JURY)
    champions = [
        ProjectFactory(category=CategoryFactory(edition=edition, number=number), status="champion")
        for number in (1, 2)
    ]
    none_confirmed = api_client.get(CEREMONY).json()

    for champion in champions:
        project_transition(project=champion, transition=CROWN, actor=admin_user, at=timezone.now())

    assert api_client.get(CEREMONY).json() == none_confirmed == {"revealed": [], "remaining": 2}
