"""Signals of suspicious voting, for the secretariat to review (never acted on
automatically): each flag carries its evidence and the votes or accounts it concerns.

- many new accounts from one network voting for the same nominee within minutes;
- several accounts whose e-mails are variants of one mailbox (plus-addressing, dots);
- bursts of votes faster than a person clicks.

Computing them reads every vote of the edition, which takes seconds at millions of
votes: ``signals_compute`` stores them (``StoredSignal``) and the page reads those. A
beat task computes them again while votes come in, and after each decision.

Beside them, the accounts the secretariat flagged itself, and the signals it dismissed
(``signals_review``): a dismissal holds for the signal's kind and accounts.
"""

import hashlib
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, QuerySet
from django.db.models.expressions import Window
from django.db.models.functions import Lag
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from awards.models import Edition, ExclusionReason
from voting.behaviour import behaviour_findings, groups_sharing_members
from voting.models import (
    AccountFlag,
    SignalComputation,
    SignalDismissal,
    StoredSignal,
    Vote,
    VoteAction,
    VoteEvent,
)

BURST_VOTES = 5
BURST_WITHIN = timedelta(seconds=3)
# Providers that ignore dots in the local part of an address.
DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
SECRETARIAT_FLAG = "flagged_by_secretariat"

# Each kind of signal, as the fraud page and the public exclusion report name it.
SIGNAL_KINDS = {
    "lockstep_ballots": _("Ballots in lockstep"),
    "signup_rhythm": _("Accounts made in a batch or at a rhythm"),
    "vote_rhythm": _("Votes at a steady rhythm"),
    "concentration": _("A nominee's votes from one source"),
    "new_accounts_one_network": _("New accounts from one network"),
    "mailbox_variants": _("One mailbox, several accounts"),
    "burst": _("Faster than a person"),
    SECRETARIAT_FLAG: _("Flagged by the secretariat"),
}


def signal_kind_label(kind: str) -> str:
    """What the pages and the public exclusion report call a kind of fraud signal; no
    kind (an invalidation that came from no signal) is any other review."""
    if not kind:
        return gettext("Other review by the secretariat")
    return str(SIGNAL_KINDS.get(kind, ExclusionReason.INVALIDATED.label))


@dataclass
class Flag:
    kind: str
    title: str
    evidence: str
    vote_ids: list[int] = field(default_factory=list)
    voter_ids: list[int] = field(default_factory=list)
    # What the title and the evidence are written from, to write them again in the
    # reader's language (``flag_describe``).
    facts: dict = field(default_factory=dict)

    @property
    def chance_log10(self) -> float:
        """How strong the evidence is (log10 of its chance; lower is stronger; 0 for
        signals without a chance)."""
        return self.facts.get("chance_log10", 0.0)


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


# Below this a chance says no more to a reviewer: "below 10⁻³⁰" holds for the smaller.
CHANCE_FLOOR_LOG10 = -30


def chance_text(log10: float) -> str:
    """A chance as a power of ten a little above it: "10⁻¹²" for 3·10⁻¹³."""
    return "10" + str(max(math.ceil(log10), CHANCE_FLOOR_LOG10)).translate(SUPERSCRIPT)


def duration_text(seconds: float) -> str:
    if seconds < 90:
        n = round(seconds)
        return ngettext("%(n)d second", "%(n)d seconds", n) % {"n": n}
    if seconds < 90 * 60:
        n = round(seconds / 60)
        return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}
    n = round(seconds / 3600)
    return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}


def _moment(seconds: float) -> str:
    at = datetime.fromtimestamp(seconds, tz=timezone.get_current_timezone())
    return date_format(at, "SHORT_DATETIME_FORMAT")


