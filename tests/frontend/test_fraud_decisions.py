"""The secretariat's decisions on the fraud review page: one account of a signal at a
time, dismissing a signal, flagging an account, reinstating one; who may take them."""

import pytest
from django.test import Client

from awards.models import AuditAction, AuditEntry
from awards.phases import Phase
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)
from tests.frontend.html import attribute, error_summary, find, page, text
from tests.frontend.roles import WHO_IS_REFUSED, assert_secretariat_refusal, sign_in
from tests.frontend.test_review_pages import (
    QUEUED,
    cells,
    cluster,
    decide,
    decision_rows,
    flag_articles,
    flag_key,
    fraud_page,
    fraud_url,
    give,
    mailbox_pair,
    messages_shown,
)
from voting.fraud import signals_compute
from voting.models import AccountFlag, SignalDismissal, Vote, VoterExclusion
from voting.selectors import standings, tally_differences
from voting.services import champions_compute, voter_exclude

pytestmark = pytest.mark.django_db

REASON = "Two accounts of one mailbox voting alike."
# The fraud page's queries, whatever the number of signals and decisions.
QUERIES = 17


@pytest.fixture
def edition():
    return EditionFactory(year=2032, phase=Phase.VOTING)


@pytest.fixture
def category(edition):
    return CategoryFactory(edition=edition, number=3, title="Access to information")


@pytest.fixture
def nominee(category):
    return ProjectFactory(category=category, title="Solar schools")


@pytest.fixture
def closed():
    return EditionFactory(year=2033, phase=Phase.CHAMPIONS, champions_per_category=2)


@pytest.fixture
def secretariat(client, admin_user):
    client.force_login(admin_user)
    return client


def account_rows(flag) -> list:
    accounts_table = find(flag, "table")[-1]
    return find(find(accounts_table, "tbody")[0], "tr")


def row_of(flag, email: str):
    [row] = [row for row in account_rows(flag) if cells(row)[0] == email]
    return row


def act_on_account(client, edition, key: str, account, action: str, reason: str = REASON):
    return decide(
        client,
        edition,
        {
            "flag": key,
            "account": account.pk,
            "action": f"account-{action}",
            f"{key}-account-{account.pk}-reason": reason,
        },
    )


def dismiss(client, edition, key: str, reason: str = "Mother and daughter."):
    return client.post(
        fraud_url(edition), {"flag": key, "action": "dismiss", f"{key}-dismiss-reason": reason}
    )


def flag_account(client, edition, email: str, reason: str = "Reported by a nominee."):
    return client.post(
        fraud_url(edition),
        {"action": "flag-account", "flag-account-email": email, "flag-account-reason": reason},
    )


def reinstate(client, edition, exclusion, reason: str = "The same family, not fraud."):
    return client.post(
        fraud_url(edition),
        {
            "action": "reinstate",
            "exclusion": exclusion.pk,
            f"reinstate-{exclusion.pk}-reason": reason,
        },
    )


def section(response, heading_id: str):
    [found] = find(page(response), "section", **{"aria-labelledby": heading_id})
    return found


def signal_titles(response) -> list[str]:
    return [
        text(find(flag, "h3")[0]) for flag in find(section(response, "signals-heading"), "article")
    ]


def dismissed_titles(response) -> list[str]:
    return [
        text(find(flag, "h3")[0])
        for flag in find(section(response, "dismissed-heading"), "article")
    ]


@pytest.fixture
def pair(nominee):
    """Two accounts of one mailbox, each with a vote; and two ordinary votes."""
    votes = mailbox_pair(nominee)
    give(nominee, 2)
    return [vote.voter for vote in votes]


# --- Who may decide ----------------------------------------------------------------------


def staff_without_role() -> UserFactory:
    return UserFactory(is_staff=True, email_confirmed=True, mfa=True)


