"""The headers a security scanner looks for, on every page and answer, and pages whose
HTML runs nothing inline: the Content-Security-Policy forbids inline scripts, event
handlers and styles, so none may be needed."""

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.models import ProjectStatus
from awards.phases import Phase
from awards.services import results_publish
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.frontend.test_results_pages import decide

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_FOLDERS = [ROOT / "frontend" / "templates", ROOT / "awards" / "templates"]
# Scripts of these types are data, which no browser runs (Django's json_script).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class InlineCode(HTMLParser):
    """What a page would run or style inline: script elements without src, event
    handler attributes, style elements and attributes, javascript: links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        script_type = (attributes.get("type") or "").lower()
        if tag == "script" and "src" not in attributes and script_type not in DATA_SCRIPT_TYPES:
            self.found.append(f"<script> without src: {attributes}")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def assert_runs_nothing_inline(client: Client, url: str, status: int = 200) -> None:
    response = client.get(url)
    assert response.status_code == status, url
    assert response["Content-Type"].startswith("text/html"), url
    assert inline_code(response.content.decode()) == [], url
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url


def test_the_checker_finds_inline_code():
    html = (
        '<script>alert(1)</script><script src="/a.js"></script>'
        '<script type="application/json">{}</script><button onclick="x()">'
        '<div style="width: 3%"></div><style>p {}</style><a href="javascript:x()">'
    )

    assert len(inline_code(html)) == 5


def test_no_template_of_the_site_has_inline_code():
    """Every template, rendered or not: the e-mails excepted, which no browser opens
    on the site (mail clients need their styles inline), and the documents' sources,
    which WeasyPrint makes into PDF files and no browser opens either."""
    found = {}
    for folder in TEMPLATE_FOLDERS:
        for template in sorted(folder.rglob("*.html")):
            relative = template.relative_to(ROOT)
            if "email" in relative.parts or "documents" in relative.parts:
                continue
            problems = inline_code(template.read_text())
            if problems:
                found[str(relative)] = problems

    assert found == {}
    assert (ROOT / "frontend" / "templates" / "frontend" / "base.html").exists()


PUBLIC_PAGES = [
    reverse("frontend:home"),
    reverse("account_login"),
    reverse("account_signup"),
    reverse("account_reset_password"),
    reverse("api:docs"),
    "/no-such-page/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_run_nothing_inline(client, url):
    assert_runs_nothing_inline(client, url, status=404 if "no-such" in url else 200)


def test_the_api_docs_script_is_a_file_of_its_own(client):
    response = client.get(reverse("api:docs"), {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


def test_voting_pages_run_nothing_inline(client):
    edition = EditionFactory(year=2020, phase=Phase.VOTING, public_standings=True)
    category = CategoryFactory(edition=edition, number=1)
    nominee = ProjectFactory(category=category)
    ProjectFactory(category=category)
    client.force_login(UserFactory(email_confirmed=True))

    for url in [
        reverse("frontend:edition", args=[2020]),
        reverse("frontend:ballot", args=[2020]),
        reverse("frontend:ballot-category", args=[2020, 1]),
        reverse("frontend:category", args=[2020, 1]),
        reverse("frontend:nominee", args=[2020, nominee.pk]),
        reverse("frontend:public-standings", args=[2020]),
        reverse("frontend:profile"),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
        reverse("account_reauthenticate"),
    ]:
        assert_runs_nothing_inline(client, url)


def test_submitter_pages_run_nothing_inline(client):
    edition = EditionFactory(year=2020, phase=Phase.SUBMISSION)
    submitter = UserFactory(email_confirmed=True)
    draft = ProjectFactory(
        category=CategoryFactory(edition=edition, number=1),
        submitted_by=submitter,
        status=ProjectStatus.DRAFT,
    )
    client.force_login(submitter)

    for url in [
        reverse("frontend:my-projects", args=[2020]),
        reverse("frontend:my-project", args=[2020, draft.pk]),
        reverse("frontend:my-project-delete", args=[2020, draft.pk]),
    ]:
        assert_runs_nothing_inline(client, url)


def test_secretariat_pages_run_nothing_inline(client, admin_user):
    edition = EditionFactory(year=2031, phase=Phase.NOMINATION)
    category = CategoryFactory(edition=edition, number=3)
    submission = ProjectFactory(
        category=category,
        status=ProjectStatus.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(admin_user)

    for url in [
        reverse("frontend:secretariat"),
        reverse("frontend:submissions", args=[2031]),
        reverse("frontend:submission", args=[2031, submission.pk]),
        reverse("frontend:standings", args=[2031]),
        reverse("admin:index"),
        reverse("admin:awards_project_changelist"),
        reverse("admin:awards_project_change", args=[submission.pk]),
        reverse("admin:awards_edition_change", args=[edition.pk]),
    ]:
        assert_runs_nothing_inline(client, url)


def test_results_and_ceremony_pages_run_nothing_inline(client, admin_user):
    edition, _ = decide(admin_user)
    client.force_login(admin_user)
    assert_runs_nothing_inline(client, reverse("frontend:ceremony", args=[edition.year]))
    assert_runs_nothing_inline(client, reverse("frontend:ceremony-host", args=[edition.year]))

    results_publish(edition=edition, by=admin_user)

    assert_runs_nothing_inline(client, reverse("frontend:results", args=[edition.year]))


# --- The headers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", [reverse("frontend:home"), "/api/v1/editions/", "/_allauth/app/v1/config"]
)
def test_every_answer_has_the_security_headers(client, url):
    response = client.get(url)

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_hsts_is_sent_over_https_in_production(settings):
    # As settings.py sets them with DEBUG off (tests/config/test_settings.py checks
    # `check --deploy` passes with them).
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = Client().get(reverse("frontend:home"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