def _accounts_text(facts: dict) -> str:
    """What the evidence of a behaviour signal says of its accounts."""
    return gettext(
        "Accounts made between %(first)s and %(last)s: %(new)d of them within the hour "
        "before voting, %(old)d before voting opened. Networks they signed up from: "
        "%(networks)d; browser families: %(browsers)d."
    ) % {
        "first": _moment(facts["joined_first"]),
        "last": _moment(facts["joined_last"]),
        "new": facts["new"],
        "old": facts["old"],
        "networks": facts["signup_networks"],
        "browsers": facts["browsers"],
    }


def _context_text(facts: dict) -> str:
    """What honest campaigns have, and how little of it these accounts have."""
    return gettext(
        "Not explained by an honest campaign: %(own)d of %(count)d accounts on the mail "
        "domain of a nominee they voted for, %(old)d made before voting opened; browser "
        "families: %(browsers)d."
    ) % {
        "own": facts["own_domain"],
        "count": facts["accounts"],
        "old": facts["old"],
        "browsers": facts["browsers"],
    }


def _gaps_text(facts: dict, prefix: str) -> dict:
    return {
        "low": duration_text(facts.get(f"{prefix}_gap_low", 0)),
        "high": duration_text(facts.get(f"{prefix}_gap_high", 0)),
        # Each gap one number: every gap rounds to it.
        "gap": duration_text(facts.get(f"{prefix}_gap_high", 0)),
        "first": _moment(facts[f"{prefix}_first"]),
        "last": _moment(facts[f"{prefix}_last"]),
        "chance": chance_text(facts["chance_log10"]),
    }


def _one_gap(facts: dict, prefix: str) -> bool:
    """Whether the gaps between events all read as one duration."""
    texts = _gaps_text(facts, prefix)
    return texts["low"] == texts["high"]


def _share_evidence(sentence: str, facts: dict) -> str:
    """A concentration's evidence: ``sentence`` with the votes its source's share leads to
    expect and the chance of as many, then the context of those votes."""
    expected = {
        "expected": number_format(facts["expected"], 1),
        "chance": chance_text(facts["chance_log10"]),
    }
    return " ".join([sentence % expected, _context_text(facts)])