@pytest.mark.parametrize("action", ["invalidate", "exclude", "dismiss", "flag", "reinstate"])
@pytest.mark.parametrize("who", [*WHO_IS_REFUSED, "staff"])
def test_decisions_refused_to_anyone_but_the_secretariat_change_nothing(
    client, admin_user, edition, pair, action, who
):
    ada, twin = pair
    exclusion = voter_exclude(edition=edition, voter=twin, by=admin_user, reason=REASON)
    admin = Client()
    admin.force_login(admin_user)
    key = flag_key(fraud_page(admin, edition))
    before = AuditEntry.objects.count()
    if who == "staff":
        client.force_login(staff_without_role())
    else:
        sign_in(client, who)

    response = {
        "invalidate": lambda: act_on_account(client, edition, key, ada, "invalidate"),
        "exclude": lambda: act_on_account(client, edition, key, ada, "exclude"),
        "dismiss": lambda: dismiss(client, edition, key),
        "flag": lambda: flag_account(client, edition, ada.email),
        "reinstate": lambda: reinstate(client, edition, exclusion),
    }[action]()

    assert_secretariat_refusal(response, "plain" if who == "staff" else who, fraud_url(edition))
    assert Vote.objects.filter(voter=ada, invalidated_at__isnull=True).count() == 1
    assert list(VoterExclusion.objects.filter(lifted_at=None).values_list("voter", flat=True)) == [
        twin.pk
    ]
    assert not SignalDismissal.objects.exists()
    assert not AccountFlag.objects.exists()
    assert AuditEntry.objects.count() == before
    assert tally_differences(edition=edition) == {}


# --- One account of a signal ---------------------------------------------------------------


def test_excluding_one_account_of_a_pair_leaves_the_other_alone(
    secretariat, edition, nominee, pair
):
    ada, twin = pair
    key = flag_key(fraud_page(secretariat, edition))

    response = act_on_account(secretariat, edition, key, twin, "exclude")

    assert response.status_code == 302
    followed = secretariat.get(response["Location"])
    assert messages_shown(followed) == [QUEUED]
    [row] = decision_rows(followed)
    assert row[:4] == [
        "Exclude an account from voting",
        twin.email,
        "Done",
        "1 of 1 account; 1 vote invalidated",
    ]
    assert Vote.objects.get(voter=ada).is_valid
    assert not Vote.objects.get(voter=twin).is_valid
    assert standings(edition=edition) == {nominee.pk: 3}
    assert tally_differences(edition=edition) == {}
    # The signal is still there to judge the other account.
    [flag] = flag_articles(followed)
    assert "Excluded" in text(row_of(flag, twin.email))
    assert "Excluded" not in text(row_of(flag, ada.email))
    [excluded] = find(section(followed, "excluded-heading"), "tbody")
    assert twin.email in text(excluded) and REASON in text(excluded)
    assert ada.email not in text(excluded)
    [entry] = AuditEntry.objects.filter(action=AuditAction.VOTER_EXCLUDED)
    assert (entry.subject, entry.reason) == (twin, REASON)
    # The exclusion names the kind of signal it acted on, as an invalidation does.
    assert entry.details == {"votes_invalidated": 1, "signal": "mailbox_variants"}


def test_invalidating_one_account_of_a_cluster_leaves_the_others_counted(
    secretariat, edition, nominee
):
    votes = cluster(nominee)
    chosen = votes[2].voter
    key = flag_key(fraud_page(secretariat, edition))

    response = act_on_account(secretariat, edition, key, chosen, "invalidate")

    followed = secretariat.get(response["Location"])
    assert messages_shown(followed) == [QUEUED]
    assert decision_rows(followed) == [
        [
            "Invalidate an account's votes",
            chosen.email,
            "Done",
            "1 of 1 account; 1 vote invalidated",
            decision_rows(followed)[0][4],
        ]
    ]
    assert list(Vote.objects.filter(invalidated_at__isnull=False)) == [votes[2]]
    assert not VoterExclusion.objects.exists()
    assert standings(edition=edition) == {nominee.pk: 4}
    [entry] = AuditEntry.objects.filter(action=AuditAction.VOTES_INVALIDATED)
    assert (entry.subject, entry.details) == (
        chosen,
        {"votes": 1, "accounts": 1, "signal": "new_accounts_one_network"},
    )


