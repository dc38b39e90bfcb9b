import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from awards.models import Project, ProjectStatus
from awards.phases import Phase, timeline_around
from awards.services import edition_timeline_set
from tests.factories import ProjectFactory, UserFactory, words

pytestmark = pytest.mark.django_db

BASE = "/api/v1/editions/2020/my-projects/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def owner_client(api_client, submitter):
    api_client.force_authenticate(submitter)
    return api_client


def png(name="image.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 120, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue())


COMPLETE = {
    "title": "Open classrooms",
    "organisation_name": "Learning Commons",
    "stakeholder_type": "civil_society",
    "country": "ke",
    "region": "africa",
    "website": "https://learning.example.org/",
    "short_description": words(170),
    "linkage": "C3 and SDG 4.",
    "impact": "Forty schools.",
    "partnerships": "The ministry.",
    "challenges": "Power cuts.",
    "outlook": "Two more regions.",
    "stage": "operational",
    "sdgs": [4, 10],
}


def test_submitter_takes_a_project_from_draft_to_submitted(owner_client, category):
    created = owner_client.post(BASE, {"category": 3, "title": "Open classrooms"})
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["status"] == "draft"

    refused = owner_client.post(f"{BASE}{pk}/submit/")
    assert refused.status_code == 400
    assert refused.json()["code"] == "submission_invalid"
    assert "short_description" in refused.json()["errors"]

    edited = owner_client.patch(f"{BASE}{pk}/", COMPLETE)
    assert edited.status_code == 200, edited.json()
    assert edited.json()["country"] == "KE"
    assert edited.json()["sdgs"] == [4, 10]
    logo = owner_client.put(f"{BASE}{pk}/logo/", {"file": png("logo.png")}, format="multipart")
    assert logo.status_code == 200
    assert logo.json()["logo"].endswith(".png")
    images = owner_client.post(
        f"{BASE}{pk}/images/", {"images": [png(), png()]}, format="multipart"
    )
    assert images.status_code == 201
    assert [image["position"] for image in images.json()["images"]] == [1, 2]

    submitted = owner_client.post(f"{BASE}{pk}/submit/")

    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert [event["kind"] for event in submitted.json()["history"]] == ["drafted", "submitted"]


def test_owner_lists_only_own_projects(owner_client, draft, django_assert_num_queries):
    ProjectFactory(category=draft.category, status="draft")  # someone else's

    with django_assert_num_queries(6):
        response = owner_client.get(BASE)

    assert [p["id"] for p in response.json()["results"]] == [draft.pk]


def test_own_projects_list_query_count_does_not_grow(
    owner_client, category, submitter, django_assert_num_queries
):
    for number in range(6):
        ProjectFactory(
            category=category, submitted_by=submitter, status="draft", title=f"P{number}"
        )

    with django_assert_num_queries(6):
        response = owner_client.get(BASE)

    assert response.json()["count"] == 6


def test_rejected_project_shows_the_reason(owner_client, draft):
    draft.status = ProjectStatus.REJECTED
    draft.decision_reason = "Not operational yet."
    draft.save()

    body = owner_client.get(f"{BASE}{draft.pk}/").json()

    assert body["status_title"] == "Rejected"
    assert body["decision_reason"] == "Not operational yet."


@pytest.mark.parametrize(
    "method, path, data",
    [
        ("get", "", None),
        ("patch", "", {"title": "Mine"}),
        ("delete", "", None),
        ("post", "submit/", None),
    ],
)
def test_another_persons_draft_is_404(api_client, draft, method, path, data):
    api_client.force_authenticate(UserFactory(email_confirmed=True))

    response = getattr(api_client, method)(f"{BASE}{draft.pk}/{path}", data)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT
    assert draft.title != "Mine"


def test_anonymous_is_401(api_client, draft):
    assert api_client.get(BASE).status_code == 401
    assert api_client.post(BASE, {"category": 3}).status_code == 401


def test_unconfirmed_account_cannot_start_a_draft(api_client, category):
    api_client.force_authenticate(UserFactory())

    response = api_client.post(BASE, {"category": 3, "title": "Mine"})

    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"
    assert Project.objects.count() == 0


def test_unknown_category_is_refused_on_its_field(owner_client, category):
    response = owner_client.post(BASE, {"category": 42, "title": "Mine"})

    assert response.status_code == 400
    assert response.json()["code"] == "wrong_category"
    assert response.json()["errors"] == {"category": ["This edition has no category 42."]}


def test_bad_field_values_name_their_fields(owner_client, draft):
    response = owner_client.patch(
        f"{BASE}{draft.pk}/", {"country": "XX", "website": "nope", "sdgs": [0]}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == {"country", "website", "sdgs"}


def test_errors_about_items_of_a_list_are_messages_of_the_list(owner_client, draft):
    response = owner_client.patch(f"{BASE}{draft.pk}/", {"sdgs": [0, "four", 18]})

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["sdgs"]
    assert all(isinstance(message, str) for message in errors["sdgs"])
    assert len(errors["sdgs"]) == 3


def test_text_renamed_to_png_is_refused_with_its_field(owner_client, draft):
    fake = SimpleUploadedFile("photo.png", b"hello")

    response = owner_client.post(
        f"{BASE}{draft.pk}/images/", {"images": [fake]}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "file_refused"
    assert response.json()["errors"] == {"images": ["photo.png is not a JPEG, PNG or WebP image."]}
    assert draft.images.count() == 0


def test_after_submission_closes_nothing_is_accepted(owner_client, draft):
    edition_timeline_set(
        edition=draft.edition, times=timeline_around(current=Phase.NOMINATION, at=timezone.now())
    )

    responses = [
        owner_client.post(BASE, {"category": 3, "title": "Late"}),
        owner_client.patch(f"{BASE}{draft.pk}/", {"title": "Late"}),
        owner_client.post(f"{BASE}{draft.pk}/submit/"),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert {r.json()["code"] for r in responses} == {"submission_closed"}


def test_draft_can_be_deleted_by_its_owner(owner_client, draft):
    assert owner_client.delete(f"{BASE}{draft.pk}/").status_code == 204
    assert not Project.objects.filter(pk=draft.pk).exists()