def flag_describe(kind: str, facts: dict) -> tuple[str, str]:
    """The title and the evidence of a computed signal, in the active language."""
    if kind == "lockstep_ballots":
        return (
            ngettext(
                "%(count)d account chose the same nominees in %(categories)d of %(of)d categories",
                "%(count)d accounts chose the same nominees in %(categories)d of %(of)d categories",
                facts["accounts"],
            )
            % {"count": facts["accounts"], "categories": facts["categories"], "of": facts["of"]},
            " ".join(
                [
                    gettext(
                        "The chance that independent voters agree so, given each category's "
                        "vote shares, is below %(chance)s. Votes cast between %(first)s and "
                        "%(last)s."
                    )
                    % _gaps_text(facts, "votes"),
                    _accounts_text(facts),
                ]
            ),
        )
    if kind == "vote_rhythm":
        others = facts.get("other_nominees", 0)
        return (
            ngettext(
                "%(count)d account voted for “%(nominee)s” at a steady rhythm",
                "%(count)d accounts voted for “%(nominee)s” at a steady rhythm",
                facts["accounts"],
            )
            % {"count": facts["accounts"], "nominee": facts["nominee"]},
            " ".join(
                [
                    (
                        gettext(
                            "Votes about %(gap)s apart between %(first)s and %(last)s, more "
                            "evenly spaced than people's: the chance is below %(chance)s."
                        )
                        if _one_gap(facts, "votes")
                        else gettext(
                            "Votes %(low)s to %(high)s apart between %(first)s and %(last)s, "
                            "more evenly spaced than people's: the chance is below %(chance)s."
                        )
                    )
                    % _gaps_text(facts, "votes"),
                    *(
                        [
                            ngettext(
                                "The same accounts kept the rhythm for %(count)d other nominee.",
                                "The same accounts kept the rhythm for %(count)d other nominees.",
                                others,
                            )
                            % {"count": others}
                        ]
                        if others
                        else []
                    ),
                    _accounts_text(facts),
                ]
            ),
        )
    if kind == "signup_rhythm":
        return (
            ngettext(
                "%(count)d account made from %(network)s at a steady rhythm",
                "%(count)d accounts made from %(network)s at a steady rhythm",
                facts["accounts"],
            )
            % {"count": facts["accounts"], "network": facts["network"]},
            " ".join(
                [
                    (
                        gettext(
                            "Made about %(gap)s apart between %(first)s and %(last)s, more "
                            "evenly spaced than people sign up: the chance is below %(chance)s."
                        )
                        if _one_gap(facts, "joined")
                        else gettext(
                            "Made %(low)s to %(high)s apart between %(first)s and %(last)s, "
                            "more evenly spaced than people sign up: the chance is below "
                            "%(chance)s."
                        )
                    )
                    % _gaps_text(facts, "joined"),
                    _accounts_text(facts),
                ]
            ),
        )
    if kind == "concentration" and "browser" in facts:
        others = facts.get("other_nominees", 0)
        title = (
            ngettext(
                "%(count)d vote for “%(nominee)s” and other nominees from accounts made in "
                "%(browser)s",
                "%(count)d votes for “%(nominee)s” and other nominees from accounts made in "
                "%(browser)s",
                facts["votes"],
            )
            if others
            else ngettext(
                "%(count)d vote for “%(nominee)s” from accounts made in %(browser)s",
                "%(count)d votes for “%(nominee)s” from accounts made in %(browser)s",
                facts["votes"],
            )
        )
        return (
            title
            % {"count": facts["votes"], "nominee": facts["nominee"], "browser": facts["browser"]},
            _share_evidence(
                gettext(
                    "This browser family's share of all votes leads to expect "
                    "%(expected)s: the chance of as many is below %(chance)s."
                ),
                facts,
            ),
        )
    if kind == "concentration":
        others = facts.get("other_nominees", 0)
        title = (
            ngettext(
                "%(count)d vote for “%(nominee)s” and other nominees from %(network)s",
                "%(count)d votes for “%(nominee)s” and other nominees from %(network)s",
                facts["votes"],
            )
            if others
            else ngettext(
                "%(count)d vote for “%(nominee)s” from %(network)s",
                "%(count)d votes for “%(nominee)s” from %(network)s",
                facts["votes"],
            )
        )
        return (
            title
            % {"count": facts["votes"], "nominee": facts["nominee"], "network": facts["network"]},
            _share_evidence(
                gettext(
                    "This network's share of all votes leads to expect %(expected)s: "
                    "the chance of as many is below %(chance)s."
                ),
                facts,
            ),
        )
    if kind == "new_accounts_one_network":
        evidence = ngettext(
            "Accounts less than %(days)d days old, all within %(minutes)s minute.",
            "Accounts less than %(days)d days old, all within %(minutes)s minutes.",
            round(facts["minutes"]),
        ) % {"days": facts["days"], "minutes": f"{facts['minutes']:.0f}"}
        if "chance_log10" in facts:
            evidence += " " + (
                gettext(
                    "The network's share of the nominee's votes in those minutes makes the "
                    "chance of as many below %(chance)s."
                )
                % {"chance": chance_text(facts["chance_log10"])}
            )
            evidence += " " + _context_text(facts)
        if facts.get("other_nominees"):
            evidence += " " + (
                ngettext(
                    "They voted together for %(count)d other nominee too.",
                    "They voted together for %(count)d other nominees too.",
                    facts["other_nominees"],
                )
                % {"count": facts["other_nominees"]}
            )
        return (
            gettext("%(count)d new accounts from %(network)s voted for “%(nominee)s”")
            % {"count": facts["count"], "network": facts["network"], "nominee": facts["nominee"]},
            evidence,
        )
    if kind == "mailbox_variants":
        return (
            gettext("%(count)d accounts share the mailbox %(mailbox)s")
            % {"count": facts["count"], "mailbox": facts["mailbox"]},
            gettext("Addresses: %(addresses)s") % {"addresses": ", ".join(facts["addresses"])},
        )
    if kind == "burst":
        return (
            gettext("%(email)s voted faster than a person clicks") % {"email": facts["email"]},
            ngettext(
                "%(votes)d votes within %(seconds)d seconds, %(count)d time.",
                "%(votes)d votes within %(seconds)d seconds, %(count)d times.",
                facts["count"],
            )
            % {"votes": facts["votes"], "seconds": facts["seconds"], "count": facts["count"]},
        )
    return kind.replace("_", " ").capitalize(), ""