def test_an_account_action_without_a_reason_shows_the_error_in_place(secretariat, edition, pair):
    ada, _twin = pair
    key = flag_key(fraud_page(secretariat, edition))

    response = act_on_account(secretariat, edition, key, ada, "exclude", reason=" ")

    assert response.status_code == 200
    message = "Write why this account is excluded: the record keeps it."
    assert message in error_summary(response)
    [flag] = flag_articles(response)
    [details] = find(row_of(flag, ada.email), "details")
    assert "open" in dict(details.attributes)
    assert message in text(details)
    [link] = find(find(page(response), class_="error-summary")[0], "a")
    assert attribute(link, "href") == f"#id_{key}-account-{ada.pk}-reason"
    assert not VoterExclusion.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_reason_longer_than_a_note_is_refused_in_place(secretariat, edition, pair):
    ada, _twin = pair
    key = flag_key(fraud_page(secretariat, edition))
    [field] = find(
        row_of(flag_articles(fraud_page(secretariat, edition))[0], ada.email), "textarea"
    )
    assert attribute(field, "maxlength") == "2000"  # the browser stops typing there

    response = act_on_account(secretariat, edition, key, ada, "exclude", reason="x" * 20_000)

    assert response.status_code == 200
    assert "at most 2000 characters" in error_summary(response)
    assert not VoterExclusion.objects.exists()


def test_invalidating_an_account_without_a_reason_says_what_is_missing(secretariat, edition, pair):
    ada, _twin = pair
    key = flag_key(fraud_page(secretariat, edition))

    response = act_on_account(secretariat, edition, key, ada, "invalidate", reason="")

    assert "Write why these votes are invalidated: the record keeps it." in error_summary(response)
    assert Vote.objects.get(voter=ada).is_valid


def test_an_excluded_account_without_counted_votes_offers_no_decision(
    secretariat, admin_user, edition, pair
):
    _ada, twin = pair
    voter_exclude(edition=edition, voter=twin, by=admin_user, reason=REASON)

    response = fraud_page(secretariat, edition)

    [flag] = flag_articles(response)
    assert find(row_of(flag, twin.email), "details") == []
    assert len(find(row_of(flag, _ada.email), "button")) == 2


def test_acting_on_an_account_no_longer_in_the_signal_changes_nothing(secretariat, edition, pair):
    key = flag_key(fraud_page(secretariat, edition))
    stranger = UserFactory()

    response = act_on_account(secretariat, edition, key, stranger, "exclude")

    assert messages_shown(secretariat.get(response["Location"])) == [
        "Nothing was done: this account no longer exists."
    ]
    assert not VoterExclusion.objects.exists()


# --- Dismissing ------------------------------------------------------------------------


def test_a_dismissed_signal_is_shown_apart_and_stays_dismissed(secretariat, edition, nominee, pair):
    key = flag_key(fraud_page(secretariat, edition))

    response = dismiss(secretariat, edition, key)

    followed = secretariat.get(response["Location"])
    assert messages_shown(followed) == [
        "The signal is dismissed. It stays dismissed while it names the same accounts, and "
        "comes back here if they change."
    ]
    assert signal_titles(followed) == []
    assert dismissed_titles(followed) == ["2 accounts share the mailbox adalovelace@gmail.com"]
    [dismissed] = find(section(followed, "dismissed-heading"), "article")
    assert "Mother and daughter." in text(dismissed)
    assert "secretariat@example.org" in text(dismissed)
    assert find(dismissed, "form") == []
    # On reload, and with another vote of the same accounts, it stays dismissed.
    VoteFactory(
        nominee=ProjectFactory(category=CategoryFactory(edition=edition, number=5)), voter=pair[0]
    )
    assert signal_titles(fraud_page(secretariat, edition)) == []
    # A third account of the mailbox: a new signal.
    VoteFactory(nominee=nominee, voter__email="a.d.a.lovelace@gmail.com")
    again = fraud_page(secretariat, edition)
    assert signal_titles(again) == ["3 accounts share the mailbox adalovelace@gmail.com"]
    assert dismissed_titles(again) == []
    [entry] = AuditEntry.objects.filter(action=AuditAction.SIGNAL_DISMISSED)
    assert entry.reason == "Mother and daughter."


def test_dismissing_without_a_reason_shows_the_error_and_keeps_the_signal(
    secretariat, edition, pair
):
    key = flag_key(fraud_page(secretariat, edition))

    response = dismiss(secretariat, edition, key, reason="")

    assert response.status_code == 200
    assert "Write why this signal is not fraud: the record keeps it." in error_summary(response)
    [flag] = flag_articles(response)
    [details] = find(flag, "details", class_="dismiss")
    assert "open" in dict(details.attributes)
    assert not SignalDismissal.objects.exists()


