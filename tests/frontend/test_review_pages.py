import itertools
from datetime import timedelta

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime

from awards.models import Category, Edition, Exclusion, Project, ProjectStatus, Standing
from awards.phases import Phase
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)
from tests.frontend.html import attribute, error_summary, find, h1, page, text
from tests.frontend.roles import (
    WHO_IS_REFUSED,
    assert_secretariat_refusal,
    sign_in,
)
from voting.fraud import SECRETARIAT_FLAG, signals_compute
from voting.models import Vote, VoteAction, VoteEvent
from voting.selectors import standings
from voting.services import champions_compute, votes_invalidate

pytestmark = pytest.mark.django_db

VOTING_STILL_OPEN = "The Champions are chosen once public voting has closed."
REASON_REQUIRED = "Write why these votes are invalidated: the record keeps it."
NETWORK = "198.51.100.0/24"


@pytest.fixture
def edition() -> Edition:
    return EditionFactory(year=2032, phase=Phase.VOTING)


@pytest.fixture
def category(edition) -> Category:
    return CategoryFactory(edition=edition, number=3, title="Access to information")


@pytest.fixture
def nominee(category) -> Project:
    return ProjectFactory(category=category, title="Solar schools")


@pytest.fixture
def closed() -> Edition:
    """An edition whose voting has closed: the Champions can be computed."""
    return EditionFactory(year=2033, phase=Phase.CHAMPIONS, champions_per_category=2)


@pytest.fixture
def secretariat(client, admin_user):
    client.force_login(admin_user)
    return client


def standings_url(edition: Edition) -> str:
    return reverse("frontend:standings", args=[edition.year])


def fraud_url(edition: Edition) -> str:
    return reverse("frontend:fraud", args=[edition.year])


def fraud_page(client, edition: Edition):
    """The fraud page once the signals are computed from the votes so far, as the beat
    task computes them while votes come in."""
    signals_compute(edition=edition)
    return client.get(fraud_url(edition))


def decide(client, edition: Edition, data: dict):
    """Post a decision and let the job it queues run, as a worker would once the
    request's transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(fraud_url(edition), data)


def decision_rows(response) -> list[list[str]]:
    """The cells of the decisions table: decision, about, status, progress, queued."""
    tables = find(page(response), "table", class_="decision-jobs")
    if not tables:
        return []
    return [cells(row) for row in find(find(tables[0], "tbody")[0], "tr")]


QUEUED = "The decision is queued: its progress shows under “Decisions” below."


def give(nominee: Project, count: int, **fields) -> list[Vote]:
    return [VoteFactory(nominee=nominee, **fields) for _ in range(count)]


MEMBERS = itertools.count(1)


def cluster(nominee: Project, *, size: int = 5, network: str = NETWORK) -> list[Vote]:
    """Votes of ``size`` accounts made an hour before, from one network, a minute apart,
    on a mail service (not the domain of the nominee's organisation, as everyone's in
    these tests is)."""
    start = timezone.now() - timedelta(minutes=30)
    votes = []
    for minute in range(size):
        at = start + timedelta(minutes=minute)
        votes.append(
            VoteFactory(
                nominee=nominee,
                voter__date_joined=at - timedelta(hours=1),
                voter__email=f"member{next(MEMBERS)}@mail.example.net",
                network=network,
                user_agent="Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/126.0",
                cast_at=at,
                changed_at=at,
            )
        )
    return votes


def mailbox_pair(nominee: Project) -> list[Vote]:
    return [
        VoteFactory(nominee=nominee, voter__email="ada.lovelace@gmail.com"),
        VoteFactory(nominee=nominee, voter__email="adalovelace+wsis@gmail.com"),
    ]


def cells(row) -> list[str]:
    return [text(cell) for cell in row.children if not isinstance(cell, str)]


def messages_shown(response) -> list[str]:
    return [text(item) for item in find(page(response), "li", class_="message")]


def standings_rows(response, number: int) -> list[tuple[str, str, str, str]]:
    """(rank, nominee, votes, share) of each row of a category's table."""
    [section] = find(page(response), "section", id=f"category-{number}")
    [body] = find(section, "tbody")
    rows = []
    for row in find(body, "tr"):
        rank, votes, share = (text(cell) for cell in find(row, "td", class_="numeric"))
        [nominee] = find(row, "th")
        title = text(find(nominee, "a")[0])
        rows.append((rank, title, votes, share))
    return rows