def _flag(kind: str, facts: dict, **concerned: list[int]) -> Flag:
    title, evidence = flag_describe(kind, facts)
    return Flag(kind=kind, title=title, evidence=evidence, facts=facts, **concerned)


def mailbox_of(email: str) -> str:
    """The mailbox an address delivers to: without +tags, and without dots where the
    provider ignores them."""
    local, _, domain = email.lower().strip().partition("@")
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def _mailbox_variants(edition: Edition) -> list[Flag]:
    voters = (
        Vote.objects.filter(edition=edition, voter__isnull=False)
        .values_list("voter_id", "voter__email")
        .distinct()
    )
    by_mailbox: dict[str, dict[int, str]] = defaultdict(dict)
    for voter_id, email in voters:
        by_mailbox[mailbox_of(email)][voter_id] = email
    return [
        _flag(
            "mailbox_variants",
            {"count": len(accounts), "mailbox": mailbox, "addresses": sorted(accounts.values())},
            voter_ids=sorted(accounts),
        )
        for mailbox, accounts in sorted(by_mailbox.items())
        if len(accounts) > 1
    ]


def _bursts(edition: Edition) -> list[Flag]:
    # For each vote, the time of the vote BURST_VOTES - 1 before it by the same voter:
    # if that is less than BURST_WITHIN ago, the voter clicked faster than a person.
    events = (
        VoteEvent.objects.filter(
            edition=edition,
            voter__isnull=False,
            action__in=[VoteAction.CAST, VoteAction.CHANGED],
        )
        .annotate(
            earlier=Window(
                Lag("at", offset=BURST_VOTES - 1),
                partition_by=[F("voter_id")],
                order_by=[F("at").asc(), F("pk").asc()],
            )
        )
        .filter(earlier__gt=F("at") - BURST_WITHIN)
        .values_list("voter_id", "voter__email", "at")
    )
    fastest: dict[int, tuple[str, int]] = {}
    for voter_id, email, _at in events:
        count = fastest.get(voter_id, (email, 0))[1] + 1
        fastest[voter_id] = (email, count)
    return [
        _flag(
            "burst",
            {
                "email": email,
                "votes": BURST_VOTES,
                "seconds": BURST_WITHIN.seconds,
                "count": count,
            },
            voter_ids=[voter_id],
        )
        for voter_id, (email, count) in sorted(fastest.items())
    ]


def fraud_flags(*, edition: Edition) -> list[Flag]:
    """The edition's signals, grouped into clusters of the accounts they share and
    ranked: the cluster with the strongest evidence first, then the larger."""
    flags = [
        _flag(finding.kind, finding.facts, vote_ids=finding.vote_ids, voter_ids=finding.voter_ids)
        for finding in behaviour_findings(edition=edition)
    ]
    flags += [*_mailbox_variants(edition), *_bursts(edition)]
    return _ranked(flags)