def test_dismissing_a_signal_that_changed_meanwhile_does_nothing(
    secretariat, edition, nominee, pair
):
    key = flag_key(fraud_page(secretariat, edition))
    VoteFactory(nominee=nominee, voter__email="a.d.a.lovelace@gmail.com")
    signals_compute(edition=edition)  # as the beat task does while votes come in

    response = dismiss(secretariat, edition, key)

    assert messages_shown(secretariat.get(response["Location"])) == [
        "Nothing was done: this signal has changed since the page was loaded (votes were "
        "cast, changed or invalidated). Review it again below."
    ]
    assert not SignalDismissal.objects.exists()


# --- Flagging an account -----------------------------------------------------------------


def test_flagging_an_account_puts_it_with_the_signals(secretariat, edition, nominee):
    [vote] = give(nominee, 1)
    account = vote.voter

    response = flag_account(secretariat, edition, account.email.upper())

    followed = secretariat.get(response["Location"])
    assert messages_shown(followed) == [
        f"{account.email} is flagged: review it with the signals below."
    ]
    [flag] = flag_articles(followed)
    assert text(find(flag, "h3")[0]) == f"{account.email}, flagged by the secretariat"
    assert "Flagged by the secretariat" in text(find(flag, "p", class_="flag__kind")[0])
    assert "Reported by a nominee." in text(flag)
    assert len(find(row_of(flag, account.email), "button")) == 2
    [entry] = AuditEntry.objects.filter(action=AuditAction.ACCOUNT_FLAGGED)
    assert (entry.subject, entry.reason) == (account, "Reported by a nominee.")
    # And it can be acted on like any other.
    done = act_on_account(secretariat, edition, flag_key(followed), account, "exclude")
    assert done.status_code == 302
    assert VoterExclusion.objects.get().voter == account


@pytest.mark.parametrize(
    "email, reason, error",
    [
        ("nobody@example.org", "Reported.", "No account has this e-mail address."),
        ("", "Reported.", "Write the e-mail address of the account to flag."),
        ("{voter}", "", "Write why this account is flagged: the record keeps it."),
    ],
)
def test_flagging_needs_a_known_account_and_a_reason(
    secretariat, edition, nominee, email, reason, error
):
    [vote] = give(nominee, 1)

    response = flag_account(secretariat, edition, email.format(voter=vote.voter.email), reason)

    assert response.status_code == 200
    assert error in error_summary(response)
    assert not AccountFlag.objects.exists()


def test_flagging_an_account_twice_says_so(secretariat, edition, nominee):
    [vote] = give(nominee, 1)
    secretariat.get(flag_account(secretariat, edition, vote.voter.email)["Location"])

    response = flag_account(secretariat, edition, vote.voter.email, "Again.")

    assert messages_shown(secretariat.get(response["Location"])) == [
        "This account is already flagged for review in this edition."
    ]
    assert AccountFlag.objects.count() == 1


# --- Reinstating -------------------------------------------------------------------------


def test_reinstating_restores_the_votes_and_says_so(
    secretariat, admin_user, edition, nominee, pair
):
    _ada, twin = pair
    exclusion = voter_exclude(edition=edition, voter=twin, by=admin_user, reason=REASON)

    response = reinstate(secretariat, edition, exclusion)

    followed = secretariat.get(response["Location"])
    assert messages_shown(followed) == [
        f"{twin.email} may vote again; 1 vote the exclusion set aside counts again."
    ]
    assert Vote.objects.get(voter=twin).is_valid
    assert standings(edition=edition) == {nominee.pk: 4}
    assert tally_differences(edition=edition) == {}
    assert "No account is excluded from voting" in text(section(followed, "excluded-heading"))
    [entry] = AuditEntry.objects.filter(action=AuditAction.VOTER_REINSTATED)
    assert (entry.subject, entry.reason) == (twin, "The same family, not fraud.")