def bar_widths(response, number: int) -> list[str]:
    [section] = find(page(response), "section", id=f"category-{number}")
    # Widths in a bar 100 units wide: percents of the leader's.
    return [attribute(fill, "width") for fill in find(section, "rect", class_="vote-bar__fill")]


def bar_labels(response, number: int) -> list[str]:
    [section] = find(page(response), "section", id=f"category-{number}")
    return [attribute(bar, "aria-label") for bar in find(section, "svg", class_="vote-bar")]


def section_of(response, heading_id: str):
    [found] = find(page(response), "section", **{"aria-labelledby": heading_id})
    return found


def flag_articles(response) -> list:
    return find(page(response), "article", class_="flag")


def flag_key(response, index: int = 0) -> str:
    return attribute(flag_articles(response)[index], "id")


def invalidate(client, edition: Edition, key: str, reason: str):
    return decide(client, edition, {"flag": key, f"{key}-reason": reason})


def valid_votes(edition: Edition) -> int:
    return Vote.objects.filter(edition=edition, invalidated_at__isnull=True).count()


# --- Who may open the pages ----------------------------------------------------------


PAGES = {"standings": standings_url, "fraud": fraud_url}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", WHO_IS_REFUSED)
def test_vote_pages_refuse_anyone_but_the_secretariat_with_mfa(client, edition, name, who):
    sign_in(client, who)
    url = PAGES[name](edition)

    assert_secretariat_refusal(client.get(url), who, url)


@pytest.mark.parametrize("name", PAGES)
def test_vote_pages_open_for_the_secretariat_with_mfa(secretariat, edition, name):
    response = secretariat.get(PAGES[name](edition))

    assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_vote_pages_of_an_unknown_edition_are_not_found(secretariat, edition, name):
    response = secretariat.get(reverse(f"frontend:{name}", args=[1999]))

    assert response.status_code == 404


@pytest.mark.parametrize("who", WHO_IS_REFUSED)
def test_compute_refused_changes_nothing(client, closed, who):
    nominee = ProjectFactory(category=CategoryFactory(edition=closed, number=1))
    give(nominee, 2)
    sign_in(client, who)
    url = standings_url(closed)

    response = client.post(url)

    assert_secretariat_refusal(response, who, url)
    closed.refresh_from_db()
    assert closed.standings_recorded_at is None
    assert not Standing.objects.exists()
    nominee.refresh_from_db()
    assert nominee.status == ProjectStatus.NOMINEE


@pytest.mark.parametrize("kind", ["votes", "accounts"])
@pytest.mark.parametrize("who", WHO_IS_REFUSED)
def test_invalidation_refused_changes_nothing(client, admin_user, edition, nominee, kind, who):
    if kind == "votes":
        cluster(nominee)
    else:
        mailbox_pair(nominee)
    admin = Client()
    admin.force_login(admin_user)
    key = flag_key(fraud_page(admin, edition))
    sign_in(client, who)
    url = fraud_url(edition)

    response = invalidate(client, edition, key, "A cluster of new accounts.")

    assert_secretariat_refusal(response, who, url)
    assert not Vote.objects.filter(invalidated_at__isnull=False).exists()
    assert not VoteEvent.objects.filter(action=VoteAction.INVALIDATED).exists()
    assert standings(edition=edition) == {nominee.pk: Vote.objects.count()}


def test_secretariat_dashboard_links_to_the_vote_pages(secretariat, edition):
    response = secretariat.get(reverse("frontend:secretariat"))

    [standings_link] = find(page(response), "a", href=standings_url(edition))
    [fraud_link] = find(page(response), "a", href=fraud_url(edition))
    assert text(standings_link) == "Standings and Champions"
    assert text(fraud_link) == "Fraud review"


# --- Standings ------------------------------------------------------------------------


