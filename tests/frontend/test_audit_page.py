"""The secretariat's audit trail page: every decision of an edition, newest first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import AuditAction
from awards.phases import Phase
from awards.services import audit_record, edition_rules_change
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)
from tests.frontend.html import find, h1, page, text
from tests.frontend.roles import WHO_IS_REFUSED, assert_secretariat_refusal, sign_in
from voting.services import champions_compute, voter_exclude, voter_reinstate

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return EditionFactory(year=2032, phase=Phase.VOTING)


@pytest.fixture
def secretariat(client, admin_user):
    client.force_login(admin_user)
    return client


def audit_url(edition, page_number: int | None = None) -> str:
    url = reverse("frontend:audit", args=[edition.year])
    return f"{url}?page={page_number}" if page_number else url


def entry_rows(response) -> list[list[str]]:
    [table] = find(page(response), "table", class_="audit-trail")
    return [
        [text(cell) for cell in row.children if not isinstance(cell, str)]
        for row in find(find(table, "tbody")[0], "tr")
    ]


def entries_for(edition, count: int, actor, start=None) -> None:
    start = start or timezone.now() - timedelta(days=1)
    for number in range(count):
        audit_record(
            edition=edition,
            actor=actor,
            action=AuditAction.ACCOUNT_FLAGGED,
            subject=UserFactory(email=f"flagged{number:03}@example.org"),
            reason=f"Reason {number:03}",
            at=start + timedelta(minutes=number),
        )


@pytest.mark.parametrize("who", [*WHO_IS_REFUSED, "staff"])
def test_audit_page_refuses_anyone_but_the_secretariat_with_mfa(client, edition, admin_user, who):
    entries_for(edition, 1, admin_user)
    if who == "staff":
        client.force_login(UserFactory(is_staff=True, email_confirmed=True, mfa=True))
    else:
        sign_in(client, who)

    response = client.get(audit_url(edition))

    assert_secretariat_refusal(response, "plain" if who == "staff" else who, audit_url(edition))


def test_audit_page_of_an_unknown_edition_is_not_found(secretariat, edition):
    assert secretariat.get(reverse("frontend:audit", args=[1999])).status_code == 404


def test_audit_page_is_read_only(secretariat, edition):
    assert secretariat.post(audit_url(edition)).status_code == 405


def test_audit_page_lists_each_decision_newest_first(secretariat, admin_user, edition):
    category = CategoryFactory(edition=edition, number=1)
    vote = VoteFactory(nominee=ProjectFactory(category=category))
    voter = vote.voter
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason="A bot.")
    voter_reinstate(edition=edition, voter=voter, by=admin_user, reason="Not a bot after all.")
    edition_rules_change(
        edition=edition,
        by=admin_user,
        reason="The jury asked for fewer Champions.",
        champions_per_category=3,
        tie_rule="exclude_all",
    )
    audit_record(edition=EditionFactory(year=2040), actor=admin_user, action="rules_changed")

    response = secretariat.get(audit_url(edition))

    assert h1(response) == f"Audit trail {edition.title}"
    rows = entry_rows(response)
    assert [row[1:] for row in rows] == [
        [
            "Voting rules changed Champions per category: 5 → 3 Ties at the cut: Shortlist every "
            "nominee tied at the cut and tell the jury → No nominee tied at the cut goes through "
            "after voting opened",
            admin_user.email,
            "None named",
            "The jury asked for fewer Champions.",
        ],
        [
            "Account reinstated 1 vote restored",
            admin_user.email,
            voter.email,
            "Not a bot after all.",
        ],
        [
            "Account excluded from voting 1 vote invalidated",
            admin_user.email,
            voter.email,
            "A bot.",
        ],
    ]


def test_the_count_at_the_close_is_named_as_such(secretariat, admin_user):
    closed = EditionFactory(year=2033, phase=Phase.CHAMPIONS, champions_per_category=1)
    nominee = ProjectFactory(category=CategoryFactory(edition=closed, number=1))
    VoteFactory(nominee=nominee)
    champions_compute(edition=closed)

    [row] = entry_rows(secretariat.get(audit_url(closed)))

    assert row[1:4] == [
        "Champions counted 1 Champion among 1 nominee",
        "The count at the close",
        "None named",
    ]


def test_audit_page_without_decisions_says_so(secretariat, edition):
    response = secretariat.get(audit_url(edition))

    assert f"No decision has been recorded for {edition.title} yet." in text(page(response))


def test_audit_page_is_paginated(secretariat, admin_user, edition):
    entries_for(edition, 51, admin_user)

    first = secretariat.get(audit_url(edition))
    second = secretariat.get(audit_url(edition, 2))

    assert len(entry_rows(first)) == 50
    assert entry_rows(first)[0][3:] == ["flagged050@example.org", "Reason 050"]
    assert [row[3:] for row in entry_rows(second)] == [["flagged000@example.org", "Reason 000"]]
    [older] = find(page(first), "a", rel="next")
    assert text(older) == "Older decisions"
    [newer] = find(page(second), "a", rel="prev")
    assert text(newer) == "Newer decisions"


@pytest.mark.parametrize("count", [1, 12])
def test_audit_page_query_count_does_not_grow_with_entries(
    secretariat, admin_user, edition, django_assert_num_queries, count
):
    entries_for(edition, count, admin_user)
    secretariat.get(audit_url(edition))

    # The gate's three, the edition, the count of entries, the entries with their
    # accounts, the header's one.
    with django_assert_num_queries(7):
        response = secretariat.get(audit_url(edition))

    assert len(entry_rows(response)) == count


def test_the_review_pages_link_to_the_audit_trail(secretariat, edition):
    for name in ("standings", "fraud"):
        response = secretariat.get(reverse(f"frontend:{name}", args=[edition.year]))
        [link] = find(page(response), "a", href=audit_url(edition))
        assert text(link) == "Audit trail"
    dashboard = secretariat.get(reverse("frontend:secretariat"))
    [link] = find(page(dashboard), "a", href=audit_url(edition))
    assert text(link) == "Audit trail"
