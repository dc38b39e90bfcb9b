import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from PIL import Image

from awards.models import (
    Category,
    Edition,
    Project,
    ProjectEvent,
    ProjectEventKind,
    ProjectImage,
    ProjectStatus,
    Region,
)
from awards.phases import Phase
from awards.services.nomination import nomination_reject
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.frontend.html import attribute, error_summary, find, h1, page, text
from tests.frontend.roles import (
    WHO_IS_REFUSED,
    assert_secretariat_refusal,
    sign_in,
)

pytestmark = pytest.mark.django_db

CLOSED = "Nomination decisions can be taken only during the submission and nomination phases."
REASON_REQUIRED = "Write the reason for the rejection: the submitter will read it."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def edition() -> Edition:
    return EditionFactory(year=2031, phase=Phase.NOMINATION)


@pytest.fixture
def category(edition) -> Category:
    return CategoryFactory(edition=edition, number=3, title="Access to information")


@pytest.fixture
def project(category) -> Project:
    return submitted(category, title="Solar schools")


@pytest.fixture
def secretariat(client, admin_user):
    client.force_login(admin_user)
    return client


def submitted(category: Category, **fields) -> Project:
    fields.setdefault("submitted_at", timezone.now() - timedelta(days=3))
    return ProjectFactory(category=category, status=ProjectStatus.SUBMITTED, **fields)


def bulk_submissions(
    category: Category, count: int, *, status: str = ProjectStatus.SUBMITTED, prefix: str = "Bulk"
) -> list[Project]:
    """Many submissions at once: one organisation each, as the database demands."""
    now = timezone.now()
    return Project.objects.bulk_create(
        Project(
            edition=category.edition,
            category=category,
            title=f"{prefix} community network {n}",
            organisation_name=f"{prefix} organisation {n}",
            stakeholder_type="civil_society",
            country="KE",
            region=Region.AFRICA,
            status=status,
            submitted_at=now - timedelta(minutes=count - n),
        )
        for n in range(count)
    )


def queue_url(edition: Edition, query: str = "") -> str:
    url = reverse("frontend:submissions", args=[edition.year])
    return f"{url}?{query}" if query else url


def project_url(project: Project, query: str = "") -> str:
    url = reverse("frontend:submission", args=[project.edition.year, project.pk])
    return f"{url}?{query}" if query else url


def export_url(edition: Edition, kind: str, query: str = "") -> str:
    url = reverse("frontend:submissions-export", args=[edition.year, kind])
    return f"{url}?{query}" if query else url


def row_titles(response) -> list[str]:
    [table] = find(page(response), "table", class_="table--queue")
    return [text(find(cell, "a")[0]) for cell in find(table, "th", class_="queue-title")]


def messages_shown(response) -> list[str]:
    return [text(item) for item in find(page(response), "li", class_="message")]


def history(project: Project) -> list[tuple[str, int | None, str]]:
    return list(
        ProjectEvent.objects.filter(project=project)
        .order_by("at", "pk")
        .values_list("kind", "actor_id", "note")
    )