def test_standings_show_each_category_in_order_with_counts_ranks_and_shares(
    secretariat, edition, category
):
    first = CategoryFactory(edition=edition, number=1, title="Public governance")
    give(ProjectFactory(category=first, title="Open data portal"), 1)
    solar, radio, maps = (
        ProjectFactory(category=category, title=title)
        for title in ("Solar schools", "Radio lessons", "Community maps")
    )
    give(solar, 1)
    give(radio, 3)
    give(maps, 2)

    response = secretariat.get(standings_url(edition))

    assert h1(response) == f"Live standings {edition.title}"
    headings = [text(h) for h in find(page(response), "h2") if text(h)[:1].isdigit()]
    assert headings == ["1. Public governance", "3. Access to information"]
    assert standings_rows(response, 3) == [
        ("1", "Radio lessons", "3", "50.0%"),
        ("2", "Community maps", "2", "33.3%"),
        ("3", "Solar schools", "1", "16.7%"),
    ]
    [section] = find(page(response), "section", id="category-3")
    [footer] = find(section, "tfoot")
    assert text(footer) == "All 3 nominees 6 100%"
    [totals] = find(page(response), "table", class_="standings-totals")
    assert text(find(totals, "tfoot")[0]) == "All categories 4 7"


def test_standings_bars_are_proportional_and_labelled(secretariat, edition, category):
    for title, count in (("Radio lessons", 4), ("Community maps", 2), ("Solar schools", 1)):
        give(ProjectFactory(category=category, title=title), count)
    ProjectFactory(category=category, title="Zero votes yet")

    response = secretariat.get(standings_url(edition))

    assert bar_widths(response, 3) == ["100.00", "50.00", "25.00", "0.00"]
    assert bar_labels(response, 3) == [
        "4 votes, 57.1% of the category",
        "2 votes, 28.6% of the category",
        "1 vote, 14.3% of the category",
        "0 votes, 0.0% of the category",
    ]
    [bar] = find(
        page(response), "svg", class_="vote-bar", **{"aria-label": bar_labels(response, 3)[0]}
    )
    assert attribute(bar, "role") == "img"


def test_standings_share_a_rank_between_equal_votes(secretariat, edition, category):
    for title, count in (("A", 2), ("B", 2), ("C", 1)):
        give(ProjectFactory(category=category, title=title), count)

    response = secretariat.get(standings_url(edition))

    assert [row[:2] for row in standings_rows(response, 3)] == [("1", "A"), ("1", "B"), ("3", "C")]


def test_standings_leave_out_invalidated_votes(secretariat, admin_user, edition, nominee):
    votes = give(nominee, 3)
    votes_invalidate(
        votes=Vote.objects.filter(pk=votes[0].pk), by=admin_user, reason="Bought votes."
    )

    response = secretariat.get(standings_url(edition))

    assert standings_rows(response, 3) == [("1", "Solar schools", "2", "100.0%")]


def test_standings_of_a_category_without_nominees_say_so(secretariat, edition, category):
    response = secretariat.get(standings_url(edition))

    [section] = find(page(response), "section", id="category-3")
    assert "No nominees in this category." in text(section)


@pytest.mark.parametrize("nominees, votes_each", [(1, 1), (12, 9)])
def test_standings_query_count_does_not_grow_with_votes_or_nominees(
    secretariat, edition, category, django_assert_num_queries, nominees, votes_each
):
    second = CategoryFactory(edition=edition, number=4)
    for number in range(nominees):
        give(ProjectFactory(category=category, title=f"Nominee {number:02}"), votes_each)
        give(ProjectFactory(category=second, title=f"Other {number:02}"), 1)

    # Session, user, authenticator (the gate); the edition; the categories; the tallies
    # (one grouped sum); the nominees; then the header's role groups.
    with django_assert_num_queries(8):
        response = secretariat.get(standings_url(edition))

    assert len(standings_rows(response, 3)) == nominees


def test_recorded_standings_query_count_does_not_grow_with_the_rows(
    secretariat, closed, django_assert_num_queries
):
    for number in (1, 2):
        category = CategoryFactory(edition=closed, number=number)
        for title in "ABCDEF":
            give(ProjectFactory(category=category, title=title), 2)
    champions_compute(edition=closed)

    # The gate's three, the edition, the categories, the tallies, the recorded standings,
    # the exclusion report, the header's one.
    with django_assert_num_queries(9):
        response = secretariat.get(standings_url(closed))

    assert len(standings_rows(response, 1)) == 6


