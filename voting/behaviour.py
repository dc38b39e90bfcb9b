"""Signals of coordinated voting read from behaviour, not only from addresses.

They follow the published work on lockstep behaviour: groups of accounts that act on the
same items at around the same time (Facebook's CopyCatch, WWW 2013) and accounts whose
timed actions are alike (SynchroTrap, CCS 2014). Each one is a chance: how likely what
was seen is if the accounts acted independently, as a crowd does. A finding is kept
when that chance, multiplied by the number of groups or windows looked at, is below
``FLAG_CHANCE_LOG10``; its facts say what was seen, in numbers a reviewer can check.

- ``lockstep_ballots``: accounts that chose the same nominees in many categories, far
  more often than each category's vote shares allow (every subset of a ballot that
  leaves out one category is compared too, so a differing vote does not hide a ring).
- ``vote_rhythm``: a nominee's votes arriving more evenly spaced than people's: a
  script paced over hours, from however many networks and browsers, and with
  whichever accounts (old ones bought, or new). People's votes come in bursts, after a
  campaign's e-mail, and thin out; evenness is what they do not have.
- ``signup_rhythm``: accounts made from one network at a steady rhythm.
- ``concentration``: a nominee's votes from one network, or from accounts made in one
  browser family, far beyond that source's share of all votes, and
  ``new_accounts_one_network``: new accounts voting for one nominee from one network
  within minutes beyond that network's share of those minutes; each unless what honest
  campaigns have explains it: accounts on the mail domain of a nominee they voted for,
  accounts older than the voting, a crowd whose votes thin out after a first rush.

The whole edition is read once into arrays (about 2 million votes in seconds).
"""

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from urllib.parse import urlsplit

import numpy as np
from django.db import connection
from django.db.models import Exists, F, FloatField, OuterRef
from django.db.models.functions import Cast, Extract

from accounts.models import User
from awards.models import Edition, Project
from voting.models import Vote

# A finding is kept when its chance, times the number of groups or windows of its kind
# tested, is below this: by chance alone, one such finding in a million editions.
FLAG_CHANCE_LOG10 = -6.0
# Lockstep: at least this many accounts sharing their choices in this many categories.
LOCKSTEP_MIN_ACCOUNTS = 5
LOCKSTEP_MIN_CATEGORIES = 5
# Rhythm: windows of this many consecutive votes for one nominee (or sign-ups from one
# network), moved by an eighth of their length.
RHYTHM_WINDOWS = (20, 40, 60)
# Concentration: at least this many votes for a nominee from one network (or browser
# family), and this many times what its share of all votes leads to expect.
CONCENTRATION_MIN_VOTES = 10
CONCENTRATION_EXCESS = 3
# What explains a concentration: this share of accounts on the nominee's own domain, or
# older than the voting, or at least this many browser families, none above this share.
OWN_DOMAIN_SHARE = 0.25
OLD_ACCOUNT_SHARE = 0.5
VARIED_BROWSERS = 3
TOP_BROWSER_SHARE = 0.6
# New accounts voting from one network for one nominee: made less than this before their
# vote, within this window.
NEW_ACCOUNT_AGE = timedelta(days=2)
BATCH_WINDOW = timedelta(minutes=10)
# An account that votes this soon after it is made was made for the vote.
NEW_FOR_THE_VOTE = timedelta(hours=1)


@dataclass
class Finding:
    kind: str
    facts: dict
    voter_ids: list[int] = field(default_factory=list)
    vote_ids: list[int] = field(default_factory=list)

    @property
    def chance_log10(self) -> float:
        """How strong it is, to rank the clusters (log10 of the chance, as its facts
        give it; lower is stronger)."""
        return self.facts.get("chance_log10", 0.0)


def _finding(
    kind: str,
    facts: dict,
    population: "Population",
    members: np.ndarray,
    rows: np.ndarray | None = None,
) -> Finding:
    """A finding about the accounts ``members`` and, if given, the votes ``rows``
    (indices into ``population``)."""
    return Finding(
        kind=kind,
        facts=facts,
        voter_ids=sorted(population.voter_id[members].tolist()),
        vote_ids=[] if rows is None else sorted(population.vote_id[rows].tolist()),
    )


