"""The behaviour signals on small populations: each catches what it is for, and spares
what honest crowds and campaigns do."""

import random
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.models import User
from awards.models import Edition, Project
from tests.factories import CategoryFactory, ProjectFactory
from voting.fraud import chance_text, fraud_flags, signal_kind_label
from voting.models import StoredSignal, Vote

pytestmark = pytest.mark.django_db

CATEGORIES = 6
NOMINEES = 4
# Each category's vote shares: a favourite, then fewer and fewer.
SHARES = [0.5, 0.25, 0.15, 0.1]


@pytest.fixture
def ballot(edition) -> dict[int, list[Project]]:
    """Six categories of four nominees, each nominee with its organisation's site."""
    return {
        number: [
            ProjectFactory(
                category=category,
                title=f"Nominee {number}{letter}",
                website=f"https://www.org{number}{letter}.example.net/",
            )
            for letter in "abcd"
        ]
        for number, category in (
            (n, CategoryFactory(edition=edition, number=n)) for n in range(1, CATEGORIES + 1)
        )
    }


class People:
    """Accounts and their votes, written in bulk."""

    def __init__(self, edition: Edition, ballot: dict[int, list[Project]], seed: int = 1):
        self.edition = edition
        self.ballot = ballot
        self.rng = random.Random(seed)
        self.count = 0
        self.start = edition.voting_opens_at + timedelta(hours=1)

    def network(self) -> str:
        r = self.rng
        return f"{r.randint(11, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.0/24"

    def add(
        self,
        group: str,
        at: datetime,
        choices: dict[int, int],
        *,
        joined: datetime | None = None,
        network: str | None = None,
        browser: str | None = None,
        domain: str = "gmail.com",
    ) -> User:
        """An account that votes for ``choices`` ({category: nominee index}) from ``at``."""
        self.count += 1
        network = network or self.network()
        user = User.objects.create(
            email=f"{group}.{self.count}@{domain}",
            password="!",
            date_joined=joined or at - timedelta(minutes=3),
            signup_network=network,
            signup_browser=browser
            or self.rng.choice(["Chrome on Android", "Safari on iOS", "Firefox on Windows"]),
        )
        votes, moment = [], at
        for number, index in choices.items():
            nominee = self.ballot[number][index]
            votes.append(
                Vote(
                    edition=self.edition,
                    category=nominee.category,
                    nominee=nominee,
                    voter=user,
                    cast_at=moment,
                    changed_at=moment,
                    network=network,
                )
            )
            moment += timedelta(seconds=self.rng.uniform(5, 30))
        Vote.objects.bulk_create(votes)
        return user

    def by_shares(self, *, skip: int | None = None) -> dict[int, int]:
        return {
            n: self.rng.choices(range(NOMINEES), SHARES)[0]
            for n in range(1, CATEGORIES + 1)
            if n != skip
        }

    def crowd(self, size: int, *, days: float = 5) -> list[User]:
        """Honest voters over some days, each as the shares go, from anywhere."""
        return [
            self.add(
                "crowd",
                self.start + timedelta(days=self.rng.uniform(0, days)),
                self.by_shares(),
                joined=self.start - timedelta(days=self.rng.uniform(0, 300)),
            )
            for _ in range(size)
        ]

    def rush(self, size: int, nominee: tuple[int, int], *, hours: float = 2, **fields) -> list:
        """Honest people answering a campaign's e-mail: most at once, then fewer."""
        sent = self.start + timedelta(days=1)
        return [
            self.add(
                "rush",
                sent + timedelta(hours=self.rng.expovariate(1 / hours)),
                {**self.by_shares(skip=nominee[0]), nominee[0]: nominee[1]},
                **fields,
            )
            for _ in range(size)
        ]


def kinds(flags) -> dict[str, list]:
    found: dict[str, list] = {}
    for flag in flags:
        found.setdefault(flag.kind, []).append(flag)
    return found


def named(flags, users) -> set[int]:
    ids = {user.pk for user in users}
    return {pk for flag in flags for pk in flag.voter_ids} & ids


# --- Lockstep ballots -----------------------------------------------------------------


def test_accounts_with_one_ballot_are_flagged_with_the_chance_of_it(edition, ballot):
    people = People(edition, ballot)
    people.crowd(60)
    slate = dict.fromkeys(range(1, CATEGORIES + 1), 3)  # every category's least popular
    ring = [
        people.add("ring", people.start + timedelta(days=d, hours=h), slate)
        for d in range(3)
        for h in (1, 5, 9)
    ]

    [flag] = kinds(fraud_flags(edition=edition))["lockstep_ballots"]

    assert set(flag.voter_ids) == {user.pk for user in ring}
    assert flag.title == "9 accounts chose the same nominees in 6 of 6 categories"
    assert "independent voters agree so, given each category's vote shares" in flag.evidence
    assert flag.facts["chance_log10"] < -9