def test_compute_while_voting_is_open_says_so_and_changes_nothing(secretariat, edition, nominee):
    give(nominee, 2)

    response = secretariat.post(standings_url(edition), follow=True)

    closes = date_format(localtime(edition.voting_closes_at), "j F Y, H:i T")
    assert messages_shown(response) == [f"{VOTING_STILL_OPEN} It closes on {closes}."]
    edition.refresh_from_db()
    assert edition.standings_recorded_at is None
    assert not Standing.objects.exists()
    [panel] = find(page(response), "section", class_="champions-panel")
    assert "they can be computed once public voting closes" in text(panel)


def test_compute_after_the_close_records_and_shows_the_champions(secretariat, closed):
    category = CategoryFactory(edition=closed, number=1, title="Public governance")
    radio, maps, solar = (
        ProjectFactory(category=category, title=title)
        for title in ("Radio lessons", "Community maps", "Solar schools")
    )
    give(radio, 3)
    give(maps, 2)
    give(solar, 1)

    response = secretariat.post(standings_url(closed), follow=True)

    assert messages_shown(response) == ["The standings are recorded: 2 Champions among 3 nominees."]
    assert h1(response) == f"Final standings {closed.title}"
    assert standings_rows(response, 1) == [
        ("1", "Radio lessons", "3", "50.0%"),
        ("2", "Community maps", "2", "33.3%"),
        ("3", "Solar schools", "1", "16.7%"),
    ]
    [section] = find(page(response), "section", id="category-1")
    champions = [
        text(find(row, "a")[0]) for row in find(section, "tr", class_="standings-row--champion")
    ]
    assert champions == ["Radio lessons", "Community maps"]
    badges = [text(badge) for badge in find(section, "span", class_="status-badge--champion")]
    assert badges == ["Champion", "Champion"]
    closed.refresh_from_db()
    [panel] = find(page(response), "section", class_="champions-panel")
    [moment] = find(panel, "time")
    assert attribute(moment, "datetime") == closed.standings_recorded_at.isoformat()
    assert "Compute the Champions again" in text(panel)
    assert "Every vote counted" in text(page(response))


def test_recorded_standings_note_ties_at_the_cut(secretariat, closed):
    category = CategoryFactory(edition=closed, number=1)
    for title, count in (("A", 3), ("B", 2), ("C", 2)):
        give(ProjectFactory(category=category, title=title), count)
    champions_compute(edition=closed)

    response = secretariat.get(standings_url(closed))

    [section] = find(page(response), "section", id="category-1")
    tied = [
        text(find(row, "a")[0])
        for row in find(section, "tr")
        if find(row, "span", class_="badge--warning")
    ]
    assert tied == ["B", "C"]
    assert all(
        text(badge) == "Tied at the cut" for badge in find(section, "span", class_="badge--warning")
    )


def test_recorded_standings_show_the_exclusion_report(secretariat, admin_user, closed):
    first = CategoryFactory(edition=closed, number=1, title="Public governance")
    second = CategoryFactory(edition=closed, number=2, title="Infrastructure")
    kept = ProjectFactory(category=first, title="Radio lessons")
    give(kept, 2)
    fraudulent = give(ProjectFactory(category=second, title="Solar schools"), 3)
    votes_invalidate(
        votes=Vote.objects.filter(pk__in=[v.pk for v in fraudulent]),
        by=admin_user,
        reason="Scripted votes from one network.",
    )
    champions_compute(edition=closed)
    assert Exclusion.objects.count() == 1

    response = secretariat.get(standings_url(closed))

    [report] = find(page(response), "table", class_="exclusion-report")
    heads = [text(cell) for cell in find(find(report, "thead")[0], "th")]
    assert heads == [
        "Category",
        "Invalidated by the secretariat",
        "Incomplete ballot",
        "Total",
    ]
    [row] = find(find(report, "tbody")[0], "tr")
    assert text(row) == "2. Infrastructure 3 0 3"
    assert "ada" not in text(report) and "@" not in text(report)