def _ranked(flags: list[Flag]) -> list[Flag]:
    """The flags in clusters (flags that name a common account are one cluster), the
    strongest cluster first; each flag's facts say its cluster, its rank and size."""
    clusters = []
    for members in groups_sharing_members([flag.voter_ids for flag in flags]):
        accounts = len({v for i in members for v in flags[i].voter_ids})
        chance = min(flags[i].chance_log10 for i in members)
        strength = (chance, -len(members), -accounts, min(members))  # unique: min(members)
        clusters.append((strength, members, accounts))
    out = []
    for rank, (_strength, members, accounts) in enumerate(sorted(clusters), start=1):
        for i in sorted(members, key=lambda i: flags[i].chance_log10):
            flag = flags[i]
            flag.facts = {
                **flag.facts,
                "cluster": rank,
                "cluster_signals": len(members),
                "cluster_accounts": accounts,
            }
            out.append(flag)
    return out


def signal_accounts_key(flag: Flag) -> str:
    """What a decision about a signal holds for, with its kind: the accounts it names
    (hashed, to fit an index whatever their number)."""
    accounts = ",".join(map(str, sorted(set(flag.voter_ids))))
    return hashlib.sha256(accounts.encode()).hexdigest()


def _secretariat_flags(edition: Edition) -> list[Flag]:
    flagged = (
        AccountFlag.objects.filter(edition=edition)
        .order_by("at", "pk")
        .values_list("voter_id", "voter__email", "reason")
    )
    return [
        Flag(
            kind=SECRETARIAT_FLAG,
            title=str(_("%(email)s, flagged by the secretariat") % {"email": email}),
            evidence=reason,
            voter_ids=[voter_id],
        )
        for voter_id, email, reason in flagged
    ]


@dataclass(frozen=True)
class SignalReview:
    """The signals still to review (computed ones and the accounts the secretariat
    flagged), and those dismissed, each with its dismissal."""

    open: list[Flag]
    dismissed: list[tuple[Flag, SignalDismissal]]


def _reviewed(edition: Edition, flags: list[Flag], kinds: set[str] | None = None) -> SignalReview:
    """``flags`` split into those still to review and those dismissed, with their
    dismissal (one query; ``kinds``: the only kinds of dismissal to read, if known)."""
    dismissals = SignalDismissal.objects.filter(edition=edition).select_related("by")
    if kinds is not None:
        dismissals = dismissals.filter(kind__in=kinds)
    by_key = {(dismissal.kind, dismissal.accounts_key): dismissal for dismissal in dismissals}
    open_flags, dismissed = [], []
    for flag in flags:
        dismissal = by_key.get((flag.kind, signal_accounts_key(flag)))
        if dismissal is None:
            open_flags.append(flag)
        else:
            dismissed.append((flag, dismissal))
    return SignalReview(open=open_flags, dismissed=dismissed)


def signals_review(*, edition: Edition) -> SignalReview:
    """The signals computed now from the votes, and the accounts the secretariat
    flagged, open and dismissed."""
    return _reviewed(edition, [*fraud_flags(edition=edition), *_secretariat_flags(edition)])


def flag_key(flag: Flag) -> str:
    """A name for the flag that changes whenever what it concerns changes: a form posted
    for it acts only on what the secretariat saw."""
    concerned = (
        ",".join(map(str, sorted(flag.vote_ids))) + ";" + ",".join(map(str, sorted(flag.voter_ids)))
    )
    digest = hashlib.sha256(f"{flag.kind}:{concerned}".encode()).hexdigest()[:12]
    return f"{flag.kind.replace('_', '-')}-{digest}"


def _latest_event(edition: Edition) -> datetime | None:
    # One step down the (edition, at) index.
    return VoteEvent.objects.filter(edition=edition).aggregate(latest=Max("at"))["latest"]