@dataclass
class Population:
    """An edition's counted votes and their voters, as arrays."""

    opens_at: float
    # Per vote, sorted by voter then category.
    vote_id: np.ndarray
    voter: np.ndarray  # index into voter_id
    category: np.ndarray  # index into the categories
    nominee: np.ndarray  # index into nominee_id
    cast_at: np.ndarray  # seconds since the epoch
    network: np.ndarray  # index into networks
    networks: list[str]
    # Per voter.
    voter_id: np.ndarray
    joined: np.ndarray
    domain: list[str]
    signup_network: list[str]
    signup_browser: list[str]
    # Per nominee.
    nominee_id: np.ndarray
    nominee_title: list[str]
    nominee_category: np.ndarray
    nominee_domains: list[frozenset[str]]
    categories: int
    # Per voter: on the mail domain of an organisation whose nominee it voted for.
    own_domain: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))

    @cached_property
    def ballot_start(self) -> np.ndarray:
        """Where each voter's votes start in the per-vote arrays (and the end)."""
        return np.searchsorted(self.voter, np.arange(len(self.voter_id) + 1))

    @cached_property
    def first_vote(self) -> np.ndarray:
        """Each voter's first vote's time."""
        first = np.full(len(self.voter_id), np.inf)
        np.minimum.at(first, self.voter, self.cast_at)
        return first


def _seconds(name: str):
    """A time as seconds since the epoch, computed by PostgreSQL (millions of them read
    as numbers take a quarter of the time they take as dates); elsewhere the time."""
    if connection.vendor == "postgresql":
        return Cast(Extract(name, "epoch"), FloatField())
    return F(name)


def _timestamp(moment: float | datetime) -> float:
    return moment if isinstance(moment, float) else moment.timestamp()


def _domain_of_site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


# Mail services open to anyone: an account there says nothing of an organisation.
MAIL_SERVICES = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.net",
        "mail.com",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "126.com",
        "naver.com",
    }
)
# A domain of more than this share of the edition's voters is a mail service too.
COMMON_DOMAIN_SHARE = 0.05


def _common_domains(domains: list[str]) -> frozenset[str]:
    """Mail services, and the domains of more than ``COMMON_DOMAIN_SHARE`` of the
    voters (``_own_domain`` keeps those whose accounts nearly all back its nominee)."""
    counts: dict[str, int] = defaultdict(int)
    for domain in domains:
        counts[domain] += 1
    limit = COMMON_DOMAIN_SHARE * len(domains)
    return MAIL_SERVICES | {domain for domain, count in counts.items() if count > limit}


def population_load(*, edition: Edition) -> Population:
    """The edition's valid votes cast by accounts, and those accounts, in two queries
    (and one for the nominees)."""
    nominees = list(
        Project.objects.filter(edition=edition)
        .order_by("pk")
        .values_list("pk", "title", "category_id", "website", "submitted_by__email")
    )
    nominee_index = {pk: i for i, (pk, *_rest) in enumerate(nominees)}
    category_ids = sorted({row[2] for row in nominees})
    category_index = {pk: i for i, pk in enumerate(category_ids)}

    votes = Vote.objects.filter(
        edition=edition, invalidated_at__isnull=True, voter__isnull=False
    ).order_by()
    voters = list(
        User.objects.filter(Exists(votes.filter(voter=OuterRef("pk"))))
        .order_by("pk")
        .annotate(joined=_seconds("date_joined"))
        .values_list("pk", "joined", "email", "signup_network", "signup_browser")
    )
    voter_index = {row[0]: i for i, row in enumerate(voters)}
    domains = [row[2].rpartition("@")[2].lower() for row in voters]
    common = _common_domains(domains)
    network_index: dict[str, int] = {}
    rows = votes.annotate(at=_seconds("cast_at")).values_list(
        "pk", "voter_id", "nominee_id", "at", "network"
    )
    columns: list[list[np.ndarray]] = [[], [], [], [], []]
    iterator = rows.iterator(chunk_size=20_000)
    while chunk := list(itertools.islice(iterator, 100_000)):
        pk, voter_pk, nominee_pk, at, net = zip(*chunk, strict=True)
        columns[0].append(np.array(pk, dtype=np.int64))
        columns[1].append(np.array([voter_index.get(v, -1) for v in voter_pk], dtype=np.int64))
        columns[2].append(np.array([nominee_index.get(n, -1) for n in nominee_pk], dtype=np.int64))
        columns[3].append(np.array([_timestamp(moment) for moment in at], dtype=np.float64))
        columns[4].append(
            np.array([network_index.setdefault(n, len(network_index)) for n in net], dtype=np.int64)
        )
    vote_id, voter, nominee, cast_at, network = (
        np.concatenate(column) if column else np.empty(0, dtype=np.int64) for column in columns
    )
    # Votes of an account that came after the accounts were read, or for a nominee of
    # another edition, are left out.
    keep = (voter >= 0) & (nominee >= 0)
    vote_id, voter, nominee, cast_at, network = (
        array[keep] for array in (vote_id, voter, nominee, cast_at, network)
    )
    nominee_category = np.array(
        [category_index[row[2]] for row in nominees], dtype=np.int64
    ).reshape(-1)
    category = nominee_category[nominee] if len(nominee) else np.empty(0, dtype=np.int64)
    order = np.lexsort((category, voter))
    population = Population(
        opens_at=edition.voting_opens_at.timestamp(),
        vote_id=vote_id[order],
        voter=voter[order],
        category=category[order],
        nominee=nominee[order],
        cast_at=cast_at[order],
        network=network[order],
        networks=list(network_index),
        voter_id=np.array([row[0] for row in voters], dtype=np.int64),
        joined=np.array([_timestamp(row[1]) for row in voters], dtype=np.float64),
        domain=domains,
        signup_network=[row[3] for row in voters],
        signup_browser=[row[4] for row in voters],
        nominee_id=np.array([row[0] for row in nominees], dtype=np.int64),
        nominee_title=[row[1] for row in nominees],
        nominee_category=nominee_category,
        nominee_domains=[
            frozenset(
                domain
                for domain in (
                    _domain_of_site(row[3]),
                    (row[4] or "").rpartition("@")[2].lower(),
                )
                if domain and domain not in MAIL_SERVICES
            )
            for row in nominees
        ],
        categories=len(category_ids),
    )
    population.own_domain = _own_domain(population, common)
    return population