def png(name: str = "picture.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- Who may open the pages ----------------------------------------------------------


def _page_url(name: str, project: Project) -> str:
    return {
        "queue": queue_url(project.edition),
        "submission": project_url(project),
        "csv": export_url(project.edition, "csv"),
        "xlsx": export_url(project.edition, "xlsx"),
    }[name]


PAGES = ["queue", "submission", "csv", "xlsx"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", WHO_IS_REFUSED)
def test_nomination_pages_refuse_anyone_but_the_secretariat_with_mfa(client, project, name, who):
    sign_in(client, who)
    url = _page_url(name, project)

    assert_secretariat_refusal(client.get(url), who, url)


@pytest.mark.parametrize("name", PAGES)
def test_nomination_pages_open_for_the_secretariat_with_mfa(secretariat, project, name):
    response = secretariat.get(_page_url(name, project))

    assert response.status_code == 200


POSTS = {
    "accept selected": lambda project: (queue_url(project.edition), {"project": [project.pk]}),
    "accept": lambda project: (project_url(project), {"decision": "accept"}),
    "reject": lambda project: (
        project_url(project),
        {"decision": "reject", "reason": "Out of scope."},
    ),
}


@pytest.mark.parametrize("action", POSTS)
@pytest.mark.parametrize("who", WHO_IS_REFUSED)
def test_nomination_decisions_refused_change_nothing(
    client, project, action, who, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, who)
    url, data = POSTS[action](project)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert_secretariat_refusal(response, who, url)

    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert project.decision_reason == ""
    assert history(project) == []
    assert mailoutbox == []


@pytest.mark.parametrize("action", POSTS)
def test_nomination_decisions_by_the_secretariat_take_effect(secretariat, project, action):
    url, data = POSTS[action](project)

    response = secretariat.post(url, data)

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status != ProjectStatus.SUBMITTED


def test_secretariat_dashboard_links_to_the_nomination_queue(secretariat, edition):
    response = secretariat.get(reverse("frontend:secretariat"))

    [link] = find(page(response), "a", href=queue_url(edition))
    assert text(link) == "Nomination queue"


# --- The queue --------------------------------------------------------------------------


def test_queue_lists_the_submissions_without_drafts(secretariat, edition, category):
    first = submitted(
        category,
        title="Solar schools",
        organisation_name="Sun Trust",
        country="KE",
        submitted_at=timezone.now() - timedelta(days=5),
    )
    submitted(category, title="Mesh villages", submitted_at=timezone.now() - timedelta(days=1))
    ProjectFactory(category=category, title="Unfinished idea", status=ProjectStatus.DRAFT)

    response = secretariat.get(queue_url(edition))

    assert response.status_code == 200
    assert h1(response) == "Nomination queue WSIS Prizes 2031"
    assert row_titles(response) == ["Solar schools", "Mesh villages"]
    [table] = find(page(response), "table", class_="table--queue")
    [row] = [r for r in find(table, "tr") if "Solar schools" in text(r)]
    cells = [text(cell) for cell in row.children if getattr(cell, "name", None) in ("th", "td")]
    assert cells[1:] == [
        "Solar schools",
        "Sun Trust",
        "3",
        "Kenya",
        "Submitted",
        first.submitted_at.strftime("%-d %b %Y"),
    ]
    [title_link] = find(row, "a", href=f"{project_url(first)}?next={queue_url(edition)}")
    assert text(title_link) == "Solar schools"
    assert find(row, "input", type="checkbox", name="project", value=str(first.pk))
    assert "Not in the queue: 1 draft not submitted yet." in text(page(response))


def test_queue_counts_the_submissions_by_status(secretariat, edition, category):
    submitted(category)
    submitted(category)
    ProjectFactory(category=category, status=ProjectStatus.NOMINEE)
    ProjectFactory(category=category, status=ProjectStatus.REJECTED)
    ProjectFactory(category=category, status=ProjectStatus.DRAFT)

    response = secretariat.get(queue_url(edition))

    counts = [text(item) for item in find(page(response), "li", class_="status-counts__item")]
    assert counts == [
        "4 submissions",
        "2 Submitted",
        "1 Nominee",
        "1 Rejected",
        "0 Champion",
        "0 Winner",
    ]
    [nominee_link] = [a for a in find(page(response), "a") if text(a) == "1 Nominee"]
    assert attribute(nominee_link, "href") == "?status=nominee"


@pytest.fixture
def two_kinds(edition, category):
    """Two submissions that differ in every filtered attribute."""
    other_category = CategoryFactory(edition=edition, number=7, title="E-government")
    kenyan = submitted(
        category,
        title="Solar schools",
        organisation_name="Sun Trust",
        country="KE",
        region=Region.AFRICA,
        stakeholder_type="civil_society",
    )
    french = ProjectFactory(
        category=other_category,
        title="Open town halls",
        organisation_name="Ville Ouverte",
        country="FR",
        region=Region.EUROPE,
        stakeholder_type="government",
        status=ProjectStatus.NOMINEE,
        submitted_at=timezone.now(),
    )
    return kenyan, french


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=3", ["Solar schools"]),
        ("category=7", ["Open town halls"]),
        ("status=submitted", ["Solar schools"]),
        ("status=nominee", ["Open town halls"]),
        ("country=FR", ["Open town halls"]),
        ("region=africa", ["Solar schools"]),
        ("stakeholder_type=government", ["Open town halls"]),
        ("search=solar", ["Solar schools"]),
        ("search=ouverte", ["Open town halls"]),
        ("region=africa&status=nominee", []),
    ],
)
def test_queue_filters_the_submissions(secretariat, edition, two_kinds, query, expected):
    response = secretariat.get(queue_url(edition, query))

    assert response.status_code == 200
    if expected:
        assert row_titles(response) == expected
        assert "matching the filters" in text(page(response))
    else:
        assert not find(page(response), "table", class_="table--queue")
        assert "No submission matches these filters." in text(page(response))