def test_a_vote_changed_here_and_there_does_not_hide_a_ring(edition, ballot):
    people = People(edition, ballot)
    people.crowd(60)
    ring = []
    for i in range(10):
        slate = dict.fromkeys(range(1, CATEGORIES + 1), 3)
        if i % 2:
            slate[1 + i % CATEGORIES] = 2  # half of them differ in one category
        ring.append(people.add("ring", people.start + timedelta(hours=5 * i), slate))

    [flag] = kinds(fraud_flags(edition=edition))["lockstep_ballots"]

    assert set(flag.voter_ids) == {user.pk for user in ring}
    assert flag.title == "10 accounts chose the same nominees in 5 of 6 categories"


def test_a_crowd_agreeing_on_the_favourites_is_not_lockstep(edition, ballot):
    people = People(edition, ballot)
    people.crowd(80)
    favourites = dict.fromkeys(range(1, CATEGORIES + 1), 0)
    for i in range(6):  # as the shares make likely among 86 voters
        people.add("fans", people.start + timedelta(hours=7 * i), favourites)

    assert "lockstep_ballots" not in kinds(fraud_flags(edition=edition))


# --- Rhythm ---------------------------------------------------------------------------


def test_votes_for_a_nominee_at_a_steady_rhythm_are_flagged(edition, ballot):
    """Paced over hours, from as many networks and browsers as accounts, each account
    voting at random in the other categories: the rhythm gives them away."""
    people = People(edition, ballot)
    people.crowd(40)
    browsers = ["Chrome on Windows", "Safari on iOS", "Firefox on Linux", "Edge on Windows"]
    at, ring = people.start + timedelta(days=2), []
    for i in range(30):
        at += timedelta(seconds=people.rng.uniform(150, 270))
        choices = {n: people.rng.randrange(NOMINEES) for n in range(2, CATEGORIES + 1)}
        ring.append(people.add("ring", at, {1: 3, **choices}, browser=browsers[i % 4]))

    [flag] = kinds(fraud_flags(edition=edition))["vote_rhythm"]

    assert len(named([flag], ring)) >= 27
    assert flag.title.endswith("voted for “Nominee 1d” at a steady rhythm")
    assert "more evenly spaced than people's" in flag.evidence
    assert "minutes apart" in flag.evidence


def test_a_campaign_rush_is_not_a_rhythm(edition, ballot):
    people = People(edition, ballot)
    people.crowd(40)
    people.rush(60, (1, 3))

    assert "vote_rhythm" not in kinds(fraud_flags(edition=edition))


def test_accounts_made_from_one_network_at_a_steady_rhythm_are_flagged(edition, ballot):
    people = People(edition, ballot)
    people.crowd(30)
    made, ring = people.start + timedelta(days=1), []
    for _ in range(25):
        made += timedelta(seconds=people.rng.uniform(100, 140))
        # Each votes later, whenever: only the making keeps the rhythm.
        at = made + timedelta(hours=people.rng.uniform(1, 48))
        ring.append(people.add("made", at, people.by_shares(), joined=made, network="192.0.2.0/24"))

    flags = kinds(fraud_flags(edition=edition))["signup_rhythm"]

    assert named(flags, ring) == {user.pk for user in ring}
    assert flags[0].title == "25 accounts made from 192.0.2.0/24 at a steady rhythm"
    # Named as every kind is, on the fraud page and in the public exclusion report.
    assert signal_kind_label("signup_rhythm") == "Accounts made in a batch or at a rhythm"
    with translation.override("ar"):
        assert signal_kind_label("signup_rhythm") == translation.gettext(
            "Accounts made in a batch or at a rhythm"
        )
        assert signal_kind_label("signup_rhythm") != "Accounts made in a batch or at a rhythm"


# --- Concentration and new accounts from one network -----------------------------------


def test_a_nominee_s_votes_from_one_network_beyond_its_share_are_flagged(edition, ballot):
    people = People(edition, ballot)
    people.crowd(60)
    ring = [
        people.add(
            "ring",
            people.start + timedelta(days=people.rng.uniform(0, 4)),
            {1: 3},
            network="192.0.2.0/24",
            browser="Chrome on Linux",
        )
        for _ in range(12)
    ]

    by_network, by_browser = kinds(fraud_flags(edition=edition))["concentration"]

    assert set(by_network.voter_ids) == {user.pk for user in ring}
    assert by_network.title == "12 votes for “Nominee 1d” from 192.0.2.0/24"
    assert "0 of 12 accounts on the mail domain of a nominee they voted for" in (
        by_network.evidence
    )
    # The crowd's browsers are three others: one family is as telling as one network.
    assert set(by_browser.voter_ids) == {user.pk for user in ring}
    assert by_browser.title == "12 votes for “Nominee 1d” from accounts made in Chrome on Linux"