def test_standings_say_when_votes_changed_since_they_were_recorded(secretariat, admin_user, closed):
    nominee = ProjectFactory(category=CategoryFactory(edition=closed, number=1))
    votes = give(nominee, 2)
    champions_compute(edition=closed)
    votes_invalidate(votes=Vote.objects.filter(pk=votes[0].pk), by=admin_user, reason="Bought.")

    response = secretariat.get(standings_url(closed))

    [notice] = find(page(response), "div", class_="notice--warning")
    assert "Compute the Champions again" in text(notice)


def test_compute_after_the_winners_are_chosen_offers_no_button(secretariat, closed):
    nominee = ProjectFactory(category=CategoryFactory(edition=closed, number=1))
    give(nominee, 2)
    champions_compute(edition=closed)
    Project.objects.filter(pk=nominee.pk).update(status=ProjectStatus.WINNER)

    response = secretariat.get(standings_url(closed))

    [panel] = find(page(response), "section", class_="champions-panel")
    assert "The Winners are chosen: the Champions can no longer change." in text(panel)
    assert find(panel, "form") == []
    refused = secretariat.post(standings_url(closed), follow=True)
    assert messages_shown(refused) == [
        "Winners are already chosen: the Champions can no longer change."
    ]


# --- Fraud review ---------------------------------------------------------------------


def test_fraud_page_ranks_clusters_strongest_first_and_says_which_signals_share_one(
    secretariat, edition, nominee
):
    """Twelve accounts made from one network, one a minute, voting the same way in
    every category, make four signals about the same accounts: one cluster, shown
    before a cluster of two addresses of one mailbox."""
    mailbox_pair(nominee)
    start = timezone.now() - timedelta(hours=1)
    others = [
        ProjectFactory(category=CategoryFactory(edition=edition, number=n)) for n in (4, 5, 6, 7)
    ]
    for n in range(12):
        at = start + timedelta(minutes=n)
        voter = UserFactory(
            email=f"script{n}@mail.example.net",
            date_joined=at - timedelta(seconds=30),
            signup_network=NETWORK,
        )
        for k, project in enumerate([nominee, *others]):
            moment = at + timedelta(seconds=5 * k)
            VoteFactory(
                nominee=project, voter=voter, network=NETWORK, cast_at=moment, changed_at=moment
            )

    response = fraud_page(secretariat, edition)

    articles = flag_articles(response)
    ranks = [text(find(article, "p", class_="flag__cluster")[0]) for article in articles]
    assert ranks[-1] == "Cluster 2: 1 signal about 2 accounts in all."
    assert set(ranks[:-1]) == {f"Cluster 1: {len(ranks) - 1} signals about 12 accounts in all."}
    assert len(ranks) - 1 >= 2
    kinds = [text(find(article, "span", class_="badge")[0]) for article in articles]
    assert "Ballots in lockstep" in kinds
    assert "Signals that name some of the same accounts form a cluster." in text(page(response))


def test_fraud_page_shows_a_cluster_of_new_accounts_with_its_evidence(
    secretariat, edition, nominee
):
    votes = cluster(nominee)
    give(nominee, 2)  # ordinary voters

    response = fraud_page(secretariat, edition)

    [flag] = flag_articles(response)
    [title] = find(flag, "h3")
    assert text(title) == f"5 new accounts from {NETWORK} voted for “Solar schools”"
    assert "Accounts less than 2 days old, all within 4 minutes." in text(flag)
    vote_table, account_table = find(flag, "table")
    assert text(find(vote_table, "caption")[0]) == "The 5 votes concerned"
    rows = find(find(vote_table, "tbody")[0], "tr")
    assert len(rows) == 5
    assert [text(cell) for cell in find(rows[0], "td")] == [
        "3",
        "Solar schools",
        NETWORK,
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/126.0",
    ]
    emails = [cells(row)[0] for row in find(find(account_table, "tbody")[0], "tr")]
    assert sorted(emails) == sorted(vote.voter.email for vote in votes)
    [form] = find(flag, "form", class_="flag-form")
    [button] = find(form, "button")
    assert text(button) == "Invalidate these 5 votes"