def test_queue_filter_form_keeps_the_chosen_values(secretariat, edition, two_kinds):
    response = secretariat.get(queue_url(edition, "category=7&status=nominee&search=town"))

    content = page(response)
    [category_select] = find(content, "select", name="category")
    options = [(attribute(o, "value"), text(o)) for o in find(category_select, "option")]
    assert options == [
        ("", "Any category"),
        ("3", "3. Access to information"),
        ("7", "7. E-government"),
    ]
    [chosen] = find(category_select, "option", selected=None)
    assert attribute(chosen, "value") == "7"
    [status] = find(content, "select", name="status")
    assert attribute(find(status, "option", selected=None)[0], "value") == "nominee"
    assert attribute(find(content, "input", name="search")[0], "value") == "town"


def test_queue_country_filter_names_the_countries_in_the_pages_language(secretariat, edition):
    with translation.override("fr"):
        url = queue_url(edition)

    response = secretariat.get(url)

    [country_select] = find(page(response), "select", name="country")
    names = {attribute(o, "value"): text(o) for o in find(country_select, "option")}
    assert names["DE"] == "Allemagne"
    assert names["CH"] == "Suisse"


@pytest.mark.parametrize(
    ("query", "field_error"),
    [
        ("category=three", "Choose a category from the list."),
        ("country=ZZ", "Select a valid choice. ZZ is not one of the available choices."),
        ("status=draft", "Select a valid choice. draft is not one of the available choices."),
        # No database reads it: refused before PostgreSQL sees it.
        ("search=town%00hall", "Null characters are not allowed."),
    ],
)
def test_queue_with_a_bad_filter_value_says_so(secretariat, edition, project, query, field_error):
    response = secretariat.get(queue_url(edition, query))

    assert response.status_code == 200
    assert field_error in error_summary(response)
    assert "No submissions are listed until the filters are corrected." in text(page(response))
    assert not find(page(response), "table", class_="table--queue")


def test_queue_paginates_by_fifty_and_page_links_keep_the_filters(secretariat, edition, category):
    bulk_submissions(category, 120)
    bulk_submissions(category, 3, status=ProjectStatus.NOMINEE, prefix="Accepted")

    response = secretariat.get(queue_url(edition, "status=submitted&region=africa"))

    assert len(row_titles(response)) == 50
    assert "1 to 50 of 120 submissions matching the filters" in text(page(response))
    [pages] = find(page(response), "nav", class_="pagination")
    links = {text(a): attribute(a, "href") for a in find(pages, "a")}
    assert links == {
        "Page 1": "?status=submitted&region=africa&page=1",
        "Page 2": "?status=submitted&region=africa&page=2",
        "Page 3": "?status=submitted&region=africa&page=3",
        "Next page": "?status=submitted&region=africa&page=2",
    }

    last = secretariat.get(queue_url(edition, "status=submitted&region=africa&page=3"))

    assert len(row_titles(last)) == 20
    assert "101 to 120 of 120" in text(page(last))


def test_queue_out_of_range_page_shows_the_last_page(secretariat, edition, category):
    bulk_submissions(category, 60)

    for query in ("page=99", "page=two"):
        response = secretariat.get(queue_url(edition, query))
        assert response.status_code == 200
        assert len(row_titles(response)) in (10, 50)