def _own_domain(population: Population, common: frozenset[str]) -> np.ndarray:
    """Which voters are on the mail domain of a nominee they voted for. A domain most
    voters share (as in a small edition) counts only where nearly all its accounts
    voted for that nominee: an organisation's people back their own project."""
    owners: dict[str, set[int]] = defaultdict(set)
    for nominee, domains in enumerate(population.nominee_domains):
        for domain in domains:
            owners[domain].add(nominee)
    own = np.zeros(len(population.voter_id), dtype=bool)
    candidates = [v for v, domain in enumerate(population.domain) if domain in owners]
    if not candidates:
        return own
    start = population.ballot_start
    backing: dict[tuple[str, int], list[int]] = defaultdict(list)
    accounts: dict[str, int] = defaultdict(int)
    for v in candidates:
        domain = population.domain[v]
        accounts[domain] += 1
        for n in set(population.nominee[start[v] : start[v + 1]].tolist()) & owners[domain]:
            backing[(domain, n)].append(v)
    for (domain, _nominee), voters in backing.items():
        if domain not in common or len(voters) >= 0.8 * accounts[domain]:
            own[voters] = True
    return own


# --- Chances --------------------------------------------------------------------------


def poisson_tail_log10(observed: int, expected: float) -> float:
    """log10 of the chance of at least ``observed`` events where ``expected`` are
    expected (Poisson), bounded above by its first term's ratio series."""
    if observed <= expected:
        return 0.0
    expected = max(expected, 1e-300)
    first = observed * math.log(expected) - expected - math.lgamma(observed + 1)
    # The terms after the first fall by at least expected / (observed + 1) each.
    ratio = expected / (observed + 1)
    return min(0.0, (first - math.log1p(-ratio)) / math.log(10))


def evenness_chance_log10(gaps_squared: np.ndarray, span: np.ndarray, gaps: int) -> np.ndarray:
    """For windows of ``gaps`` gaps between events spread over ``span`` seconds with the
    sum of the squared gaps ``gaps_squared``: log10 of an upper bound of the chance that
    events arriving independently (uniformly over the window, as a Poisson process
    does) are spaced at least as evenly.

    The gaps divided by the span lie uniformly on the simplex; those whose squares sum
    to at most s lie in a ball of radius sqrt(s - 1/n) around its centre, whose volume
    over the simplex's bounds the chance (Greenwood's statistic, bounded exactly)."""
    n = gaps
    dimension = n - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        radius_squared = np.maximum(gaps_squared / np.maximum(span, 1e-9) ** 2 - 1 / n, 1e-300)
    log_volume = (
        dimension / 2 * math.log(math.pi)
        + dimension / 2 * np.log(radius_squared)
        - math.lgamma(dimension / 2 + 1)
        + math.lgamma(n)
        - 0.5 * math.log(n)
    )
    return np.minimum(0.0, log_volume / math.log(10))