def test_fraud_page_without_signals_says_so(secretariat, edition, nominee):
    give(nominee, 3)

    response = fraud_page(secretariat, edition)

    assert flag_articles(response) == []
    assert f"No signal of suspicious voting in {edition.title}." in text(page(response))
    assert f"No vote of {edition.title} has been invalidated." in text(page(response))


def test_invalidating_a_cluster_removes_its_votes_from_the_standings(secretariat, edition, nominee):
    votes = cluster(nominee)
    give(nominee, 2)
    key = flag_key(fraud_page(secretariat, edition))

    response = invalidate(secretariat, edition, key, "Accounts made for this vote.")

    assert response.status_code == 302
    assert response["Location"] == fraud_url(edition)
    followed = secretariat.get(response["Location"])
    assert messages_shown(followed) == [QUEUED]
    [row] = decision_rows(followed)
    assert row[:4] == [
        "Invalidate what a signal concerns",
        "The 5 votes of a signal",
        "Done",
        "5 of 5 votes; 5 votes invalidated",
    ]
    # The job computed the signals again: the cluster's votes no longer count.
    assert flag_articles(followed) == []
    [table] = find(page(followed), "table", class_="invalidations")
    [row] = find(find(table, "tbody")[0], "tr")
    reason, signal, _when, votes_count, accounts_count = cells(row)
    assert (reason, signal, votes_count, accounts_count) == (
        "Accounts made for this vote.",
        "New accounts from one network",
        "5",
        "5",
    )
    assert set(Vote.objects.filter(invalidated_at__isnull=False).values_list("pk", flat=True)) == {
        vote.pk for vote in votes
    }
    assert standings(edition=edition) == {nominee.pk: 2}
    shown = secretariat.get(standings_url(edition))
    assert standings_rows(shown, 3) == [("1", "Solar schools", "2", "100.0%")]


def test_invalidated_so_far_names_the_kind_of_signal_each_row_acted_on(
    secretariat, admin_user, edition, nominee
):
    votes = give(nominee, 4)
    for vote, reason, signal in [
        (votes[0], "Reported by the organisation.", ""),
        (votes[1], "Known to the secretariat.", SECRETARIAT_FLAG),
        (votes[2], "Same ballots.", "lockstep_ballots"),
        (votes[3], "Same ballots.", "vote_rhythm"),
    ]:
        votes_invalidate(
            votes=Vote.objects.filter(pk=vote.pk), by=admin_user, reason=reason, signal=signal
        )

    response = fraud_page(secretariat, edition)

    [table] = find(page(response), "table", class_="invalidations")
    rows = sorted(cells(row)[:2] for row in find(find(table, "tbody")[0], "tr"))
    assert rows == [
        ["Known to the secretariat.", "Flagged by the secretariat"],
        ["Reported by the organisation.", "Other review by the secretariat"],
        ["Same ballots.", "Ballots in lockstep"],
        ["Same ballots.", "Votes at a steady rhythm"],
    ]
    [total] = find(find(table, "tfoot")[0], "tr")
    assert cells(total)[0] == "All invalidated votes"
    assert cells(total)[-2] == "4"


@pytest.mark.parametrize("reason", ["", "   "])
def test_invalidating_without_a_reason_shows_the_error_and_changes_nothing(
    secretariat, edition, nominee, reason
):
    cluster(nominee)
    key = flag_key(fraud_page(secretariat, edition))

    response = invalidate(secretariat, edition, key, reason)

    assert response.status_code == 200
    assert REASON_REQUIRED in error_summary(response)
    [flag] = flag_articles(response)
    [errors] = find(flag, "ul", class_="field__errors")
    assert text(errors) == f"Error: {REASON_REQUIRED}"
    [link] = find(find(page(response), class_="error-summary")[0], "a")
    assert attribute(link, "href") == f"#id_{key}-reason"
    assert find(flag, "textarea", id=f"id_{key}-reason")
    assert valid_votes(edition) == 5
    assert not VoteEvent.objects.filter(action=VoteAction.INVALIDATED).exists()