def test_queue_marks_probable_duplicates(secretariat, edition, category):
    original = submitted(category, title="Solar schools for rural Kenya", organisation_name="A")
    copy = submitted(category, title="Solar Schools for Rural Kenya!", organisation_name="B")
    alone = submitted(category, title="Mesh villages", organisation_name="C")

    response = secretariat.get(queue_url(edition))

    [table] = find(page(response), "table", class_="table--queue")
    badges = find(table, "a", class_="badge--duplicate")
    assert [attribute(b, "href") for b in badges] == [
        f"{project_url(original)}?next={queue_url(edition)}#duplicates",
        f"{project_url(copy)}?next={queue_url(edition)}#duplicates",
    ]
    assert text(badges[0]) == "Possible duplicate of “Solar Schools for Rural Kenya!”"
    assert alone.title not in " ".join(text(b) for b in badges)


def test_queue_says_when_nothing_was_submitted(secretariat, edition):
    response = secretariat.get(queue_url(edition))

    assert "No project has been submitted to WSIS Prizes 2031 yet." in text(page(response))


def test_queue_of_an_unknown_edition_is_not_found(secretariat, edition):
    assert secretariat.get(reverse("frontend:submissions", args=[1999])).status_code == 404


# --- Accepting from the queue ---------------------------------------------------------


def test_accept_selected_accepts_and_reports_those_skipped(
    secretariat, admin_user, edition, category, mailoutbox, django_capture_on_commit_callbacks
):
    chosen = [submitted(category, title=f"Project {n}") for n in (1, 2, 3)]
    already = ProjectFactory(category=category, title="Old nominee", status=ProjectStatus.NOMINEE)
    untouched = submitted(category, title="Not selected")
    url = queue_url(edition, "status=submitted&page=1")

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(url, {"project": [p.pk for p in [*chosen, already]]})

    assert response.status_code == 302
    assert response["Location"] == url
    for project in chosen:
        project.refresh_from_db()
        assert project.status == ProjectStatus.NOMINEE
        assert history(project) == [(ProjectEventKind.ACCEPTED, admin_user.pk, "")]
    already.refresh_from_db()
    untouched.refresh_from_db()
    assert (already.status, untouched.status) == (ProjectStatus.NOMINEE, ProjectStatus.SUBMITTED)
    assert len(mailoutbox) == 3
    assert messages_shown(secretariat.get(response["Location"])) == [
        "3 submissions accepted as nominees.",
        "Not accepted: “Old nominee”. A nominee project cannot be accepted as a nominee.",
    ]


def test_accept_selected_without_a_selection_asks_for_one(secretariat, edition, project):
    response = secretariat.post(queue_url(edition), {}, follow=True)

    assert messages_shown(response) == ["Select at least one submission to accept."]
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_accept_selected_ignores_other_editions_and_bad_ids(secretariat, edition, project):
    elsewhere = submitted(
        CategoryFactory(edition=EditionFactory(year=2032, phase=Phase.NOMINATION))
    )

    response = secretariat.post(
        queue_url(edition), {"project": [str(elsewhere.pk), "x", "²"]}, follow=True
    )

    assert messages_shown(response) == ["None of the selected submissions is in this queue."]
    elsewhere.refresh_from_db()
    assert elsewhere.status == ProjectStatus.SUBMITTED


def test_accept_selected_outside_the_nomination_window_changes_nothing(secretariat):
    edition = EditionFactory(year=2033, phase=Phase.VOTING)
    category = CategoryFactory(edition=edition)
    first = submitted(category, title="First")
    second = submitted(category, title="Second")

    response = secretariat.post(queue_url(edition), {"project": [first.pk, second.pk]}, follow=True)

    assert messages_shown(response) == [f"Not accepted: “First”, “Second”. {CLOSED}"]
    assert Project.objects.filter(status=ProjectStatus.NOMINEE).count() == 0
    # The queue says so, and offers no decision.
    assert "Nomination decisions are closed" in text(page(response))
    assert not find(page(response), "input", type="checkbox")


# --- The submission page --------------------------------------------------------------