def test_a_nominee_s_votes_from_accounts_of_one_browser_family_are_flagged(edition, ballot):
    """Paced a few hours apart from networks of their own: the browser family the
    accounts were made in is what they share."""
    people = People(edition, ballot)
    people.crowd(60)
    ring = [
        people.add(
            "ring",
            people.start + timedelta(hours=2 * i),
            {1: 3},
            browser="Chrome on Linux",
        )
        for i in range(12)
    ]

    [flag] = kinds(fraud_flags(edition=edition))["concentration"]

    assert set(flag.voter_ids) == {user.pk for user in ring}
    assert "This browser family's share of all votes leads to expect" in flag.evidence


def test_a_community_s_rush_in_one_browser_family_is_not_flagged(edition, ballot):
    people = People(edition, ballot)
    people.crowd(60)
    community = people.rush(30, (1, 3), browser="Samsung Internet on Android")

    assert named(fraud_flags(edition=edition), community) == set()


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"domain": "org1d.example.net"}, id="the nominee's own people"),
        pytest.param({"joined": datetime(2019, 3, 1, tzinfo=None)}, id="old accounts"),
    ],
)
def test_a_campus_behind_one_address_is_not_flagged(edition, ballot, fields):
    """A campus answering its project's campaign from one address: many on the
    organisation's own mail domain, or accounts people had for years."""
    people = People(edition, ballot)
    people.crowd(40)
    if fields.get("joined"):
        fields = {"joined": edition.voting_opens_at - timedelta(days=400)}
    own = people.rush(20, (1, 3), network="203.0.113.0/24", **fields)
    others = people.rush(20, (1, 3), network="203.0.113.0/24")

    flags = fraud_flags(edition=edition)

    assert named(flags, own + others) == set()


def test_new_accounts_in_minutes_from_a_campus_of_the_nominee_are_not_flagged(edition, ballot):
    people = People(edition, ballot)
    at = people.start + timedelta(days=1)
    campus = [
        people.add(
            "campus",
            at + timedelta(minutes=minute),
            {1: 3},
            network="203.0.113.0/24",
            domain="org1d.example.net" if minute % 2 else "gmail.com",
        )
        for minute in range(8)
    ]

    assert named(fraud_flags(edition=edition), campus) == set()


# --- Clusters, the command -------------------------------------------------------------


def test_signals_about_the_same_accounts_are_one_cluster_ranked_by_evidence(edition, ballot):
    people = People(edition, ballot)
    people.crowd(40)
    slate = dict.fromkeys(range(1, CATEGORIES + 1), 3)
    at, strong = people.start + timedelta(days=1), []
    for _ in range(25):  # one ballot, at a rhythm, from one network
        at += timedelta(seconds=people.rng.uniform(170, 190))
        strong.append(people.add("ring", at, slate, network="192.0.2.0/24"))
    weak = [  # one ballot, no more
        people.add("pair", people.start + timedelta(days=d), dict.fromkeys(range(1, 7), 2))
        for d in range(5)
    ]

    flags = fraud_flags(edition=edition)

    clusters = {flag.facts["cluster"] for flag in flags if set(flag.voter_ids) & {strong[0].pk}}
    assert clusters == {1}
    assert len([flag for flag in flags if flag.facts["cluster"] == 1]) >= 3
    [weak_flag] = [flag for flag in flags if set(flag.voter_ids) == {u.pk for u in weak}]
    assert weak_flag.facts["cluster"] == 2
    assert flags[0].facts["cluster"] == 1


def test_the_command_computes_the_signals_of_an_edition(edition, ballot, capsys):
    people = People(edition, ballot)
    people.crowd(30)
    for i in range(8):
        people.add("ring", people.start + timedelta(hours=i), dict.fromkeys(range(1, 7), 3))

    call_command("fraud_signals", "--edition", "2020")

    assert StoredSignal.objects.filter(edition=edition, kind="lockstep_ballots").count() == 1
    assert "1 signal in 1 cluster, computed in" in capsys.readouterr().out


def test_the_command_says_when_there_is_no_such_edition(edition):
    with pytest.raises(CommandError, match=r"There is no edition 1999\."):
        call_command("fraud_signals", "--edition", "1999")


@pytest.mark.parametrize(
    "log10, text", [(-9.2, "10⁻⁹"), (-12.0, "10⁻¹²"), (-3.7, "10⁻³"), (-1802.5, "10⁻³⁰")]
)
def test_a_chance_is_written_as_the_power_of_ten_above_it_down_to_10_to_the_minus_30(log10, text):
    assert chance_text(log10) == text
