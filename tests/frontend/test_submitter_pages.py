import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.html import Element
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.decorators import EMAIL_NOT_CONFIRMED_MESSAGE
from awards.models import Project, ProjectImage, ProjectStatus
from awards.phases import Phase, timeline_around
from awards.rules import REQUIRED
from awards.services import (
    edition_timeline_set,
    nomination_reject,
    project_images_add,
    project_logo_set,
)
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory, words
from tests.frontend.html import attribute, error_summary, find, h1, page, text

pytestmark = pytest.mark.django_db

YEAR = 2020
LIST = reverse("frontend:my-projects", args=[YEAR])
LOGIN = reverse("account_login")
CLOSED = "The submission phase of this edition is not open"

COMPLETE = {
    "title": "Open classrooms",
    "organisation_name": "Learning Commons",
    "stakeholder_type": "civil_society",
    "country": "KE",
    "region": "africa",
    "website": "https://learning.example.org/",
    "stage": "operational",
    "short_description": words(170),
    "sdgs": ["4", "10"],
    "linkage": "C3 and SDG 4.",
    "impact": "Forty schools.",
    "partnerships": "The ministry.",
    "challenges": "Power cuts.",
    "outlook": "Two more regions.",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def submitter():
    return UserFactory(name="Ada Mensah", email="ada@example.org", email_confirmed=True)


@pytest.fixture
def edition():
    return EditionFactory(year=YEAR, phase=Phase.SUBMISSION)


@pytest.fixture
def category(edition):
    return CategoryFactory(edition=edition, number=3, title="Access to information")


@pytest.fixture
def owner(client, submitter):
    client.force_login(submitter)
    return client


@pytest.fixture
def draft(category, submitter):
    """A complete draft of the submitter's, ready to submit."""
    return ProjectFactory(
        category=category, submitted_by=submitter, status=ProjectStatus.DRAFT, title="Open data"
    )


def url(name: str, project: Project, *extra: int) -> str:
    return reverse(f"frontend:{name}", args=[project.edition.year, project.pk, *extra])


def png(name: str = "image.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 120, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def field_errors(response) -> dict[str, list[str]]:
    """Each field's error messages, as shown under its label."""
    return {
        attribute(errors, "id").removeprefix("id_").removesuffix("_error"): [
            text(item).removeprefix("Error: ") for item in find(errors, "li")
        ]
        for errors in find(page(response), "ul", class_="field__errors")
    }


def messages_shown(response) -> list[str]:
    return [text(item) for item in find(page(response), "li", class_="message")]


def shown(response, message: str) -> bool:
    """Whether one of the messages above the page says ``message``."""
    return any(message in each for each in messages_shown(response))


def section(response, heading_id: str) -> Element:
    [found] = find(page(response), "section", aria_labelledby=heading_id)
    return found


# From draft to submitted


def test_submitter_takes_a_project_from_draft_to_submitted(owner, category, media):
    listing = owner.get(LIST)
    assert listing.status_code == 200
    [start] = find(section(listing, "start-heading"), "form")
    assert [text(o) for o in find(start, "option")] == [
        "Choose a category",
        "3. Access to information",
    ]

    started = owner.post(LIST, {"category": category.pk, "title": "Open classrooms"})

    project = Project.objects.get(title="Open classrooms")
    assert started.status_code == 302
    assert started["Location"] == url("my-project", project)
    assert project.status == ProjectStatus.DRAFT

    saved = owner.post(url("my-project", project), {**COMPLETE, "action": "save"}, follow=True)
    assert shown(saved, "Your draft is saved.")
    project.refresh_from_db()
    assert project.organisation_name == "Learning Commons"
    assert project.country.code == "KE"
    assert sorted(goal.number for goal in project.sdgs.all()) == [4, 10]
    assert "It has 170 words now." in text(page(saved))

    logo = owner.post(url("my-project-logo", project), {"logo": png("logo.png")}, follow=True)
    assert shown(logo, "The logo is saved.")
    images = owner.post(url("my-project-images", project), {"images": [png(), png()]}, follow=True)
    assert shown(images, "2 images added.")
    assert len(find(page(images), "li", class_="image-list__item")) == 2
    assert len(stored_files(media)) == 3

    submitted = owner.post(
        url("my-project", project), {**COMPLETE, "action": "submit"}, follow=True
    )

    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert project.submitted_at is not None
    assert submitted.status_code == 200
    assert shown(submitted, "Your project is submitted.")
    assert text(find(page(submitted), class_="status-badge")[0]) == "Submitted"
    history = find(section(submitted, "history-heading"), "p", class_="history__what")
    assert [text(event) for event in history] == ["Drafted", "Submitted"]
    assert find(page(submitted), "form", id="project-form") == [], "no longer editable"


def test_draft_page_offers_every_field(owner, draft):
    response = owner.get(url("my-project", draft))

    assert h1(response) == "Open data"
    [form] = find(page(response), "form", id="project-form")
    assert len(find(form, "input", type="checkbox", name="sdgs")) == 17
    assert [attribute(box, "value") for box in find(form, "input", checked=None)] == ["9"]
    [stage] = find(form, "select", name="stage")
    assert [text(option) for option in find(stage, "option")] == [
        "Choose a stage",
        "Operational",
        "At the end of a major phase",
        "Still in development",
    ]
    for name in ("short_description", "linkage", "impact", "partnerships", "challenges"):
        assert find(form, "textarea", name=name), name
    assert "What voters read: 150 to 200 words. It has 160 words now." in text(form)
    labels = {attribute(label, "for"): text(label) for label in find(form, "label")}
    assert labels["id_website"] == "Website (optional)"
    assert labels["id_organisation_name"] == "Organisation", "needed to submit: not optional"
    # The submit button lives at the end of the page and submits the same form.
    [submit] = find(page(response), "button", value="submit")
    assert attribute(submit, "form") == "project-form"


def test_draft_and_start_forms_are_labelled_in_the_pages_language(owner, draft):
    response = owner.get("/fr" + url("my-project", draft))

    [form] = find(page(response), "form", id="project-form")
    labels = {attribute(label, "for"): text(label) for label in find(form, "label")}
    assert labels["id_title"] == "Titre"
    assert labels["id_stakeholder_type"] == "Type de partie prenante"
    assert labels["id_country"] == "Pays"
    assert labels["id_website"].startswith("Site web")
    assert labels["id_short_description"] == "Description courte"
    assert labels["id_partnerships"].startswith("Partenariats")
    assert labels["id_challenges"].startswith("Difficultés")
    start = owner.get("/fr" + LIST)
    [category] = [
        label for label in find(page(start), "label") if attribute(label, "for") == "id_category"
    ]
    assert text(category) == "Catégorie"


def test_a_draft_moves_to_another_category_of_its_edition(owner, draft, category):
    other = CategoryFactory(edition=category.edition, number=11, title="E-health")
    elsewhere = CategoryFactory(edition=EditionFactory(year=YEAR + 1), number=11)
    [select] = find(page(owner.get(url("my-project", draft))), "select", name="category")
    assert [text(option) for option in find(select, "option")] == [
        "3. Access to information",
        "11. E-health",
    ]
    assert [attribute(o, "value") for o in find(select, "option", selected=None)] == [
        str(category.pk)
    ]

    response = owner.post(
        url("my-project", draft), {**COMPLETE, "category": other.pk, "action": "save"}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.category == other
    refused = owner.post(
        url("my-project", draft), {**COMPLETE, "category": elsewhere.pk, "action": "save"}
    )
    assert refused.status_code == 200
    assert field_errors(refused)["category"][0].startswith("Select a valid choice.")
    draft.refresh_from_db()
    assert draft.category == other


def test_submit_of_an_incomplete_draft_shows_every_rule_on_its_field(owner, category):
    owner.post(LIST, {"category": category.pk, "title": "Half done"})
    project = Project.objects.get(title="Half done")

    response = owner.post(
        url("my-project", project),
        {
            "title": "Half done",
            "short_description": words(20),
            "stage": "in_development",
            "action": "submit",
        },
    )

    assert response.status_code == 200
    errors = field_errors(response)
    for field in ("organisation_name", "stakeholder_type", "country", "region", "linkage"):
        assert errors[field] == [REQUIRED], field
    assert errors["short_description"] == [
        "The short description has 20 words: it needs 150 to 200."
    ]
    assert errors["stage"] == [
        "Only projects that are operational or at the end of a major phase are eligible."
    ]
    assert errors["sdgs"] == ["Link the project to at least one Sustainable Development Goal."]
    summary = error_summary(response)
    assert "The project cannot be submitted yet" in summary
    assert "Short description: The short description has 20 words" in summary
    [link] = [a for a in find(page(response), "a") if text(a).startswith("Impact:")]
    assert attribute(link, "href") == "#id_impact"
    assert shown(response, "Your changes are saved, but the project is still a draft.")
    # What was typed stays in the form.
    [stage] = find(page(response), "select", name="stage")
    assert [attribute(o, "value") for o in find(stage, "option", selected=None)] == [
        "in_development"
    ]
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
    assert project.stage == "in_development", "the changes are saved"


def test_invalid_field_values_are_refused_on_their_fields(owner, draft):
    response = owner.post(
        url("my-project", draft),
        {**COMPLETE, "website": "not a web address", "country": "XX", "action": "save"},
    )

    assert response.status_code == 200
    errors = field_errors(response)
    assert errors["website"] == ["Enter a valid URL."]
    assert errors["country"][0].startswith("Select a valid choice.")
    draft.refresh_from_db()
    assert draft.website == "https://example.org/"


def test_start_without_title_or_category_is_refused_on_each_field(owner, category):
    response = owner.post(LIST, {"category": "", "title": ""})

    assert response.status_code == 200
    assert set(field_errors(response)) == {"category", "title"}
    assert not Project.objects.exists()


def test_draft_is_deleted_after_confirmation(owner, draft, media):
    project_logo_set(project=draft, by=draft.submitted_by, upload=png())

    confirm = owner.get(url("my-project-delete", draft))
    assert h1(confirm) == "Delete the draft “Open data”?"
    assert Project.objects.filter(pk=draft.pk).exists(), "asking deletes nothing"

    response = owner.post(url("my-project-delete", draft), follow=True)

    assert response.redirect_chain[-1][0] == LIST
    assert shown(response, "The draft “Open data” is deleted.")
    assert not Project.objects.filter(pk=draft.pk).exists()


def test_image_is_removed_from_its_draft(owner, draft):
    first, second = project_images_add(project=draft, by=draft.submitted_by, uploads=[png(), png()])

    response = owner.post(url("my-project-image-remove", draft, first.pk), follow=True)

    assert shown(response, "The image is removed.")
    assert list(draft.images.all()) == [second]
    assert len(find(page(response), "li", class_="image-list__item")) == 1


def test_document_is_added_replaced_and_removed(
    owner, draft, media, django_capture_on_commit_callbacks
):
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

    added = owner.post(
        url("my-project-document", draft),
        {"document": SimpleUploadedFile("report.pdf", pdf)},
        follow=True,
    )
    assert shown(added, "The PDF document is saved.")
    assert [text(b) for b in find(page(added), "button") if "PDF" in text(b)] == [
        "Remove the PDF document",
        "Replace the PDF",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(
            url("my-project-document", draft), {"document": SimpleUploadedFile("v2.pdf", pdf)}
        )
    draft.refresh_from_db()
    assert draft.document
    assert len(stored_files(media)) == 1, "the replaced PDF is gone"

    removed = owner.post(url("my-project-document-remove", draft), follow=True)

    assert shown(removed, "The PDF document is removed.")
    draft.refresh_from_db()
    assert not draft.document


def test_sixth_image_is_refused_on_the_images_field(owner, draft):
    project_images_add(project=draft, by=draft.submitted_by, uploads=[png() for _ in range(4)])

    response = owner.post(url("my-project-images", draft), {"images": [png(), png()]})

    assert response.status_code == 200
    assert field_errors(response)["images"] == [
        "A project may have 5 images: it has 4, and 2 more would be too many."
    ]
    assert draft.images.count() == 4


# Files refused by their content


def test_text_file_renamed_jpg_is_refused_on_the_images_field(owner, draft, media):
    fake = SimpleUploadedFile("photo.jpg", b"just text\n", content_type="image/jpeg")

    response = owner.post(url("my-project-images", draft), {"images": [png(), fake]})

    assert response.status_code == 200
    assert field_errors(response) == {"images": ["photo.jpg is not a JPEG, PNG or WebP image."]}
    assert "photo.jpg is not a JPEG, PNG or WebP image." in error_summary(response)
    assert not ProjectImage.objects.exists(), "one refusal keeps none of them"
    assert stored_files(media) == []


def test_png_renamed_pdf_is_refused_on_the_document_field(owner, draft, media):
    fake = SimpleUploadedFile("report.pdf", png().read(), content_type="application/pdf")

    response = owner.post(url("my-project-document", draft), {"document": fake})

    assert response.status_code == 200
    assert field_errors(response) == {"document": ["report.pdf is not a PDF document."]}
    draft.refresh_from_db()
    assert not draft.document
    assert stored_files(media) == []


def test_text_file_renamed_png_is_refused_as_logo(owner, draft, media):
    fake = SimpleUploadedFile("logo.png", b"<svg></svg>", content_type="image/png")

    response = owner.post(url("my-project-logo", draft), {"logo": fake})

    assert field_errors(response) == {"logo": ["logo.png is not a JPEG, PNG or WebP image."]}
    draft.refresh_from_db()
    assert not draft.logo
    assert stored_files(media) == []


def test_upload_without_a_file_says_so_on_the_field(owner, draft):
    response = owner.post(url("my-project-images", draft), {})

    assert field_errors(response) == {"images": ["Choose one or more image files."]}


# Files and text sent together: nothing typed is lost


def field_value(response, name: str) -> str:
    """What the field ``name`` holds on the page (an input's value, a textarea's text)."""
    [field] = find(page(response), None, name=name, id=f"id_{name}")
    return attribute(field, "value") if field.name == "input" else text(field)


def test_draft_page_sends_files_with_the_text(owner, draft):
    response = owner.get(url("my-project", draft))

    [form] = find(page(response), "form", id="project-form")
    assert attribute(form, "enctype") == "multipart/form-data"
    for name in ("logo", "images", "document"):
        [file_input] = find(page(response), "input", type="file", name=name)
        assert attribute(file_input, "form") == "project-form", name
    for label in ("Upload the logo", "Add the images", "Upload the PDF"):
        [button] = [b for b in find(page(response), "button") if text(b) == label]
        assert attribute(button, "form") == "project-form", label


def test_uploading_a_logo_saves_the_text_typed_beside_it(owner, draft, media):
    typed = {**COMPLETE, "title": "Open classrooms, typed", "impact": "Typed before the upload."}

    response = owner.post(
        url("my-project", draft), {**typed, "logo": png("logo.png"), "action": "save"}, follow=True
    )

    assert shown(response, "Your draft is saved.")
    assert shown(response, "The logo is saved.")
    assert field_value(response, "title") == "Open classrooms, typed"
    assert field_value(response, "impact") == "Typed before the upload."
    draft.refresh_from_db()
    assert (draft.title, draft.impact) == ("Open classrooms, typed", "Typed before the upload.")
    assert draft.logo
    assert len(stored_files(media)) == 1


def test_images_and_pdf_are_saved_with_the_text(owner, draft):
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n")

    response = owner.post(
        url("my-project", draft),
        {**COMPLETE, "images": [png(), png()], "document": pdf, "action": "save"},
        follow=True,
    )

    assert shown(response, "2 images added.")
    assert shown(response, "The PDF document is saved.")
    assert len(find(page(response), "li", class_="image-list__item")) == 2
    draft.refresh_from_db()
    assert draft.document
    assert draft.organisation_name == "Learning Commons"


def test_a_refused_logo_keeps_the_text_typed_and_says_what_to_fix(owner, draft, media):
    fake = SimpleUploadedFile("logo.png", b"<svg></svg>", content_type="image/png")
    typed = {**COMPLETE, "partnerships": "Typed, then a wrong file chosen."}

    response = owner.post(url("my-project", draft), {**typed, "logo": fake, "action": "save"})

    assert response.status_code == 200
    assert field_errors(response) == {"logo": ["logo.png is not a JPEG, PNG or WebP image."]}
    assert "logo.png is not a JPEG, PNG or WebP image." in error_summary(response)
    assert field_value(response, "partnerships") == "Typed, then a wrong file chosen."
    assert shown(response, "Your draft is saved.")
    draft.refresh_from_db()
    assert draft.partnerships == "Typed, then a wrong file chosen.", "the valid text is kept"
    assert not draft.logo
    assert stored_files(media) == []


def test_a_refused_field_keeps_everything_typed_and_saves_the_image(owner, draft):
    typed = {**COMPLETE, "website": "not a web address", "outlook": "Typed, not yet saved."}

    response = owner.post(url("my-project", draft), {**typed, "images": [png()], "action": "save"})

    assert response.status_code == 200
    assert field_errors(response) == {"website": ["Enter a valid URL."]}
    assert field_value(response, "website") == "not a web address"
    assert field_value(response, "outlook") == "Typed, not yet saved."
    assert shown(response, "Your changes are not saved yet: correct what is marked below")
    assert shown(response, "1 image added.")
    draft.refresh_from_db()
    assert draft.website == "https://example.org/", "nothing of the refused text is saved"
    assert draft.images.count() == 1


def test_removing_an_image_saves_the_text_typed(owner, draft):
    first, second = project_images_add(project=draft, by=draft.submitted_by, uploads=[png(), png()])

    response = owner.post(
        url("my-project", draft),
        {**COMPLETE, "title": "Typed then removed an image", "remove_image": first.pk},
        follow=True,
    )

    assert shown(response, "The image is removed.")
    assert shown(response, "Your draft is saved.")
    assert list(draft.images.all()) == [second]
    draft.refresh_from_db()
    assert draft.title == "Typed then removed an image"


def test_removing_the_pdf_saves_the_text_typed(owner, draft):
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n")
    owner.post(url("my-project-document", draft), {"document": pdf})

    response = owner.post(
        url("my-project", draft),
        {**COMPLETE, "title": "Typed then removed the PDF", "remove_document": "1"},
        follow=True,
    )

    assert shown(response, "The PDF document is removed.")
    draft.refresh_from_db()
    assert not draft.document
    assert draft.title == "Typed then removed the PDF"


@pytest.mark.parametrize("image", ["not a number", "999999"])
def test_removing_an_unknown_image_is_not_found(owner, draft, image):
    response = owner.post(url("my-project", draft), {**COMPLETE, "remove_image": image})

    assert response.status_code == 404


def test_a_malformed_website_hides_none_of_the_submission_rules(owner, draft):
    """The issue's case: a malformed website and twelve rules broken at once."""
    response = owner.post(
        url("my-project", draft),
        {
            "title": "Open data",
            "website": "not a web address",
            "short_description": words(20),
            "stage": "in_development",
            "action": "submit",
        },
    )

    assert response.status_code == 200
    errors = field_errors(response)
    assert errors.pop("website") == ["Enter a valid URL."]
    rules = {
        **{
            field: [REQUIRED]
            for field in (
                "organisation_name",
                "stakeholder_type",
                "country",
                "region",
                "linkage",
                "impact",
                "partnerships",
                "challenges",
                "outlook",
            )
        },
        "short_description": ["The short description has 20 words: it needs 150 to 200."],
        "stage": [
            "Only projects that are operational or at the end of a major phase are eligible."
        ],
        "sdgs": ["Link the project to at least one Sustainable Development Goal."],
    }
    assert errors == rules
    assert sum(len(texts) for texts in errors.values()) == 12
    summary = error_summary(response)
    assert "Website: Enter a valid URL." in summary
    assert "The project cannot be submitted yet: each field says what it needs." in summary
    for field, texts in rules.items():
        assert texts[0] in summary, field
    assert shown(response, "The project is not submitted: it is still a draft.")
    assert "It has 20 words now." in text(page(response))
    assert field_value(response, "website") == "not a web address"
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT
    assert draft.organisation_name != "", "nothing of the refused text is saved"


def test_a_field_error_alone_submits_nothing_and_says_so(owner, draft):
    response = owner.post(
        url("my-project", draft), {**COMPLETE, "website": "not a web address", "action": "submit"}
    )

    assert field_errors(response) == {"website": ["Enter a valid URL."]}
    assert shown(response, "The project is not submitted: it is still a draft.")
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT


def test_word_count_shows_the_count_and_the_limit_after_a_save(owner, draft):
    response = owner.post(
        url("my-project", draft),
        {**COMPLETE, "short_description": words(210), "action": "save"},
        follow=True,
    )

    [hint] = find(page(response), "div", id="id_short_description_helptext")
    assert text(hint) == "What voters read: 150 to 200 words. It has 210 words now."
    [count] = find(hint, "span", class_="word-count")
    assert "word-count--outside" in attribute(count, "class")
    [field] = find(page(response), "textarea", name="short_description")
    assert (attribute(field, "data-min-words"), attribute(field, "data-max-words")) == (
        "150",
        "200",
    )
    assert "id_short_description_helptext" in attribute(field, "aria-describedby")


# Who may do what


@pytest.mark.parametrize(
    "name", ["my-project", "my-project-logo", "my-project-images", "my-project-delete"]
)
def test_anonymous_visitor_is_sent_to_log_in(client, draft, name):
    address = url(name, draft)

    for response in (client.get(address), client.post(address, COMPLETE)):
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={address}"
    assert client.get(LIST)["Location"] == f"{LOGIN}?next={LIST}"
    draft.refresh_from_db()
    assert draft.title == "Open data"


@pytest.mark.parametrize(
    "name, data",
    [
        ("my-project", {**COMPLETE, "action": "save"}),
        ("my-project", {**COMPLETE, "action": "submit"}),
        ("my-project", {**COMPLETE, "action": "save", "logo": "file", "images": "file"}),
        ("my-project", {**COMPLETE, "remove_document": "1"}),
        ("my-project-logo", {"logo": "file"}),
        ("my-project-images", {"images": "file"}),
        ("my-project-document", {"document": "file"}),
        ("my-project-document-remove", {}),
        ("my-project-delete", {}),
    ],
)
def test_another_persons_project_is_not_found(client, draft, name, data):
    project_logo_set(project=draft, by=draft.submitted_by, upload=png())
    client.force_login(UserFactory(email_confirmed=True))
    files = {key: png() for key, value in data.items() if value == "file"}

    assert client.get(url("my-project", draft)).status_code == 404
    response = client.post(url(name, draft), {**data, **files})

    assert response.status_code == 404
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Open data", ProjectStatus.DRAFT)
    assert draft.logo


def test_staff_cannot_change_a_submitters_draft_from_its_page(client, draft):
    staff = UserFactory(is_staff=True, email_confirmed=True, mfa=True, roles=["Secretariat"])
    client.force_login(staff)

    response = client.post(
        url("my-project", draft),
        {**COMPLETE, "title": "Changed by staff", "logo": png(), "action": "save"},
    )

    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Open data"
    assert not draft.logo


def test_another_persons_image_cannot_be_removed(client, draft):
    [image] = project_images_add(project=draft, by=draft.submitted_by, uploads=[png()])
    client.force_login(UserFactory(email_confirmed=True))

    response = client.post(url("my-project-image-remove", draft, image.pk))

    assert response.status_code == 404
    assert ProjectImage.objects.filter(pk=image.pk).exists()


def test_another_persons_projects_are_not_listed(owner, draft, category):
    ProjectFactory(category=category, status=ProjectStatus.DRAFT, title="Someone else's")

    response = owner.get(LIST)

    rows = find(section(response, "projects-heading"), "tr")[1:]
    assert [text(find(row, "a")[0]) for row in rows] == ["Open data"]


def test_unconfirmed_account_is_asked_to_confirm_before_starting(client, category):
    client.force_login(UserFactory(email_confirmed=False))

    listing = client.get(LIST)
    start = section(listing, "start-heading")
    assert find(start, "form") == []
    assert "Confirm your e-mail address to start a project" in text(start)

    response = client.post(LIST, {"category": category.pk, "title": "Sneaky"}, follow=True)

    assert response.redirect_chain[0][0] == reverse("account_email")
    assert shown(response, EMAIL_NOT_CONFIRMED_MESSAGE)
    assert not Project.objects.exists()


def test_unconfirmed_account_cannot_change_its_draft(client, draft):
    unconfirmed = UserFactory(email_confirmed=False)
    draft.submitted_by = unconfirmed
    draft.save()
    client.force_login(unconfirmed)

    response = client.post(url("my-project", draft), {**COMPLETE, "action": "submit"}, follow=True)

    assert shown(response, EMAIL_NOT_CONFIRMED_MESSAGE)
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Open data", ProjectStatus.DRAFT)


@pytest.fixture
def closed(edition):
    """The submission phase is over: the nomination is open."""
    return edition_timeline_set(
        edition=edition, times=timeline_around(current=Phase.NOMINATION, at=timezone.now())
    )


def test_after_the_close_the_list_says_submission_is_closed(owner, draft, closed):
    response = owner.get(LIST)

    start = section(response, "start-heading")
    assert find(start, "form") == []
    assert "Submission for the WSIS Prizes 2020 is closed: it ran from" in text(start)
    assert closed.submission_closes_at.strftime("%-d %B %Y") in text(start)

    refused = owner.post(LIST, {"category": draft.category.pk, "title": "Too late"}, follow=True)
    assert shown(refused, CLOSED)
    assert not Project.objects.filter(title="Too late").exists()


def test_after_the_close_a_draft_is_read_only_and_changes_are_refused(owner, draft, closed):
    page_ = owner.get(url("my-project", draft))
    assert find(page(page_), "form", id="project-form") == []
    assert "This draft was not submitted, and submission closed on" in text(page(page_))

    saved = owner.post(url("my-project", draft), {**COMPLETE, "action": "save"}, follow=True)
    submitted = owner.post(url("my-project", draft), {**COMPLETE, "action": "submit"}, follow=True)
    logo = owner.post(url("my-project-logo", draft), {"logo": png()}, follow=True)
    deleted = owner.post(url("my-project-delete", draft), follow=True)

    for response in (saved, submitted, logo, deleted):
        assert shown(response, CLOSED)
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Open data", ProjectStatus.DRAFT)
    assert not draft.logo


def test_rejected_project_shows_the_reason_and_its_history(owner, draft, closed, admin_user):
    draft.status = ProjectStatus.SUBMITTED
    draft.save()
    nomination_reject(project=draft, by=admin_user, reason="The project is not operational yet.")

    response = owner.get(url("my-project", draft))

    assert response.status_code == 200
    assert text(find(page(response), class_="status-badge")[0]) == "Rejected"
    [decision] = find(page(response), class_="decision")
    assert "The project is not operational yet." in text(decision)
    history = section(response, "history-heading")
    assert [text(p) for p in find(history, "p", class_="history__what")] == ["Rejected"]
    assert "The project is not operational yet." in text(history)
    assert admin_user.email not in response.content.decode()


def test_submitted_project_cannot_be_changed_from_an_old_page(owner, draft):
    draft.status = ProjectStatus.SUBMITTED
    draft.save()

    response = owner.post(url("my-project", draft), {**COMPLETE, "action": "save"}, follow=True)

    assert shown(response, "Only drafts can be changed: this project has already been submitted.")
    draft.refresh_from_db()
    assert draft.title == "Open data"


def test_header_links_my_projects_for_signed_in_people(owner, edition):
    response = owner.get(reverse("frontend:home"))

    [links] = find(page(response), "ul", class_="account-links")
    assert LIST in [attribute(a, "href") for a in find(links, "a")]


# Query counts


@pytest.mark.parametrize("count", [1, 6])
def test_my_projects_query_count_does_not_grow(
    owner, category, submitter, django_assert_num_queries, count
):
    for number in range(count):
        ProjectFactory(
            category=category, submitted_by=submitter, status="draft", title=f"Project {number}"
        )

    # Session, and the user with its address check; the edition; the header's role
    # groups; the projects, and the categories to start one in.
    with django_assert_num_queries(6):
        response = owner.get(LIST)

    assert len(find(section(response, "projects-heading"), "tr")) == count + 1


@pytest.mark.parametrize("images", [1, 4])
def test_draft_page_query_count_does_not_grow(owner, draft, django_assert_num_queries, images):
    project_images_add(project=draft, by=draft.submitted_by, uploads=[png()] * images)

    # One of them lists the edition's categories, where the draft may move.
    with django_assert_num_queries(10):
        response = owner.get(url("my-project", draft))

    assert len(find(page(response), "li", class_="image-list__item")) == images


def test_my_projects_sentence_with_a_date_keeps_the_date_readable(owner, category):
    """The closing date sits inside the translated sentence as the page's usual <time>."""
    closes_at = category.edition.window(Phase.SUBMISSION).closes_at
    response = owner.get(LIST)
    [section] = find(page(response), "section", class_="start-project")
    [sentence] = [p for p in find(section, "p") if "Submission closes on" in text(p)]
    [moment] = find(sentence, "time", class_="moment")
    assert attribute(moment, "datetime") == closes_at.astimezone(datetime.UTC).isoformat()
    assert text(sentence).startswith("Choose its category and give it a title:")
    assert f"Submission closes on {text(moment)}" in text(sentence)
