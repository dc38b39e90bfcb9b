"""The embargo end to end: before publication no public page, endpoint or file tells
the outcome; after it, the results page, the API and the open data agree."""

import csv
import io

import pytest

from awards.models import Project
from awards.services import results_publish

pytestmark = pytest.mark.django_db

OUTCOME_MARKERS = (
    "status-badge--winner",
    "status-badge--champion",
    '"status":"winner"',
    '"status":"champion"',
    "valid votes",
)


def public_answers(client, projects) -> dict[str, tuple[int, str]]:
    winner = projects[(2, "top")]
    paths = [
        "/",
        "/editions/2020/",
        "/editions/2020/categories/1/",
        "/editions/2020/categories/2/",
        f"/editions/2020/nominees/{winner.pk}/",
        "/editions/2020/results/",
        "/editions/2020/results.csv",
        "/editions/2020/ceremony/",
        "/editions/2020/ceremony.json",
        "/editions/2020/success-stories.pdf",
        "/api/v1/editions/2020/nominees/",
        f"/api/v1/editions/2020/nominees/{winner.pk}/",
        "/api/v1/editions/2020/results/",
        "/api/v1/editions/2020/ceremony/",
    ]
    answers = {}
    for path in paths:
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        answers[path] = (response.status_code, body.decode("utf-8", "replace").replace(" ", ""))
    return answers


def test_before_publication_nothing_public_tells_the_outcome(client, decided):
    _, projects = decided

    answers = public_answers(client, projects)

    for path, (status, body) in answers.items():
        assert status in (200, 404), path
        for marker in OUTCOME_MARKERS:
            assert marker.replace(" ", "") not in body, (path, marker)
    shortlisted = [
        title.replace(" ", "")
        for title in Project.objects.filter(status__in=["champion", "winner"]).values_list(
            "title", flat=True
        )
    ]
    assert len(shortlisted) == 4
    for path in (
        "/editions/2020/results/",
        "/editions/2020/ceremony/",
        "/editions/2020/ceremony.json",
        "/api/v1/editions/2020/ceremony/",
    ):
        for title in shortlisted:
            assert title not in answers[path][1], (path, title)
    assert answers["/editions/2020/results.csv"][0] == 404
    assert answers["/api/v1/editions/2020/results/"][0] == 404
    assert answers["/editions/2020/success-stories.pdf"][0] == 404


def test_after_publication_page_api_and_open_data_agree(client, api_client, decided, admin_user):
    edition, _ = decided
    results_publish(edition=edition, by=admin_user)

    api = api_client.get("/api/v1/editions/2020/results/").json()
    rows = list(
        csv.DictReader(io.StringIO(client.get("/editions/2020/results.csv").content.decode()))
    )
    page = client.get("/editions/2020/results/").content.decode()

    api_winners = [(c["number"], c["winner"]["title"]) for c in api["categories"]]
    csv_winners = [
        (int(row["category_number"]), row["title"]) for row in rows if row["winner"] == "yes"
    ]
    assert api_winners == csv_winners
    api_votes = sorted(
        (c["number"], n["title"], n["votes"]) for c in api["categories"] for n in c["champions"]
    )
    csv_votes = sorted((int(r["category_number"]), r["title"], int(r["valid_votes"])) for r in rows)
    assert api_votes == csv_votes
    for _, title in api_winners:
        assert title in page
