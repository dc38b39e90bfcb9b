"""The secretariat's audit trail page: every decision of an edition, newest first."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from openpyxl import load_workbook

from awards.models import AuditAction
from awards.phases import Phase
from awards.selectors import AUDIT_KINDS
from awards.services import audit_record, edition_rules_change
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)
from tests.frontend.html import attribute, find, h1, page, text
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

    # The gate's three, the edition, the editions and the people to filter by, the
    # count of entries, the entries with their accounts, the header's one.
    with django_assert_num_queries(9):
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


# --- Every edition, filters, summaries, export -----------------------------------------


def all_url(**filters) -> str:
    url = reverse("frontend:audit-all")
    return f"{url}?{urlencode(filters)}" if filters else url


def export_url(file_kind: str, **filters) -> str:
    url = reverse("frontend:audit-export", args=[file_kind])
    return f"{url}?{urlencode(filters)}" if filters else url


@pytest.fixture
def mixed(admin_user, edition):
    """Entries of two editions, by two people, of several kinds, and a role change."""
    other = EditionFactory(year=2035)
    colleague = UserFactory(email="colleague@example.org", is_staff=True)
    voter = UserFactory(email="voter@example.org")
    start = timezone.now() - timedelta(hours=1)
    audit_record(
        edition=edition,
        actor=admin_user,
        action=AuditAction.VOTER_EXCLUDED,
        subject=voter,
        reason="A bot.",
        details={"votes_invalidated": 2},
        at=start,
    )
    audit_record(
        edition=other,
        actor=colleague,
        action=AuditAction.PROJECT_REJECTED,
        reason="Out of scope.",
        details={
            "project": 1,
            "project_title": "Mesh radio",
            "category": 4,
            "changes": {"status": ["submitted", "rejected"]},
        },
        at=start + timedelta(minutes=1),
    )
    audit_record(
        edition=None,
        actor=admin_user,
        action=AuditAction.ROLE_CHANGED,
        subject=colleague,
        details={"changes": {"groups": [[], ["Jury", "Secretariat"]], "is_staff": [False, True]}},
        at=start + timedelta(minutes=2),
    )
    return {"other": other, "colleague": colleague, "voter": voter}


def test_audit_of_every_edition_lists_all_actions_with_their_edition(
    secretariat, admin_user, edition, mixed
):
    response = secretariat.get(all_url())

    assert response.status_code == 200
    assert h1(response) == "Audit trail Every edition"
    assert [row[1:] for row in entry_rows(response)] == [
        [
            "Every edition",
            "Role changed Roles: none → Jury, Secretariat Staff status: no → yes",
            admin_user.email,
            "colleague@example.org",
            "",
        ],
        [
            "2035",
            "Project rejected “Mesh radio”, category 4 Status: Submitted → Rejected",
            "colleague@example.org",
            "None named",
            "Out of scope.",
        ],
        [
            "2032",
            "Account excluded from voting 2 votes invalidated",
            admin_user.email,
            "voter@example.org",
            "A bot.",
        ],
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"edition": "2035"}, ["project_rejected"]),
        ({"kind": "settings"}, ["role_changed"]),
        ({"kind": "votes"}, ["voter_excluded"]),
        ({"kind": "publication"}, []),
        ({"edition": "2032", "kind": "votes"}, ["voter_excluded"]),
    ],
)
def test_audit_filters_by_edition_and_kind(secretariat, mixed, filters, expected):
    response = secretariat.get(all_url(**filters))

    rows = find(page(response), "tr", class_="audit-entry")
    assert [attribute(row, "data-action") for row in rows] == expected
    if not expected:
        assert "No action matches these filters." in text(page(response))


def test_audit_filters_by_person(secretariat, mixed):
    response = secretariat.get(all_url(actor=mixed["colleague"].pk))

    assert [row[3] for row in entry_rows(response)] == ["colleague@example.org"]
    [select] = find(page(response), "select", name="actor")
    assert [text(option) for option in find(select, "option")] == [
        "Anyone",
        "colleague@example.org",
        "secretariat@example.org",
    ]


def test_the_page_of_one_edition_keeps_to_it_and_filters_within(secretariat, edition, mixed):
    response = secretariat.get(audit_url(edition) + "?kind=nomination")

    assert not find(page(response), "tr", class_="audit-entry")
    assert "No action matches these filters." in text(page(response))
    [selected] = find(page(response), "option", selected=None, value="2032")
    assert text(selected) == edition.title


@pytest.mark.parametrize(
    "filters",
    [{"kind": "gossip"}, {"edition": "1999"}, {"actor": "999999"}, {"actor": "x"}],
)
def test_audit_refuses_a_filter_not_in_its_lists_saying_so(secretariat, mixed, filters):
    response = secretariat.get(all_url(**filters))

    assert response.status_code == 400
    assert "is not among them" in text(page(response))
    assert "No action is listed until the filters are corrected." in text(page(response))
    assert not find(page(response), "tr", class_="audit-entry")


@pytest.mark.parametrize("count", [1, 12])
def test_audit_of_every_edition_query_count_does_not_grow(
    secretariat, admin_user, edition, django_assert_num_queries, count
):
    for number in range(count):
        audit_record(
            edition=EditionFactory(year=2050 + number) if number % 3 else edition,
            actor=UserFactory(is_staff=True) if number % 2 else admin_user,
            action=list(AuditAction)[number % len(AuditAction)],
            subject=UserFactory(),
        )
    secretariat.get(all_url())

    # The gate's three, the editions and the people to filter by, the count of entries,
    # the entries with their editions and accounts, the header's two (the current
    # edition, the account's roles).
    with django_assert_num_queries(9):
        response = secretariat.get(all_url())

    assert len(entry_rows(response)) == count


@pytest.mark.parametrize("who", [*WHO_IS_REFUSED, "staff"])
@pytest.mark.parametrize("url", ["all", "csv", "xlsx"])
def test_audit_of_every_edition_and_its_export_refuse_outsiders(client, admin_user, who, url):
    address = all_url() if url == "all" else export_url(url)
    if who == "staff":
        client.force_login(UserFactory(is_staff=True, email_confirmed=True, mfa=True))
    else:
        sign_in(client, who)

    response = client.get(address)

    assert_secretariat_refusal(response, "plain" if who == "staff" else who, address)


def test_every_action_belongs_to_exactly_one_kind():
    kinds = [
        kind for action in AuditAction for kind in AUDIT_KINDS if action in AUDIT_KINDS[kind][1]
    ]
    assert len(kinds) == len(AuditAction)


@pytest.mark.parametrize(
    ("action", "details", "summary"),
    [
        (
            AuditAction.WINNER_CONFIRMED,
            {"project": 3, "project_title": "Solar schools", "category": 2, "tied": True},
            "“Solar schools”, category 2 tied at the top of the ranking",
        ),
        (
            AuditAction.WINNER_UNDONE,
            {"project": 3, "project_title": "Solar schools", "category": 2},
            "“Solar schools”, category 2",
        ),
        (
            AuditAction.CATEGORY_REVEALED,
            {"category": 5, "category_title": "E-learning"},
            "Category 5: E-learning",
        ),
        (
            AuditAction.RESULTS_PUBLISHED,
            {"unrevealed": 14},
            "with 14 categories not yet revealed",
        ),
        (
            AuditAction.PUBLICATION_SCHEDULED,
            {"publish_at": "2032-05-01T18:00:00+00:00"},
            "for 1 May 2032, 18:00 UTC",
        ),
        (AuditAction.JURY_REMINDED, {"jurors": 3, "category": 4}, "3 jurors reminded Category 4"),
        (
            AuditAction.MESSAGE_SENT,
            {"subject": "Ceremony", "segment_label": "Champions", "recipients": 36},
            "“Ceremony” Champions: 36 recipients",
        ),
        (
            AuditAction.DOCUMENTS_MADE,
            {"kind_label": "Certificates", "documents": 18},
            "Certificates 18 documents",
        ),
        (
            AuditAction.EDITION_CHANGED,
            {"changes": {"jury_quorum": [3, 4], "title": ["A", "B"]}},
            "Jury quorum: 3 → 4 Title: A → B",
        ),
        (
            AuditAction.PROJECT_EXCLUDED,
            {"project": 9, "project_title": "Open maps", "category": 1},
            "“Open maps”, category 1",
        ),
        (AuditAction.VOTES_INVALIDATED, {"votes": 3, "accounts": 2}, "3 votes of 2 accounts"),
        (
            AuditAction.VOTES_INVALIDATED,
            {"votes": 18, "accounts": 1, "signal": "lockstep_ballots"},
            "Ballots in lockstep: 18 votes of 1 account",
        ),
        (
            AuditAction.VOTES_INVALIDATED,
            {"votes": 1, "accounts": 1, "signal": "flagged_by_secretariat"},
            "Flagged by the secretariat: 1 vote of 1 account",
        ),
        (AuditAction.VOTER_EXCLUDED, {"votes_invalidated": 2}, "2 votes invalidated"),
        (
            AuditAction.VOTER_EXCLUDED,
            {"votes_invalidated": 18, "signal": "lockstep_ballots"},
            "Ballots in lockstep: 18 votes invalidated",
        ),
    ],
)
def test_each_action_reads_as_a_summary(secretariat, admin_user, edition, action, details, summary):
    audit_record(edition=edition, actor=admin_user, action=action, details=details)

    [row] = entry_rows(secretariat.get(audit_url(edition)))

    assert row[1] == f"{action.label} {summary}"


@pytest.mark.parametrize(
    ("action", "details", "summary"),
    [
        (
            AuditAction.VOTES_INVALIDATED,
            {"votes": 3, "accounts": 2, "signal": "signup_rhythm"},
            "Comptes créés en lot ou à un rythme régulier: 3 votes sur 2 comptes",
        ),
        (AuditAction.VOTER_REINSTATED, {"votes_restored": 18}, "18 votes rétablis"),
        (
            AuditAction.CATEGORY_REVEALED,
            {"category": 11, "category_title": "E-health"},
            "Catégorie 11 : Cybersanté",
        ),
        (
            AuditAction.EDITION_CHANGED,
            {"changes": {"jury_quorum": [3, 4], "voting_closes_at": [None, None]}},
            "Quorum du jury: 3 → 4 Clôture du vote: aucune → aucune",
        ),
    ],
)
def test_summaries_read_in_the_pages_language(
    secretariat, admin_user, edition, action, details, summary
):
    audit_record(edition=edition, actor=admin_user, action=action, details=details)

    [row] = entry_rows(secretariat.get("/fr" + audit_url(edition)))

    assert row[1].endswith(summary)


def test_export_csv_has_every_filtered_action_with_its_summary(secretariat, admin_user, mixed):
    response = secretariat.get(export_url("csv", kind="votes"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="wsis-prizes-audit-votes.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "When (UTC)",
        "Edition",
        "Kind of action",
        "Action",
        "Action code",
        "By",
        "Account concerned",
        "What",
        "Reason",
        "Details",
    ]
    assert [row[1:] for row in rows[1:]] == [
        [
            "2032",
            "Votes and voters",
            "Account excluded from voting",
            "voter_excluded",
            admin_user.email,
            "voter@example.org",
            "2 votes invalidated",
            "A bot.",
            '{"votes_invalidated": 2}',
        ]
    ]


def test_export_xlsx_of_every_edition_has_every_action(secretariat, mixed):
    response = secretariat.get(export_url("xlsx"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="wsis-prizes-audit.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    actions = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert actions == ["role_changed", "project_rejected", "voter_excluded"]


def test_export_takes_every_page(secretariat, admin_user, edition):
    entries_for(edition, 51, admin_user)

    response = secretariat.get(export_url("csv", edition=edition.year))

    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 52


def test_export_guards_against_formulas(secretariat, admin_user, edition):
    audit_record(
        edition=edition,
        actor=admin_user,
        action=AuditAction.VOTER_EXCLUDED,
        reason='=HYPERLINK("http://evil.example","click")',
    )

    response = secretariat.get(export_url("xlsx"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    [row] = sheet.iter_rows(min_row=2, values_only=True)
    assert row[8] == '\'=HYPERLINK("http://evil.example","click")'
    assert sheet.cell(row=2, column=9).data_type == "s"


def test_export_links_keep_the_filters(secretariat, edition, mixed):
    response = secretariat.get(audit_url(edition) + "?kind=votes")

    [link] = [a for a in find(page(response), "a", download="") if text(a) == "Export CSV"]
    assert attribute(link, "href") == export_url("csv", edition=2032, kind="votes")


def test_export_of_an_unknown_format_is_not_found(secretariat):
    assert secretariat.get(export_url("pdf")).status_code == 404


def test_export_with_a_bad_filter_is_refused_saying_so(secretariat):
    response = secretariat.get(export_url("csv", kind="gossip"))

    assert response.status_code == 400
    assert "Nothing was exported: correct the filters first." in text(page(response))