def signals_compute(*, edition: Edition, at: datetime | None = None) -> SignalComputation:
    """Compute the edition's signals from its votes (``fraud_flags``) and store them in
    place of the last ones, in one transaction: the page shows either set, never a mix."""
    started = time.monotonic()
    started_at = at or timezone.now()
    events_until = _latest_event(edition)
    flags = fraud_flags(edition=edition)
    rows, seen = [], set()
    for flag in flags:
        key = flag_key(flag)
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            StoredSignal(
                edition=edition,
                position=len(rows),
                kind=flag.kind,
                key=key,
                accounts_key=signal_accounts_key(flag),
                facts=flag.facts,
                vote_ids=flag.vote_ids,
                voter_ids=flag.voter_ids,
            )
        )
    with transaction.atomic():
        StoredSignal.objects.filter(edition=edition).delete()
        StoredSignal.objects.bulk_create(rows, batch_size=500)
        computation, _created = SignalComputation.objects.update_or_create(
            edition=edition,
            defaults={
                "started_at": started_at,
                "computed_at": timezone.now(),
                "events_until": events_until,
                "seconds": time.monotonic() - started,
            },
        )
    return computation


def signals_outdated(*, edition: Edition, computation: SignalComputation | None) -> bool:
    """Whether votes were cast, changed or set aside since the signals were computed."""
    latest = _latest_event(edition)
    if computation is None:
        return latest is not None
    return latest is not None and (
        computation.events_until is None or latest > computation.events_until
    )


def signal_computation_get(*, edition: Edition) -> SignalComputation | None:
    return SignalComputation.objects.filter(edition=edition).first()


def stored_flag(row: StoredSignal) -> Flag:
    """A stored signal as a flag, its title and evidence in the active language."""
    title, evidence = flag_describe(row.kind, row.facts)
    return Flag(
        kind=row.kind,
        title=title,
        evidence=evidence,
        vote_ids=row.vote_ids,
        voter_ids=row.voter_ids,
        facts=row.facts,
    )


def _dismissal_of(edition: Edition) -> QuerySet[SignalDismissal]:
    return SignalDismissal.objects.filter(
        edition=edition, kind=OuterRef("kind"), accounts_key=OuterRef("accounts_key")
    )


def stored_open(*, edition: Edition) -> QuerySet[StoredSignal]:
    """The stored signals not dismissed, in the order they were computed."""
    return (
        StoredSignal.objects.filter(edition=edition)
        .exclude(Exists(_dismissal_of(edition)))
        .order_by("position")
    )


def stored_dismissed(*, edition: Edition) -> list[tuple[Flag, SignalDismissal]]:
    """The stored signals the secretariat dismissed, each with its dismissal."""
    rows = list(
        StoredSignal.objects.filter(edition=edition)
        .filter(Exists(_dismissal_of(edition)))
        .order_by("position")
    )
    dismissals = (
        {
            (dismissal.kind, dismissal.accounts_key): dismissal
            for dismissal in SignalDismissal.objects.filter(
                edition=edition, kind__in={row.kind for row in rows}
            ).select_related("by")
        }
        if rows
        else {}
    )
    return [
        (stored_flag(row), dismissals[(row.kind, row.accounts_key)])
        for row in rows
        if (row.kind, row.accounts_key) in dismissals
    ]


def stored_open_get(*, edition: Edition, key: str) -> Flag | None:
    """The open stored signal of this key, if it is still there."""
    row = stored_open(edition=edition).filter(key=key).first()
    return stored_flag(row) if row is not None else None


def secretariat_review(*, edition: Edition) -> SignalReview:
    """The accounts the secretariat flagged, open and dismissed (read live: they are few)."""
    return _reviewed(edition, _secretariat_flags(edition), kinds={SECRETARIAT_FLAG})


# Votes can still be invalidated after the close: the beat looks a day further.
SIGNALS_AFTER_CLOSE = timedelta(days=1)


def signals_due(*, at: datetime | None = None) -> list[Edition]:
    """The editions in voting (or closed within a day) whose signals are out of date."""
    at = at or timezone.now()
    editions = Edition.objects.filter(
        voting_opens_at__lte=at, voting_closes_at__gte=at - SIGNALS_AFTER_CLOSE
    ).order_by("pk")
    return [
        edition
        for edition in editions
        if signals_outdated(edition=edition, computation=signal_computation_get(edition=edition))
    ]
