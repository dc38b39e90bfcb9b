import itertools

import pytest

from awards.models import Category, Edition, JuryAssignment, Project, ProjectStatus
from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory

_people = itertools.count()


@pytest.fixture
def edition() -> Edition:
    return EditionFactory(year=2036, phase=Phase.JURY)


@pytest.fixture
def category(edition) -> Category:
    return CategoryFactory(edition=edition, number=1, title="Public governance")


def person(**fields):
    fields.setdefault("email", f"person{next(_people):03}@people.test")
    fields.setdefault("email_confirmed", True)
    return UserFactory(**fields)


def project(category: Category, status: str = ProjectStatus.NOMINEE, **fields) -> Project:
    fields.setdefault("submitted_by", person())
    return ProjectFactory(category=category, status=status, **fields)


def juror(*categories: Category, **fields):
    fields.setdefault("email", f"juror{next(_people):03}@jury.test")
    user = person(mfa=True, roles=["Jury"], **fields)
    for category in categories:
        JuryAssignment.objects.create(category=category, juror=user)
    return user