def _splitmix(values: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each integer (SplitMix64's finaliser)."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _span_facts(times: np.ndarray) -> dict:
    times = np.sort(times)
    gaps = np.diff(times)
    facts = {
        "first": float(times[0]) if len(times) else 0.0,
        "last": float(times[-1]) if len(times) else 0.0,
    }
    if len(gaps):
        facts["gap_low"] = float(np.percentile(gaps, 10))
        facts["gap_high"] = float(np.percentile(gaps, 90))
    return facts


def _made_for_the_vote(first_vote: np.ndarray, joined: np.ndarray) -> np.ndarray:
    """Which accounts first voted within ``NEW_FOR_THE_VOTE`` of being made."""
    age = first_vote - joined
    return (age >= 0) & (age <= NEW_FOR_THE_VOTE.total_seconds())


def _accounts_facts(population: Population, voters: np.ndarray) -> dict:
    """What a reviewer reads about a group of accounts besides the signal itself."""
    joined = population.joined[voters]
    first_vote = population.first_vote[voters]
    networks = {population.signup_network[v] for v in voters} - {""}
    browsers = [population.signup_browser[v] for v in voters if population.signup_browser[v]]
    top_browser = max((browsers.count(b) for b in set(browsers)), default=0)
    return {
        "accounts": len(voters),
        "new": int(np.sum(_made_for_the_vote(first_vote, joined))),
        "old": int(np.sum(joined < population.opens_at)),
        "signup_networks": len(networks),
        "browsers": len(set(browsers)),
        "top_browser_share": top_browser / len(browsers) if browsers else 0.0,
        **{f"joined_{key}": value for key, value in _span_facts(joined).items()},
    }


# --- Lockstep ballots -----------------------------------------------------------------


def lockstep_ballots(population: Population) -> list[Finding]:
    """Groups of accounts whose ballots agree, in all their categories or all but one,
    far beyond what each category's vote shares allow."""
    votes, voters = len(population.vote_id), len(population.voter_id)
    if votes == 0:
        return []
    size = np.bincount(population.voter, minlength=voters)
    salt = _splitmix(population.nominee_id)[population.nominee]
    ballot = np.zeros(voters, dtype=np.uint64)
    np.add.at(ballot, population.voter, salt)
    # A ballot's key, and its key without each of its votes in turn.
    whole = np.flatnonzero(size >= LOCKSTEP_MIN_CATEGORIES)
    partial = np.flatnonzero(size[population.voter] > LOCKSTEP_MIN_CATEGORIES)
    with np.errstate(over="ignore"):
        keys = np.concatenate([ballot[whole], ballot[population.voter[partial]] - salt[partial]])
    owner = np.concatenate([whole, population.voter[partial]])
    left_out = np.concatenate([np.full(len(whole), -1), partial])
    order = np.argsort(keys, kind="stable")
    keys, owner, left_out = keys[order], owner[order], left_out[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    groups = [(s, e) for s, e in zip(starts, ends, strict=True) if e - s >= LOCKSTEP_MIN_ACCOUNTS]
    if not groups:
        return []

    votes_for = np.bincount(population.nominee, minlength=len(population.nominee_id))
    voters_in = np.bincount(population.category, minlength=population.categories)
    voters_with = np.cumsum(np.bincount(size, minlength=population.categories + 2)[::-1])[::-1]
    start = population.ballot_start
    tests_log10 = math.log10(len(groups))
    found: list[tuple[float, np.ndarray, dict]] = []
    for s, e in groups:
        members = np.unique(owner[s:e])
        if len(members) < LOCKSTEP_MIN_ACCOUNTS:
            continue
        first = owner[s]
        choices = np.arange(start[first], start[first + 1])
        if left_out[s] >= 0:
            choices = choices[choices != left_out[s]]
        n = len(members)
        nominees, categories = population.nominee[choices], population.category[choices]
        # Each choice's share among the others' votes: the group does not vouch for itself.
        shares = np.maximum(votes_for[nominees] - n, 0.5) / np.maximum(voters_in[categories] - n, 1)
        expected = voters_with[len(choices)] * float(np.prod(shares))
        chance = poisson_tail_log10(n, expected)
        if chance + tests_log10 >= FLAG_CHANCE_LOG10:
            continue
        found.append(
            (
                chance,
                members,
                {"categories": len(choices), "of": int(size[members].max())},
            )
        )
    return _lockstep_merged(population, found)


def _mostly_shared(some: Iterable[int], others: Iterable[int]) -> bool:
    """Whether two groups of accounts are mostly the same: half of the smaller one is in
    the other."""
    some, others = set(some), set(others)
    return len(some & others) >= 0.5 * min(len(some), len(others))


def groups_sharing_members(members: Sequence[Iterable[int]]) -> list[list[int]]:
    """The indices of ``members`` in groups: two lists that name a common member are in
    one group, and so on through the lists they share members with (union-find)."""
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[int, int] = {}
    for i, names in enumerate(members):
        for member in names:
            if member in seen:
                parent[root(i)] = root(seen[member])
            else:
                seen[member] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(members)):
        groups[root(i)].append(i)
    return list(groups.values())


def _lockstep_merged(
    population: Population, found: list[tuple[float, np.ndarray, dict]]
) -> list[Finding]:
    """Lockstep groups that share accounts, as one finding: the strongest one's facts,
    all the accounts."""
    findings = []
    for indices in groups_sharing_members([members.tolist() for _c, members, _f in found]):
        strongest = min(indices, key=lambda i: found[i][0])
        chance, _members, facts = found[strongest]
        # Each account agrees with others in at least this many categories.
        best: dict[int, int] = {}
        for i in indices:
            for member in found[i][1].tolist():
                best[member] = max(best.get(member, 0), found[i][2]["categories"])
        members = np.unique(np.concatenate([found[i][1] for i in indices]))
        casts = population.cast_at[np.isin(population.voter, members)]
        facts = {
            **facts,
            "categories": min(best.values()),
            **_accounts_facts(population, members),
            **{f"votes_{key}": value for key, value in _span_facts(casts).items()},
            "chance_log10": chance,
        }
        findings.append(_finding("lockstep_ballots", facts, population, members))
    return findings


# --- Rhythm ---------------------------------------------------------------------------


def _even_windows(times: np.ndarray, group: np.ndarray) -> list[tuple[int, int, float]]:
    """In events sorted by group then time, the runs of windows spaced more evenly than
    independent arrivals allow: (first index, last index + 1, log10 chance) each.

    Windows of each size start every eighth of it; the chance of a window is counted
    against the number of windows tested, as if they did not overlap (a scan over
    overlapping windows finds about as much as one over windows side by side)."""
    flagged: list[tuple[int, int, float]] = []
    gaps = np.diff(times)
    for size in RHYTHM_WINDOWS:
        if len(times) < size:
            continue
        starts = np.arange(0, len(times) - size + 1, max(1, size // 8))
        ends = starts + size - 1
        same = group[starts] == group[ends]
        starts, ends = starts[same], ends[same]
        if not len(starts):
            continue
        # Each window's gaps, summed directly (a running sum over the whole edition
        # would lose the seconds of a window to the years between groups).
        window_gaps = gaps[starts[:, None] + np.arange(size - 1)]
        span = window_gaps.sum(axis=1)
        chance = evenness_chance_log10((window_gaps**2).sum(axis=1), span, size - 1)
        tests_log10 = math.log10(max(1, len(starts) // 8) * len(RHYTHM_WINDOWS))
        hit = (chance + tests_log10 < FLAG_CHANCE_LOG10) & (span > 0)
        flagged += [
            (int(s), int(e) + 1, float(c))
            for s, e, c in zip(starts[hit], ends[hit], chance[hit], strict=True)
        ]
    # Overlapping windows of one group as one run.
    flagged.sort()
    runs: list[tuple[int, int, float]] = []
    for s, e, c in flagged:
        if runs and s < runs[-1][1] and group[s] == group[runs[-1][0]]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], e), min(runs[-1][2], c))
        else:
            runs.append((s, e, c))
    return [_extended(times, group, *run) for run in runs]


def _extended(
    times: np.ndarray, group: np.ndarray, s: int, e: int, chance: float
) -> tuple[int, int, float]:
    """A run of even windows, with the events just before and after it that keep its
    rhythm (windows start every few events: the first and last of a run may lie
    outside them)."""
    rhythm = float(np.median(np.diff(times[s:e])))
    reach = max(RHYTHM_WINDOWS) // 2
    for _ in range(reach):
        if s > 0 and group[s - 1] == group[s] and times[s] - times[s - 1] <= 2 * rhythm:
            s -= 1
        else:
            break
    for _ in range(reach):
        if e < len(times) and group[e] == group[e - 1] and times[e] - times[e - 1] <= 2 * rhythm:
            e += 1
        else:
            break
    return s, e, chance


def vote_rhythm(population: Population) -> list[Finding]:
    """A nominee's votes arriving at a steady rhythm over a stretch of time."""
    # Every vote, and the votes of accounts made for the vote that voted in at least
    # half the categories: how soon an account votes after it is made, and how many
    # categories it votes in, say nothing of when it votes, so the second stream is
    # as irregular as the first for people, with fewer of them mixed into a script's.
    made_for_it = _made_for_the_vote(population.first_vote, population.joined)
    size = np.bincount(population.voter, minlength=len(population.voter_id))
    selected = made_for_it & (2 * size >= population.categories)
    runs = []
    for rows in (np.arange(len(population.vote_id)), np.flatnonzero(selected[population.voter])):
        order = rows[np.lexsort((population.cast_at[rows], population.nominee[rows]))]
        times, nominee = population.cast_at[order], population.nominee[order]
        runs += [
            (chance, np.unique(population.voter[order[s:e]]), int(nominee[s]), times[s:e])
            for s, e, chance in _even_windows(times, nominee)
        ]
    # The same accounts keeping a rhythm for several nominees (a ballot's worth, one
    # after the other) are one finding: the strongest nominee's, naming the others.
    runs.sort(key=lambda run: run[0])
    kept: list[list] = []
    for run in runs:
        for group in kept:
            if _mostly_shared(group[1].tolist(), run[1].tolist()):
                group[1] = np.union1d(group[1], run[1])
                group[4].append(run[2])
                group[5].append(run[1])
                break
        else:
            kept.append([run[0], run[1], run[2], run[3], [], [run[1]]])
    found = []
    for chance, members, headline, run_times, others, each in kept:
        if len(each) > 1:
            # Several nominees' rhythms: the accounts that kept more than one of them
            # (people who voted for one of those nominees meanwhile kept only theirs).
            counts = np.bincount(np.concatenate(each), minlength=len(population.voter_id))
            members = members[counts[members] >= 2]
        facts = {
            "nominee": population.nominee_title[headline],
            "other_nominees": len(set(others) - {headline}),
            **_accounts_facts(population, members),
            **{f"votes_{key}": value for key, value in _span_facts(run_times).items()},
            "chance_log10": chance,
        }
        found.append(_finding("vote_rhythm", facts, population, members))
    return found


def signup_rhythm(population: Population) -> list[Finding]:
    """Accounts made from one network at a steady rhythm."""
    networks = population.signup_network
    known = np.array([bool(network) for network in networks], dtype=bool)
    index = {network: i for i, network in enumerate(sorted(set(networks) - {""}))}
    group = np.array([index.get(network, -1) for network in networks], dtype=np.int64)
    candidates = np.flatnonzero(known)
    order = candidates[np.lexsort((population.joined[candidates], group[candidates]))]
    found = []
    for s, e, chance in _even_windows(population.joined[order], group[order]):
        members = order[s:e]
        facts = {
            "network": networks[int(members[0])],
            **_accounts_facts(population, members),
            "chance_log10": chance,
        }
        found.append(_finding("signup_rhythm", facts, population, members))
    return found


# --- Concentration --------------------------------------------------------------------


def _thins_out(times: np.ndarray) -> bool:
    """Whether arrivals come in a rush that thins out (more uneven than independent
    arrivals at a steady rate): the first half of the stretch holds most of them."""
    if len(times) < 4:
        return False
    times = np.sort(times)
    middle = (times[0] + times[-1]) / 2
    return bool(np.sum(times <= middle) >= 0.65 * len(times))


def concentration(population: Population) -> list[Finding]:
    """A nominee's votes from one network, or from accounts made in one browser family,
    far beyond that network's or family's share of all votes, where what honest
    campaigns have does not explain it."""
    if not len(population.vote_id):
        return []
    browsers = sorted(set(population.signup_browser) - {""})
    index = {browser: i for i, browser in enumerate(browsers)}
    browser_of = np.array(
        [index.get(browser, -1) for browser in population.signup_browser], dtype=np.int64
    )
    return [
        *_concentrated(population, "network", population.network, population.networks),
        *_concentrated(population, "browser", browser_of[population.voter], browsers),
    ]


def _concentrated(
    population: Population, source: str, of_vote: np.ndarray, names: list[str]
) -> list[Finding]:
    """``concentration`` for one kind of source: ``of_vote`` gives each vote's (an index
    into ``names``, or -1 where it is not known)."""
    known = np.flatnonzero(of_vote >= 0)
    if not len(known) or not names:
        return []
    sources = len(names)
    pair = population.nominee[known] * sources + of_vote[known]
    pairs, counts = np.unique(pair, return_counts=True)
    candidates = counts >= CONCENTRATION_MIN_VOTES
    pairs, counts = pairs[candidates], counts[candidates]
    if not len(pairs):
        return []
    share = np.bincount(of_vote[known], minlength=sources) / len(known)
    votes_for = np.bincount(population.nominee[known], minlength=len(population.nominee_id))
    tests_log10 = math.log10(len(pairs))
    order = np.argsort(pair, kind="stable")
    sorted_pairs = pair[order]
    findings = []
    for key, observed in zip(pairs.tolist(), counts.tolist(), strict=True):
        nominee, where = divmod(key, sources)
        # What the nominee's votes from elsewhere lead to expect from this source.
        others = votes_for[nominee] - observed
        expected = others * share[where] / max(1 - share[where], 1e-9)
        chance = poisson_tail_log10(observed, expected)
        # Beyond chance, and mostly beyond what is expected: of the votes a finding
        # names, at most a third may be what the source's share would bring anyway.
        if chance + tests_log10 >= FLAG_CHANCE_LOG10 or observed < CONCENTRATION_EXCESS * expected:
            continue
        rows = known[
            order[np.searchsorted(sorted_pairs, key) : np.searchsorted(sorted_pairs, key + 1)]
        ]
        members = np.unique(population.voter[rows])
        facts = _accounts_facts(population, members)
        facts.update(
            {
                "nominee": population.nominee_title[nominee],
                source: names[where],
                "votes": observed,
                "expected": expected,
                "own_domain": int(population.own_domain[members].sum()),
                "thins_out": _thins_out(population.cast_at[rows]),
                "chance_log10": chance,
                **{f"votes_{k}": v for k, v in _span_facts(population.cast_at[rows]).items()},
            }
        )
        # Accounts of one browser family are not varied by definition: a rush that
        # thins out is what explains them, as for a community that uses one browser.
        if _explained(facts) or (source == "browser" and facts["thins_out"]):
            continue
        findings.append(_finding("concentration", facts, population, members, rows))
    return _merged_by_source(findings, count="votes", source=source)


def _merged_by_source(findings: list[Finding], *, count: str, source: str) -> list[Finding]:
    """Findings of one network (or browser family: ``source``) about mostly the same
    accounts (their votes for several nominees) as one: the strongest one's nominee,
    the others counted; ``count`` names the fact that counts what it concerns, which
    then counts them all."""
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: f.chance_log10):
        for other in kept:
            if other.facts[source] == finding.facts[source] and _mostly_shared(
                other.voter_ids, finding.voter_ids
            ):
                other.voter_ids = sorted(set(other.voter_ids) | set(finding.voter_ids))
                other.vote_ids = sorted(set(other.vote_ids) | set(finding.vote_ids))
                other.facts["other_nominees"] = other.facts.get("other_nominees", 0) + 1
                break
        else:
            kept.append(finding)
    for finding in kept:
        finding.facts["accounts"] = len(finding.voter_ids)
        finding.facts[count] = len(finding.vote_ids if count == "votes" else finding.voter_ids)
    return kept


def _explained(facts: dict) -> bool:
    """Whether what honest campaigns have explains a concentration: the nominee's own
    people, accounts older than the voting, or a varied crowd that came in a rush."""
    accounts = max(facts["accounts"], 1)
    return (
        facts["own_domain"] / accounts >= OWN_DOMAIN_SHARE
        or facts["old"] / accounts >= OLD_ACCOUNT_SHARE
        or (
            facts["browsers"] >= VARIED_BROWSERS
            and facts["top_browser_share"] <= TOP_BROWSER_SHARE
            and facts["thins_out"]
        )
    )


# --- New accounts from one network, within minutes --------------------------------------


def new_accounts_one_network(population: Population) -> list[Finding]:
    """Accounts made shortly before, voting for one nominee from one network within
    ``BATCH_WINDOW``, beyond what that network's share of the nominee's votes of those
    minutes allows, where what honest campaigns have does not explain it."""
    if not len(population.vote_id):
        return []
    age = population.cast_at - population.joined[population.voter]
    networks = np.array([bool(name) for name in population.networks], dtype=bool)
    new = (age >= 0) & (age < NEW_ACCOUNT_AGE.total_seconds()) & networks[population.network]
    rows = np.flatnonzero(new)
    if len(rows) < LOCKSTEP_MIN_ACCOUNTS:
        return []
    window = BATCH_WINDOW.total_seconds()
    relative = population.cast_at - population.opens_at
    offset = float(max(relative.max() - relative.min(), 0) + 2 * window)
    base = relative - relative.min()
    # Sorted by nominee and network, then time: the votes of each pair within a window.
    group = population.nominee[rows] * len(population.networks) + population.network[rows]
    order = rows[np.lexsort((base[rows], group))]
    group = population.nominee[order] * len(population.networks) + population.network[order]
    key = group * offset + base[order]
    reach = np.searchsorted(key, key + window, side="right") - np.arange(len(order))
    # All the nominee's votes, to count those of the same minutes from every network.
    every = np.lexsort((base, population.nominee))
    every_key = population.nominee[every] * offset + base[every]
    share = np.bincount(population.network, minlength=len(population.networks)) / len(base)
    best: dict[int, int] = {}
    for i in np.flatnonzero(reach >= LOCKSTEP_MIN_ACCOUNTS).tolist():
        g = int(group[i])
        if g not in best or reach[i] > reach[best[g]]:
            best[g] = i
    if not best:
        return []
    tests_log10 = math.log10(len(best))
    network_own = _network_own_share(population)
    findings = []
    for g, i in best.items():
        chosen = order[i : i + int(reach[i])]
        members = np.unique(population.voter[chosen])
        if len(members) < LOCKSTEP_MIN_ACCOUNTS:
            continue
        nominee, network = divmod(g, len(population.networks))
        start = nominee * offset + base[chosen[0]]
        end = nominee * offset + base[chosen[-1]]
        around = int(
            np.searchsorted(every_key, end, side="right") - np.searchsorted(every_key, start)
        )
        others = around - len(chosen)
        expected = others * share[network] / max(1 - share[network], 1e-9)
        chance = poisson_tail_log10(len(chosen), expected)
        if chance + tests_log10 >= FLAG_CHANCE_LOG10:
            continue
        times = population.cast_at[chosen]
        facts = _accounts_facts(population, members)
        facts.update(
            count=len(chosen),
            network=population.networks[network],
            nominee=population.nominee_title[nominee],
            days=NEW_ACCOUNT_AGE.days,
            minutes=float((times.max() - times.min()) / 60),
            # People of a nominee's organisation behind the same network (a campus, an
            # office) vouch for their colleagues' rush as much as for their own.
            own_domain=max(
                int(population.own_domain[members].sum()),
                round(network_own[network] * len(members)),
            ),
            thins_out=False,
            chance_log10=chance,
        )
        if _explained(facts):
            continue
        findings.append(_finding("new_accounts_one_network", facts, population, members, chosen))
    return _merged_by_source(findings, count="count", source="network")


def _network_own_share(population: Population) -> np.ndarray:
    """For each network, the share of the accounts voting from it that are on the mail
    domain of a nominee they voted for."""
    pairs = np.unique(population.network * len(population.voter_id) + population.voter)
    network, voter = np.divmod(pairs, len(population.voter_id))
    size = len(population.networks)
    accounts = np.bincount(network, minlength=size)
    own = np.bincount(network, weights=population.own_domain[voter], minlength=size)
    return own / np.maximum(accounts, 1)


def behaviour_findings(*, edition: Edition) -> list[Finding]:
    population = population_load(edition=edition)
    return [
        *new_accounts_one_network(population),
        *lockstep_ballots(population),
        *vote_rhythm(population),
        *signup_rhythm(population),
        *concentration(population),
    ]
