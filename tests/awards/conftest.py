import pytest

from awards.models import ProjectStatus
from awards.phases import Phase
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