def test_reinstating_after_the_champions_were_counted_says_to_count_again(
    secretariat, admin_user, closed
):
    nominee = ProjectFactory(category=CategoryFactory(edition=closed, number=1))
    [vote] = give(nominee, 1)
    exclusion = voter_exclude(edition=closed, voter=vote.voter, by=admin_user, reason=REASON)
    champions_compute(edition=closed, by=admin_user)

    response = reinstate(secretariat, closed, exclusion)

    assert messages_shown(secretariat.get(response["Location"])) == [
        f"{vote.voter.email} may vote again; 1 vote the exclusion set aside counts again. The "
        "Champions were counted before: compute them again on the standings page for the "
        "count to include this."
    ]


def test_reinstating_without_a_reason_shows_the_error(secretariat, admin_user, edition, pair):
    exclusion = voter_exclude(edition=edition, voter=pair[1], by=admin_user, reason=REASON)

    response = reinstate(secretariat, edition, exclusion, reason="")

    assert response.status_code == 200
    message = "Write why this account is reinstated: the record keeps it."
    assert message in error_summary(response)
    [details] = find(section(response, "excluded-heading"), "details")
    assert "open" in dict(details.attributes)
    assert VoterExclusion.objects.get().is_active


def test_reinstating_an_exclusion_already_lifted_does_nothing(
    secretariat, admin_user, edition, pair
):
    exclusion = voter_exclude(edition=edition, voter=pair[1], by=admin_user, reason=REASON)
    secretariat.get(reinstate(secretariat, edition, exclusion)["Location"])

    response = reinstate(secretariat, edition, exclusion, reason="Twice.")

    assert messages_shown(secretariat.get(response["Location"])) == [
        "Nothing was done: this account is no longer excluded."
    ]
    assert AuditEntry.objects.filter(action=AuditAction.VOTER_REINSTATED).count() == 1


# --- The page's cost -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 4])
def test_fraud_page_query_count_does_not_grow_with_decisions(
    secretariat, admin_user, edition, category, django_assert_num_queries, size
):
    for number in range(size):
        nominee = ProjectFactory(category=category, title=f"Nominee {number}")
        cluster(nominee, network=f"203.0.{number}.0/24")
        flagged, excluded = (vote.voter for vote in give(nominee, 2))
        flag_account(secretariat, edition, flagged.email)
        voter_exclude(edition=edition, voter=excluded, by=admin_user, reason=REASON)
    # The secretariat's flags are dismissed: they are then shown apart.
    for article in flag_articles(fraud_page(secretariat, edition)):
        if "flagged by the secretariat" in text(find(article, "h3")[0]):
            dismiss(secretariat, edition, attribute(article, "id"))

    signals_compute(edition=edition)

    # The gate's three, the edition, the exclusions, when the signals were computed, the
    # secretariat's flags and their dismissals, the count and the page of the stored
    # signals, the decisions, the dismissed signals and their dismissals, the votes and
    # the accounts they concern, the latest vote event, the invalidations, the header's one.
    with django_assert_num_queries(QUERIES):
        response = secretariat.get(fraud_url(edition))

    assert len(signal_titles(response)) == size
    assert len(dismissed_titles(response)) == size
    [excluded_rows] = find(section(response, "excluded-heading"), "tbody")
    assert len(find(excluded_rows, "tr")) == size


# --- Decisions in the background --------------------------------------------------------


def test_a_queued_decision_shows_its_progress_and_takes_no_second_click(
    secretariat, edition, nominee, pair
):
    ada, _twin = pair
    key = flag_key(fraud_page(secretariat, edition))
    # No worker has taken the job yet.
    secretariat.post(
        fraud_url(edition),
        {
            "flag": key,
            "account": ada.pk,
            "action": "account-invalidate",
            f"{key}-account-{ada.pk}-reason": REASON,
        },
    )

    response = secretariat.get(fraud_url(edition))

    assert messages_shown(response) == [QUEUED]
    [row] = decision_rows(response)
    assert row[:4] == ["Invalidate an account's votes", ada.email, "Queued", "0 of 1 account"]
    [flag] = flag_articles(response)
    assert "Decision: Queued" in text(row_of(flag, ada.email))
    assert find(row_of(flag, ada.email), "form") == []
    assert "Signals last computed on" in text(page(response))

    again = act_on_account(secretariat, edition, key, ada, "exclude")

    assert messages_shown(secretariat.get(again["Location"])) == [
        "A decision about this is already queued or running: wait for it to finish."
    ]
    assert Vote.objects.get(voter=ada).is_valid
    assert not VoterExclusion.objects.exists()