def test_submission_page_shows_everything_about_the_project(secretariat, admin_user, category):
    submitter = UserFactory(name="Amina Otieno", email="amina@example.org")
    project = submitted(
        category,
        title="Solar schools",
        organisation_name="Sun Trust",
        website="https://sun.example.org/schools",
        submitted_by=submitter,
        sdgs=[4, 7],
        logo=png("logo.png"),
        document=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    ProjectImage.objects.create(project=project, image=png(), position=1, caption="A classroom")
    nomination_reject(project=project, by=admin_user, reason="Not operational yet.")

    response = secretariat.get(project_url(project))

    assert response.status_code == 200
    assert h1(response) == "Solar schools"
    content = text(page(response))
    for expected in (
        "Organisation Sun Trust",
        "Stakeholder type Civil society",
        "Country Kenya",
        "ITU region Africa",
        "Website https://sun.example.org/schools",
        "Submitted by Amina Otieno, amina@example.org",
        "Category 3. Access to information",
        "Project stage Operational",
        "SDG 4",
        "SDG 7",
        "Short description (160 words) People learn online",
        "Linkage to the Action Lines and SDGs It serves Action Line C3",
        "Impact Twelve thousand people reached",
        "Partnerships The ministry of education",
        "Challenges Connectivity in rural districts.",
        "Future outlook Extension to two neighbouring countries.",
        "Reason for the rejection Not operational yet.",
    ):
        assert expected in content
    root = page(response)
    [logo] = find(root, "img", class_="review-logo")
    assert attribute(logo, "alt") == "Logo of Sun Trust"
    assert attribute(logo, "src") == project.logo.url
    assert find(root, "img", alt="A classroom")
    assert find(root, "a", href=project.document.url)
    assert find(root, "a", href="mailto:amina@example.org")
    [table] = find(root, "table", class_="table--history")
    rows = [text(row) for row in find(table, "tbody")[0].children if getattr(row, "name", "")]
    assert len(rows) == 1
    assert rows[0].endswith(f"Rejected {admin_user.name} Not operational yet.")


def test_submission_page_lists_the_probable_duplicates(secretariat, edition, category):
    project = submitted(category, title="Solar schools for rural Kenya", organisation_name="A")
    copy = submitted(category, title="Solar Schools for Rural Kenya", organisation_name="B")

    response = secretariat.get(project_url(project, f"next={queue_url(edition)}"))

    [section] = find(page(response), "section", id="duplicates")
    [link] = find(section, "a")
    assert text(link) == "Solar Schools for Rural Kenya"
    assert attribute(link, "href") == f"{project_url(copy)}?next={queue_url(edition)}"
    assert "Similar title" in text(section)


def test_submission_page_links_the_previous_and_next_in_the_filtered_queue(
    secretariat, edition, category
):
    now = timezone.now()
    first = submitted(category, title="First", submitted_at=now - timedelta(days=3))
    ProjectFactory(category=category, title="Decided", submitted_at=now - timedelta(days=2))
    middle = submitted(category, title="Middle", submitted_at=now - timedelta(days=1))
    last = submitted(category, title="Last", submitted_at=now)
    back = queue_url(edition, "status=submitted")

    response = secretariat.get(project_url(middle, f"next={back}"))

    root = page(response)
    [previous] = find(root, "a", rel="prev")
    [following] = find(root, "a", rel="next")
    query = "next=%2Fsecretariat%2Feditions%2F2031%2Fsubmissions%2F%3Fstatus%3Dsubmitted"
    assert attribute(previous, "href") == project_url(first, query)
    assert attribute(following, "href") == project_url(last, query)
    assert text(previous).startswith("← Previous submission")
    assert text(previous).endswith("First")
    [back_link] = find(root, "a", class_="review-nav__back")
    assert attribute(back_link, "href") == back

    first_page = page(secretariat.get(project_url(first)))
    assert not find(first_page, "a", rel="prev")
    assert attribute(find(first_page, "a", rel="next")[0], "href") == project_url(
        Project.objects.get(title="Decided")
    )


@pytest.mark.parametrize("status", [ProjectStatus.DRAFT])
def test_submission_page_of_a_draft_is_not_found(secretariat, category, status):
    draft = ProjectFactory(category=category, status=status)

    assert secretariat.get(project_url(draft)).status_code == 404


def test_submission_page_of_another_edition_is_not_found(secretariat, edition, category):
    other = submitted(CategoryFactory(edition=EditionFactory(year=2032)))
    url = reverse("frontend:submission", args=[edition.year, other.pk])

    assert secretariat.get(url).status_code == 404


def test_accept_from_the_submission_page_goes_back_to_the_filtered_queue(
    secretariat, admin_user, edition, project
):
    back = queue_url(edition, "status=submitted&page=1")

    response = secretariat.post(project_url(project), {"decision": "accept", "next": back})

    assert response.status_code == 302
    assert response["Location"] == back
    project.refresh_from_db()
    assert project.status == ProjectStatus.NOMINEE
    assert history(project) == [(ProjectEventKind.ACCEPTED, admin_user.pk, "")]
    assert messages_shown(secretariat.get(back)) == [
        "“Solar schools” has been accepted as a nominee."
    ]


def test_reject_from_the_submission_page_records_the_reason(
    secretariat, admin_user, edition, project, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(
            project_url(project), {"decision": "reject", "reason": "  Not an ICT project. "}
        )

    assert response["Location"] == queue_url(edition)
    project.refresh_from_db()
    assert project.status == ProjectStatus.REJECTED
    assert project.decision_reason == "Not an ICT project."
    assert history(project) == [(ProjectEventKind.REJECTED, admin_user.pk, "Not an ICT project.")]
    assert "Not an ICT project." in mailoutbox[0].body
    assert messages_shown(secretariat.get(queue_url(edition))) == [
        "“Solar schools” has been rejected. The submitter is told the reason."
    ]


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_without_a_reason_shows_the_error_on_the_field(secretariat, project, reason):
    response = secretariat.post(project_url(project), {"decision": "reject", "reason": reason})

    assert response.status_code == 200
    root = page(response)
    [field] = find(root, "div", class_="field--error")
    assert REASON_REQUIRED in text(field)
    [textarea] = find(field, "textarea", name="reason")
    assert attribute(textarea, "aria-invalid") == "true"
    assert REASON_REQUIRED in error_summary(response)
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert history(project) == []


def test_decision_keeps_next_after_a_refused_reason(secretariat, edition, project):
    back = queue_url(edition, "status=submitted")

    response = secretariat.post(
        project_url(project), {"decision": "reject", "reason": "", "next": back}
    )

    for form in find(page(response), "form", class_="review-decision"):
        assert find(form, "input", name="next", value=back)


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_decisions_outside_the_nomination_window_are_refused_with_a_message(secretariat, decision):
    project = submitted(CategoryFactory(edition=EditionFactory(year=2033, phase=Phase.VOTING)))

    response = secretariat.post(
        project_url(project), {"decision": decision, "reason": "Too late."}, follow=True
    )

    assert response.redirect_chain == [(project_url(project), 302)]
    assert messages_shown(response) == [CLOSED]
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert history(project) == []
    # The page says why and offers no decision.
    [panel] = find(page(response), "section", aria_labelledby="decision-heading")
    assert "Nomination decisions are closed" in text(panel)
    assert not find(panel, "button")


def test_accepting_a_nominee_again_is_refused_with_a_message(secretariat, category):
    nominee = ProjectFactory(category=category, status=ProjectStatus.NOMINEE)

    response = secretariat.post(project_url(nominee), {"decision": "accept"}, follow=True)

    assert messages_shown(response) == ["A nominee project cannot be accepted as a nominee."]


def test_submission_page_offers_only_the_decisions_the_status_allows(secretariat, category):
    buttons = {}
    for status in (ProjectStatus.SUBMITTED, ProjectStatus.NOMINEE, ProjectStatus.REJECTED):
        project = ProjectFactory(category=category, status=status)
        [panel] = find(
            page(secretariat.get(project_url(project))),
            "section",
            aria_labelledby="decision-heading",
        )
        buttons[status] = [text(button) for button in find(panel, "button")]

    assert buttons == {
        ProjectStatus.SUBMITTED: ["Accept as nominee", "Reject"],
        ProjectStatus.NOMINEE: ["Reject"],
        ProjectStatus.REJECTED: ["Accept as nominee"],
    }


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/queue", "javascript:alert(1)"]
)
def test_decision_ignores_a_next_that_leaves_the_site(secretariat, edition, project, next_url):
    response = secretariat.post(project_url(project), {"decision": "accept", "next": next_url})

    assert response["Location"] == queue_url(edition)


def test_unknown_decision_is_refused_with_a_message(secretariat, project):
    response = secretariat.post(project_url(project), {"decision": "shortlist"}, follow=True)

    assert messages_shown(response) == ["Choose to accept or to reject the submission."]
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


# --- Exports --------------------------------------------------------------------------


def test_csv_export_contains_exactly_the_filtered_submissions(secretariat, edition, two_kinds):
    kenyan, _ = two_kinds
    submitted(edition.categories.get(number=3), title="Mesh villages", country="UG")

    response = secretariat.get(export_url(edition, "csv", "country=KE&status=submitted"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="wsis-prizes-2031-submissions.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["id", "category", "category title", "title"]
    assert [(row[0], row[3]) for row in rows[1:]] == [(str(kenyan.pk), "Solar schools")]


def test_xlsx_export_contains_exactly_the_filtered_submissions(secretariat, edition, two_kinds):
    _, french = two_kinds

    response = secretariat.get(export_url(edition, "xlsx", "region=europe&page=2"))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "title"
    assert [(row[0], row[3], row[10]) for row in rows[1:]] == [
        (french.pk, "Open town halls", "Nominee")
    ]


def test_export_links_carry_the_filters_of_the_queue(secretariat, edition, two_kinds):
    response = secretariat.get(queue_url(edition, "status=nominee&page=1"))

    root = page(response)
    [csv_link] = [a for a in find(root, "a") if text(a) == "Export CSV"]
    [xlsx_link] = [a for a in find(root, "a") if text(a) == "Export XLSX"]
    assert attribute(csv_link, "href") == export_url(edition, "csv", "status=nominee")
    assert attribute(xlsx_link, "href") == export_url(edition, "xlsx", "status=nominee")


def test_export_with_a_bad_filter_goes_back_to_the_queue(secretariat, edition, project):
    response = secretariat.get(export_url(edition, "csv", "category=x"), follow=True)

    assert response.redirect_chain == [(queue_url(edition, "category=x"), 302)]
    assert messages_shown(response)[0].startswith("Nothing was exported.")
    assert "Choose a category from the list." in error_summary(response)


def test_export_of_an_unknown_kind_is_not_found(secretariat, edition):
    assert secretariat.get(export_url(edition, "pdf")).status_code == 404


# --- Cost -------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_queue_query_count_does_not_grow_with_the_rows(
    secretariat, edition, category, django_assert_num_queries, count
):
    bulk_submissions(category, count)

    # Session, user, authenticator (the gate); the edition; the categories (filter list);
    # the page count and rows; the duplicates; the status counts; then the header's
    # role groups (the user's query also checks its address).
    with django_assert_num_queries(10):
        response = secretariat.get(queue_url(edition))

    assert len(row_titles(response)) == count


def test_submission_page_query_count(
    secretariat, admin_user, category, project, django_assert_num_queries
):
    ProjectImage.objects.create(project=project, image=png(), position=1)
    ProjectImage.objects.create(project=project, image=png(), position=2)
    nomination_reject(project=project, by=admin_user, reason="Too vague.")
    bulk_submissions(category, 10)

    # Session, user, authenticator; the edition; the project and its SDGs, images and
    # history (with the actors); the neighbours; the duplicates; the header's one.
    with django_assert_num_queries(11):
        response = secretariat.get(project_url(project))

    assert response.status_code == 200


def test_queue_of_eight_hundred_submissions(secretariat, edition, category):
    bulk_submissions(category, 800)

    response = secretariat.get(queue_url(edition))

    assert response.status_code == 200
    assert "1 to 50 of 800 submissions" in text(page(response))
    assert len(row_titles(response)) == 50
    [total] = find(page(response), "li", class_="status-counts__item--total")
    assert text(total) == "800 submissions"
