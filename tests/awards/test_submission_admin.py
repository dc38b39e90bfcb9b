import csv
import io

import pytest
from openpyxl import load_workbook

from awards.models import ProjectStatus
from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/awards/project/"


@pytest.fixture
def submissions():
    category = CategoryFactory(edition=EditionFactory(year=2020, phase=Phase.NOMINATION))
    owner = UserFactory(email="owner@example.org", name="Owner")
    return [
        ProjectFactory(
            category=category,
            status="submitted",
            submitted_by=owner,
            title=f"Project {n}",
            organisation_name=f"Org {n}",
        )
        for n in range(3)
    ]


def test_bulk_accept_from_the_admin(admin_client, submissions):
    response = admin_client.post(
        CHANGELIST,
        {"action": "accept_as_nominees", "_selected_action": [p.pk for p in submissions]},
        follow=True,
    )

    assert "3 accepted as nominees." in response.content.decode()
    for project in submissions:
        project.refresh_from_db()
        assert project.status == ProjectStatus.NOMINEE
        assert project.events.get().actor.email == "secretariat@example.org"


def test_reject_from_the_admin_asks_for_the_reason(admin_client, submissions):
    chosen = [submissions[0].pk]
    asked = admin_client.post(
        CHANGELIST, {"action": "reject_with_reason", "_selected_action": chosen}
    )
    assert "The reason is sent to each submitter" in asked.content.decode()

    empty = admin_client.post(
        CHANGELIST,
        {"action": "reject_with_reason", "_selected_action": chosen, "apply": "1", "reason": ""},
    )
    assert "This field is required" in empty.content.decode()
    submissions[0].refresh_from_db()
    assert submissions[0].status == ProjectStatus.SUBMITTED

    admin_client.post(
        CHANGELIST,
        {
            "action": "reject_with_reason",
            "_selected_action": chosen,
            "apply": "1",
            "reason": "A duplicate of project 2.",
        },
    )
    submissions[0].refresh_from_db()
    assert submissions[0].status == ProjectStatus.REJECTED
    assert submissions[0].decision_reason == "A duplicate of project 2."


def test_status_cannot_be_edited_directly_in_the_admin(admin_client, submissions):
    html = admin_client.get(f"{CHANGELIST}{submissions[0].pk}/change/").content.decode()

    assert 'name="status"' not in html


def test_export_csv_has_a_row_per_submission(admin_client, submissions):
    response = admin_client.post(
        CHANGELIST,
        {"action": "export_csv", "_selected_action": [p.pk for p in submissions]},
    )

    assert response["Content-Disposition"] == 'attachment; filename="wsis-prizes-submissions.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["id", "category", "category title", "title"]
    assert [row[3] for row in rows[1:]] == ["Project 0", "Project 1", "Project 2"]
    assert rows[1][rows[0].index("submitter e-mail")] == "owner@example.org"


def test_export_xlsx_opens_with_the_same_rows(admin_client, submissions):
    response = admin_client.post(
        CHANGELIST,
        {"action": "export_xlsx", "_selected_action": [p.pk for p in submissions]},
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "title"
    assert [row[3] for row in rows[1:]] == ["Project 0", "Project 1", "Project 2"]


def test_export_neutralises_spreadsheet_formulas(admin_client, submissions):
    submissions[0].title = '=HYPERLINK("http://evil.example")'
    submissions[0].save()

    response = admin_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [submissions[0].pk]}
    )

    assert "'=HYPERLINK" in response.content.decode()