def test_invalidating_a_signal_that_changed_meanwhile_changes_nothing(
    secretariat, edition, nominee
):
    cluster(nominee)
    key = flag_key(fraud_page(secretariat, edition))
    cluster(nominee, size=1)  # one more vote joins the cluster
    signals_compute(edition=edition)  # as the beat task does while votes come in

    response = invalidate(secretariat, edition, key, "Accounts made for this vote.")

    assert response.status_code == 302
    followed = secretariat.get(response["Location"])
    assert messages_shown(followed) == [
        "Nothing was invalidated: this signal has changed since the page was loaded "
        "(votes were cast, changed or invalidated). Review it again below."
    ]
    assert valid_votes(edition) == 6


def test_invalidating_an_unknown_signal_changes_nothing(secretariat, edition, nominee):
    cluster(nominee)

    response = invalidate(secretariat, edition, "burst-<script>", "Because.")

    assert response.status_code == 302
    assert valid_votes(edition) == 5


def test_fraud_page_shows_a_mailbox_pair_and_invalidates_it_by_account(
    secretariat, edition, category, nominee
):
    pair = mailbox_pair(nominee)
    other_category = CategoryFactory(edition=edition, number=4)
    VoteFactory(nominee=ProjectFactory(category=other_category), voter=pair[0].voter)
    give(nominee, 2)

    response = fraud_page(secretariat, edition)

    [flag] = flag_articles(response)
    assert text(find(flag, "h3")[0]) == "2 accounts share the mailbox adalovelace@gmail.com"
    assert "Addresses: ada.lovelace@gmail.com, adalovelace+wsis@gmail.com" in text(flag)
    [accounts] = find(flag, "table")
    rows = [cells(row) for row in find(find(accounts, "tbody")[0], "tr")]
    assert [(row[0], row[2], row[3]) for row in rows] == [
        ("ada.lovelace@gmail.com", "2", "2"),
        ("adalovelace+wsis@gmail.com", "1", "1"),
    ]
    [form] = find(flag, "form", class_="flag-form")
    assert text(find(form, "button")[0]) == "Invalidate the votes of these 2 accounts"

    done = invalidate(secretariat, edition, flag_key(response), "One person, two accounts.")

    followed = secretariat.get(done["Location"])
    [row] = decision_rows(followed)
    assert row[1:4] == [
        "The 2 accounts of a signal",
        "Done",
        "2 of 2 accounts; 3 votes invalidated",
    ]
    assert valid_votes(edition) == 2
    [flag] = flag_articles(followed)
    assert "All their votes in this edition are already invalidated." in text(flag)
    assert find(flag, "form", class_="flag-form") == []
    assert not [b for b in find(flag, "button") if "Invalidate" in text(b)]
    [table] = find(page(followed), "table", class_="invalidations")
    assert "One person, two accounts." in text(table)


def test_invalidating_after_the_standings_were_recorded_asks_to_compute_again(secretariat, closed):
    nominee = ProjectFactory(category=CategoryFactory(edition=closed, number=1))
    mailbox_pair(nominee)
    champions_compute(edition=closed)
    key = flag_key(fraud_page(secretariat, closed))

    response = invalidate(secretariat, closed, key, "One person, two accounts.")

    followed = secretariat.get(response["Location"])
    assert decision_rows(followed)[0][2:4] == ["Done", "2 of 2 accounts; 2 votes invalidated"]
    [notice] = find(section_of(followed, "decisions-heading"), "p", class_="notice--warning")
    assert text(notice) == (
        "Votes were invalidated since the Champions were counted: compute them again on "
        "the standings page for the count to leave these votes out."
    )


@pytest.mark.parametrize("clusters", [1, 4])
def test_fraud_page_query_count_does_not_grow_with_the_flags(
    secretariat, admin_user, edition, category, django_assert_num_queries, clusters
):
    nominees = [
        ProjectFactory(category=category, title=f"Nominee {number}") for number in range(clusters)
    ]
    for number, nominee in enumerate(nominees):
        cluster(nominee, network=f"203.0.{number}.0/24")
    mailbox_pair(nominees[0])
    [bought] = give(nominees[0], 1)
    votes_invalidate(votes=Vote.objects.filter(pk=bought.pk), by=admin_user, reason="Bought.")

    signals_compute(edition=edition)

    # As the decisions' query guard counts them (test_fraud_decisions.QUERIES).
    with django_assert_num_queries(17):
        response = secretariat.get(fraud_url(edition))

    assert len(flag_articles(response)) == clusters + 1
