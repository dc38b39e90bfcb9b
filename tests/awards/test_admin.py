import io

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.test import RequestFactory
from PIL import Image

from awards.admin import ProjectAdmin
from awards.models import Category, Edition, Project
from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "/admin/awards/actionline/",
    "/admin/awards/sustainabledevelopmentgoal/",
    "/admin/awards/edition/",
    "/admin/awards/category/",
    "/admin/awards/project/",
    "/admin/awards/juryassignment/",
    "/admin/awards/conflictofinterest/",
    "/admin/awards/score/",
]


@pytest.fixture
def project():
    return ProjectFactory(category=CategoryFactory(edition=EditionFactory(year=2020)))


@pytest.mark.parametrize("path", CHANGELISTS)
def test_secretariat_sees_every_changelist(admin_client, project, path):
    response = admin_client.get(path)

    assert response.status_code == 200


@pytest.mark.parametrize("path", CHANGELISTS)
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_non_staff_account_cannot_enter_the_admin(client):
    client.force_login(UserFactory())

    response = client.get("/admin/awards/project/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_edition_list_shows_current_phase_and_category_count(admin_client):
    CategoryFactory(edition=EditionFactory(year=2020, phase=Phase.JURY))

    html = admin_client.get("/admin/awards/edition/").content.decode()

    assert "WSIS Prizes 2020" in html
    assert "Winner selection" in html
    assert '<td class="field-category_count">1</td>' in html


def test_edition_change_page_shows_timeline_and_rules(admin_client):
    # Before voting opens: afterwards the rules are read-only (tests/awards/test_rules_lock.py).
    edition = EditionFactory(year=2020, phase=Phase.NOMINATION)

    html = admin_client.get(f"/admin/awards/edition/{edition.pk}/change/").content.decode()

    assert "Public online voting" in html
    assert 'name="voting_opens_at_0"' in html
    assert 'name="tie_rule"' in html


def test_edition_change_refuses_overlapping_phases_with_a_message(admin_client):
    edition = EditionFactory(year=2020)
    response = admin_client.get(f"/admin/awards/edition/{edition.pk}/change/")
    data = {
        key: value
        for key, value in response.context["adminform"].form.initial.items()
        # A browser sends nothing for a file input left empty (the edition's emblem).
        if not key.endswith("_at") and not (isinstance(value, FieldFile) and not value)
    }
    timeline = [
        f.name for f in Edition._meta.fields if f.name.endswith(("_opens_at", "_closes_at"))
    ]
    for phase_field in timeline:
        moment = getattr(edition, phase_field)
        data[f"{phase_field}_0"] = moment.strftime("%Y-%m-%d")
        data[f"{phase_field}_1"] = moment.strftime("%H:%M:%S")
    data["voting_closes_at_0"] = edition.jury_opens_at.strftime("%Y-%m-%d")
    data.update(
        {
            "categories-TOTAL_FORMS": "0",
            "categories-INITIAL_FORMS": "0",
            "champions_per_category": "5",
            "tie_rule": "include_all",
        }
    )

    response = admin_client.post(f"/admin/awards/edition/{edition.pk}/change/", data)

    assert response.status_code == 200
    assert "cannot open before the public online voting phase closes" in response.content.decode()
    edition.refresh_from_db()
    assert edition.voting_closes_at == edition.champions_opens_at


def test_create_standard_categories_action(admin_client):
    edition = EditionFactory(year=2020)

    response = admin_client.post(
        "/admin/awards/edition/",
        {"action": "create_standard_categories", "_selected_action": [edition.pk]},
        follow=True,
    )

    assert "standard categories are in place" in response.content.decode()
    assert list(Category.objects.filter(edition=edition).values_list("number", flat=True)) == list(
        range(1, 19)
    )


def test_project_search_finds_by_organisation(admin_client, project):
    ProjectFactory(category=project.category, organisation_name="Someone Else")

    response = admin_client.get("/admin/awards/project/", {"q": project.organisation_name})

    assert list(response.context["cl"].result_list) == [project]


@pytest.mark.parametrize("rows", [1, 12])
def test_project_changelist_query_count_does_not_grow_with_rows(
    admin_client, django_assert_num_queries, rows
):
    category = CategoryFactory(edition=EditionFactory(year=2020))
    ProjectFactory.create_batch(rows, category=category)
    admin_client.get("/admin/awards/project/")  # warm the session and content types

    with django_assert_num_queries(10):
        response = admin_client.get("/admin/awards/project/")

    assert len(response.context["cl"].result_list) == rows
    assert Project.objects.count() == rows


# --- Files uploaded in the admin are checked as the submitters' are ----------------------


def admin_project_form(admin_user, project, files):
    request = RequestFactory().get("/")
    request.user = admin_user
    form_class = ProjectAdmin(Project, admin.site).get_form(request, obj=project)
    data = {
        name: value
        for name, value in model_to_dict(project, fields=list(form_class.base_fields)).items()
        if value is not None and name not in files
    }
    data["sdgs"] = [goal.pk for goal in data.get("sdgs", [])]
    return form_class(data, files, instance=project)


def test_a_logo_uploaded_in_the_admin_is_encoded_anew(admin_user, project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = "Photographer Name"
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="JPEG", exif=exif)
    polyglot = buffer.getvalue() + b"<script>alert(1)</script>"
    form = admin_project_form(
        admin_user, project, {"logo": SimpleUploadedFile("logo.png", polyglot)}
    )

    assert form.is_valid(), form.errors
    saved = form.save()

    stored = saved.logo.read()
    assert saved.logo.name.endswith(".jpg")
    assert b"<script>" not in stored
    assert b"Photographer Name" not in stored


def test_a_file_that_is_no_image_is_refused_in_the_admin(admin_user, project):
    form = admin_project_form(
        admin_user,
        project,
        {
            "logo": SimpleUploadedFile("logo.png", b"<html>not an image</html>"),
            "document": SimpleUploadedFile("report.pdf", b"<html>not a PDF</html>"),
        },
    )

    assert not form.is_valid()
    assert "logo" in form.errors
    assert form.errors["document"] == ["report.pdf is not a PDF document."]
