"""An edition's voting rules are locked once voting opens: a change needs a reason, is
audited, and the Champions are not counted again on their own."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from accounts.errors import MfaRequired
from awards.models import (
    AuditAction,
    AuditEntry,
    Edition,
    Project,
    ProjectStatus,
    Standing,
    TieRule,
)
from awards.phases import Phase
from awards.services import WinnersAlreadyChosen, edition_rules_change
from awards.services.nomination import ReasonRequired
from config.errors import NotAllowed
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)
from tests.frontend.html import find, page, text
from voting.services import champions_compute

pytestmark = pytest.mark.django_db

REASON = "The Expert Group can score three Champions per category, not five."


def rules_url(edition: Edition) -> str:
    return reverse("admin:awards_edition_rules", args=[edition.pk])


def change_url(edition: Edition) -> str:
    return reverse("admin:awards_edition_change", args=[edition.pk])


@pytest.fixture
def before_voting():
    return EditionFactory(year=2040, phase=Phase.NOMINATION)


@pytest.fixture
def voting():
    return EditionFactory(year=2041, phase=Phase.VOTING)


@pytest.fixture
def counted(admin_user):
    """Voting closed, the Champions counted (one per category)."""
    edition = EditionFactory(year=2042, phase=Phase.CHAMPIONS, champions_per_category=1)
    category = CategoryFactory(edition=edition, number=1)
    first, second = (ProjectFactory(category=category, title=t) for t in ("First", "Second"))
    for nominee, votes in ((first, 2), (second, 1)):
        for _ in range(votes):
            VoteFactory(nominee=nominee)
    champions_compute(edition=edition, by=admin_user)
    edition.refresh_from_db()
    return edition


# --- The service ---------------------------------------------------------------------------


def test_before_voting_the_rules_change_freely_and_are_audited(before_voting, admin_user):
    changed = edition_rules_change(
        edition=before_voting, by=admin_user, champions_per_category=3, tie_rule="exclude_all"
    )

    assert changed == {
        "champions_per_category": (5, 3),
        "tie_rule": (TieRule.INCLUDE_ALL, TieRule.EXCLUDE_ALL),
    }
    before_voting.refresh_from_db()
    assert (before_voting.champions_per_category, before_voting.tie_rule) == (3, "exclude_all")
    [entry] = AuditEntry.objects.filter(action=AuditAction.RULES_CHANGED)
    assert (entry.edition, entry.actor, entry.reason) == (before_voting, admin_user, "")
    assert entry.details == {
        "changes": {"champions_per_category": [5, 3], "tie_rule": ["include_all", "exclude_all"]},
        "voting_opened": False,
        "standings_recorded": False,
    }


@pytest.mark.parametrize("reason", ["", "  "])
def test_once_voting_opens_a_change_needs_a_reason(voting, admin_user, reason):
    with pytest.raises(ReasonRequired) as refused:
        edition_rules_change(
            edition=voting, by=admin_user, reason=reason, complete_ballot_required=True
        )

    assert refused.value.code == "reason_required"
    assert "reason" in refused.value.errors
    voting.refresh_from_db()
    assert voting.complete_ballot_required is False
    assert not AuditEntry.objects.exists()


def test_once_voting_opens_a_change_with_a_reason_is_audited(voting, admin_user):
    edition_rules_change(
        edition=voting, by=admin_user, reason=f" {REASON} ", champions_per_category=3
    )

    voting.refresh_from_db()
    assert voting.champions_per_category == 3
    assert voting.rules_changed_at is not None
    [entry] = AuditEntry.objects.filter(action=AuditAction.RULES_CHANGED)
    assert entry.reason == REASON
    assert entry.details["voting_opened"] is True


def test_the_same_values_change_nothing_and_need_no_reason(voting, admin_user):
    assert edition_rules_change(edition=voting, by=admin_user, champions_per_category=5) == {}
    assert not AuditEntry.objects.exists()


def test_after_the_count_the_champions_stay_until_counted_again(counted, admin_user):
    first = Standing.objects.get(rank=1).nominee

    edition_rules_change(edition=counted, by=admin_user, reason=REASON, champions_per_category=2)

    counted.refresh_from_db()
    assert counted.standings_predate_rules is True
    assert list(
        Standing.objects.filter(edition=counted, is_champion=True).values_list("nominee", flat=True)
    ) == [first.pk]
    # Counted again, explicitly: the new rule applies, and that count is audited too.
    champions_compute(edition=counted, by=admin_user)
    counted.refresh_from_db()
    assert counted.standings_predate_rules is False
    assert Standing.objects.filter(edition=counted, is_champion=True).count() == 2
    actions = list(AuditEntry.objects.order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["champions_counted", "rules_changed", "champions_counted"]
    last = AuditEntry.objects.filter(action=AuditAction.CHAMPIONS_COUNTED).first()
    assert last.details["rules"]["champions_per_category"] == 2


def test_once_the_winners_are_chosen_the_rules_cannot_change(counted, admin_user):
    Project.objects.filter(edition=counted, title="First").update(status=ProjectStatus.WINNER)

    with pytest.raises(WinnersAlreadyChosen):
        edition_rules_change(edition=counted, by=admin_user, reason=REASON, tie_rule="exclude_all")


def test_a_rule_out_of_range_is_refused(before_voting, admin_user):
    with pytest.raises(ValidationError) as refused:
        edition_rules_change(edition=before_voting, by=admin_user, champions_per_category=0)

    assert "champions_per_category" in refused.value.message_dict


def test_an_unknown_rule_is_a_programming_error(before_voting, admin_user):
    with pytest.raises(ValueError):
        edition_rules_change(edition=before_voting, by=admin_user, jury_quorum=1)


@pytest.mark.parametrize(
    "who, refusal",
    [
        ({"email_confirmed": True}, NotAllowed),
        ({"is_staff": True, "email_confirmed": True, "mfa": True}, NotAllowed),
        ({"is_staff": True, "email_confirmed": True, "roles": ["Secretariat"]}, MfaRequired),
    ],
    ids=["voter", "staff without role", "secretariat without mfa"],
)
def test_only_the_secretariat_changes_the_rules(before_voting, who, refusal):
    with pytest.raises(refusal):
        edition_rules_change(edition=before_voting, by=UserFactory(**who), champions_per_category=3)

    before_voting.refresh_from_db()
    assert before_voting.champions_per_category == 5


# --- The admin -------------------------------------------------------------------------------


@pytest.fixture
def member_client(client):
    client.force_login(
        UserFactory(is_staff=True, email_confirmed=True, mfa=True, roles=["Secretariat"])
    )
    return client


def edition_form_data(client, edition: Edition, **changes) -> dict:
    form = client.get(change_url(edition)).context["adminform"].form
    data = {
        "categories-TOTAL_FORMS": "0",
        "categories-INITIAL_FORMS": "0",
    }
    for name in form.fields:
        value = form.initial.get(name)
        if name.endswith("_at"):
            data[f"{name}_0"] = value.strftime("%Y-%m-%d")
            data[f"{name}_1"] = value.strftime("%H:%M:%S.%f")
        elif value is True:
            data[name] = "on"
        elif isinstance(value, FieldFile):
            continue  # a browser sends nothing for a file left as it is (the emblem)
        elif value not in (None, False):
            data[name] = value
    data.update(changes)
    return data


def test_admin_before_voting_changes_the_rules_through_the_service(member_client, before_voting):
    data = edition_form_data(member_client, before_voting, champions_per_category="3")

    response = member_client.post(change_url(before_voting), data)

    assert response.status_code == 302
    before_voting.refresh_from_db()
    assert before_voting.champions_per_category == 3
    [entry] = AuditEntry.objects.filter(action=AuditAction.RULES_CHANGED)
    assert entry.details["changes"] == {"champions_per_category": [5, 3]}


def test_admin_after_voting_opens_shows_the_rules_read_only(member_client, voting):
    response = member_client.get(change_url(voting))

    form = response.context["adminform"].form
    assert "champions_per_category" not in form.fields
    assert "tie_rule" not in form.fields
    assert "complete_ballot_required" not in form.fields
    [link] = find(page(response), "a", href=rules_url(voting))
    assert text(link) == "Voting has opened: change the rules, with a reason…"


def test_admin_a_crafted_post_after_voting_opens_changes_no_rule(member_client, voting):
    data = edition_form_data(
        member_client,
        voting,
        title="Renamed edition",
        champions_per_category="2",
        tie_rule="exclude_all",
        complete_ballot_required="on",
    )

    response = member_client.post(change_url(voting), data)

    assert response.status_code == 302
    voting.refresh_from_db()
    assert voting.title == "Renamed edition"
    assert (voting.champions_per_category, voting.tie_rule) == (5, "include_all")
    assert voting.complete_ballot_required is False
    # Only the title changed: the audit trail has that, and no change of the rules.
    [entry] = AuditEntry.objects.all()
    assert entry.action == AuditAction.EDITION_CHANGED
    assert list(entry.details["changes"]) == ["title"]


def test_admin_rules_form_refuses_a_change_without_a_reason(member_client, voting):
    response = member_client.post(
        rules_url(voting), {"champions_per_category": "3", "tie_rule": "include_all"}
    )

    assert response.status_code == 200
    assert "write why the rules change" in response.content.decode()
    voting.refresh_from_db()
    assert voting.champions_per_category == 5


def test_admin_rules_form_changes_them_with_a_reason(member_client, voting):
    response = member_client.post(
        rules_url(voting),
        {"champions_per_category": "3", "tie_rule": "include_all", "reason": REASON},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == change_url(voting)
    assert "The voting rules are changed." in response.content.decode()
    voting.refresh_from_db()
    assert voting.champions_per_category == 3
    assert AuditEntry.objects.get().reason == REASON


def test_admin_rules_form_after_the_count_warns_that_nothing_was_recounted(member_client, counted):
    response = member_client.post(
        rules_url(counted),
        {"champions_per_category": "2", "tie_rule": "include_all", "reason": REASON},
        follow=True,
    )

    assert "they stay as they are until the secretariat computes them again" in (
        response.content.decode()
    )
    assert Standing.objects.filter(edition=counted, is_champion=True).count() == 1


def test_admin_rules_form_is_refused_to_staff_without_the_permission(client, voting):
    client.force_login(UserFactory(is_staff=True, email_confirmed=True, mfa=True))

    response = client.post(
        rules_url(voting), {"champions_per_category": "3", "tie_rule": "include_all", "reason": "x"}
    )

    assert response.status_code == 403
    voting.refresh_from_db()
    assert voting.champions_per_category == 5


def test_standings_page_says_the_standings_predate_a_rule_change(client, admin_user, counted):
    edition_rules_change(edition=counted, by=admin_user, reason=REASON, champions_per_category=2)
    client.force_login(admin_user)

    response = client.get(reverse("frontend:standings", args=[counted.year]))

    [notice] = find(page(response), "div", class_="rules-changed")
    assert "before the voting rules changed" in text(notice)
    assert "compute the Champions again" in text(notice)
    dashboard = client.get(reverse("frontend:secretariat"))
    assert find(page(dashboard), class_="rules-changed")


def test_audit_entries_are_read_only_in_the_admin(admin_client, voting, admin_user):
    edition_rules_change(edition=voting, by=admin_user, reason=REASON, champions_per_category=3)
    entry = AuditEntry.objects.get()

    listed = admin_client.get("/admin/awards/auditentry/")
    shown = admin_client.get(f"/admin/awards/auditentry/{entry.pk}/change/")
    deleted = admin_client.post(f"/admin/awards/auditentry/{entry.pk}/delete/", {"post": "yes"})
    added = admin_client.get("/admin/awards/auditentry/add/")

    assert listed.status_code == 200
    assert shown.status_code == 200 and 'name="_save"' not in shown.content.decode()
    assert (deleted.status_code, added.status_code) == (403, 403)
    assert AuditEntry.objects.get().reason == REASON
