"""A vote names its nominee's category and edition: the database holds it (a composite
foreign key on PostgreSQL, triggers on SQLite), and a nominee with votes keeps them."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction

from awards.models import Project
from tests.factories import CategoryFactory, ProjectFactory, VoteFactory
from voting.models import Vote

pytestmark = pytest.mark.django_db


def test_a_vote_in_another_category_than_its_nominees_is_refused(nominees, voter):
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteFactory(nominee=nominees[1][0], category=nominees[2][0].category, voter=voter)

    assert Vote.objects.count() == 0


def test_a_vote_cannot_be_moved_to_another_category(nominees, voter):
    vote = VoteFactory(nominee=nominees[1][0], voter=voter)

    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.filter(pk=vote.pk).update(category=nominees[2][0].category)

    assert Vote.objects.get().category == nominees[1][0].category


def test_a_nominee_with_votes_keeps_its_category(nominees, voter):
    nominee = nominees[1][0]
    VoteFactory(nominee=nominee, voter=voter)
    elsewhere = nominees[2][0].category

    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=nominee.pk).update(category=elsewhere)

    nominee = Project.objects.get(pk=nominee.pk)
    nominee.category = elsewhere
    with pytest.raises(ValidationError) as refused:
        nominee.full_clean()
    assert "has votes" in str(refused.value.message_dict["category"])


def test_a_nominee_without_votes_may_move(nominees, edition):
    nominee = Project.objects.get(pk=nominees[1][0].pk)
    nominee.category = CategoryFactory(edition=edition, number=4)

    nominee.full_clean()
    nominee.save()

    assert Project.objects.get(pk=nominee.pk).category.number == 4


def test_a_nominee_with_votes_stays(nominees, voter):
    nominee = nominees[1][0]
    VoteFactory(nominee=nominee, voter=voter)

    # Straight to the database, past the ORM's own protection: the database refuses too.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Project._meta.db_table} WHERE id = %s", [nominee.pk])

    assert Project.objects.filter(pk=nominee.pk).exists()


def test_other_projects_are_untouched_by_the_check(nominees, voter):
    VoteFactory(nominee=nominees[1][0], voter=voter)
    other = ProjectFactory(category=nominees[3][0].category)

    Project.objects.filter(pk=other.pk).update(category=nominees[2][0].category)

    assert Project.objects.get(pk=other.pk).category == nominees[2][0].category


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flushing_the_database_with_votes_in_it_empties_it(nominees, voter):
    VoteFactory(nominee=nominees[1][0], voter=voter)
    # As `manage.py flush` and the transactional tests empty it, the projects' table named
    # before the votes' (flush follows no set order).
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    assert tables.index(Project._meta.db_table) < tables.index(Vote._meta.db_table)

    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))

    assert (Project.objects.count(), Vote.objects.count()) == (0, 0)
