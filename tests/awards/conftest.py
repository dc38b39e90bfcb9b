import pytest
from django.utils import timezone

from awards.models import ExclusionReason, ProjectStatus
from awards.phases import Phase
from awards.services import standings_record
from awards.workflow import CROWN, project_transition
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory


@pytest.fixture
def submitter(db):
    return UserFactory(email="ada@example.org", email_confirmed=True)


@pytest.fixture
def open_edition(db):
    return EditionFactory(year=2020, phase=Phase.SUBMISSION)


@pytest.fixture
def category(open_edition):
    return CategoryFactory(edition=open_edition, number=3)


@pytest.fixture
def draft(category, submitter):
    """A complete draft of ``submitter``'s, ready to submit."""
    return ProjectFactory(category=category, submitted_by=submitter, status=ProjectStatus.DRAFT)


@pytest.fixture
def decided(admin_user):
    """An edition at its ceremony: two categories, each with Champions and a Winner."""
    edition = EditionFactory(year=2020, phase=Phase.CEREMONY, champions_per_category=2)
    projects = {}
    for number in (2, 1):
        category = CategoryFactory(edition=edition, number=number)
        for title in ("top", "second", "third"):
            projects[(number, title)] = ProjectFactory(category=category, title=f"{title} {number}")
    counts = {"top": 30, "second": 20, "third": 5}
    votes = {project.pk: counts[title] for (_, title), project in projects.items()}
    category_one = projects[(1, "top")].category
    standings_record(
        edition=edition,
        votes=votes,
        exclusions={(category_one.pk, ExclusionReason.INVALIDATED): 4},
        voters=40,
    )
    for number in (1, 2):
        project_transition(
            project=projects[(number, "second" if number == 1 else "top")],
            transition=CROWN,
            actor=admin_user,
            at=timezone.now(),
        )
    return edition, projects
