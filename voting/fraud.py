"""Signals of suspicious voting, for the secretariat to review (never acted on
automatically): each flag carries its evidence and the votes or accounts it concerns.

- many new accounts from one network voting for the same nominee within minutes;
- several accounts whose e-mails are variants of one mailbox (plus-addressing, dots);
- bursts of votes faster than a person clicks.

Beside them, the accounts the secretariat flagged itself, and the signals it dismissed
(``signals_review``): a dismissal holds for the signal's kind and accounts.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import F
from django.db.models.expressions import Window
from django.db.models.functions import Lag
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from awards.models import Edition
from voting.models import AccountFlag, SignalDismissal, Vote, VoteAction, VoteEvent

NEW_ACCOUNT_AGE = timedelta(days=2)
CLUSTER_WINDOW = timedelta(minutes=10)
CLUSTER_MIN_ACCOUNTS = 5
BURST_VOTES = 5
BURST_WITHIN = timedelta(seconds=3)
# Providers that ignore dots in the local part of an address.
DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
SECRETARIAT_FLAG = "flagged_by_secretariat"


@dataclass
class Flag:
    kind: str
    title: str
    evidence: str
    vote_ids: list[int] = field(default_factory=list)
    voter_ids: list[int] = field(default_factory=list)


def mailbox_of(email: str) -> str:
    """The mailbox an address delivers to: without +tags, and without dots where the
    provider ignores them."""
    local, _, domain = email.lower().strip().partition("@")
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def _new_account_clusters(edition: Edition) -> list[Flag]:
    votes = (
        Vote.objects.filter(
            edition=edition,
            invalidated_at__isnull=True,
            voter__date_joined__gt=F("cast_at") - NEW_ACCOUNT_AGE,
        )
        .exclude(network="")
        .order_by("network", "nominee_id", "cast_at")
        .values_list("pk", "network", "nominee_id", "voter_id", "cast_at", "nominee__title")
    )
    groups: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    for row in votes:
        groups[(row[1], row[2])].append(row)
    flags = []
    for (network, _nominee), rows in groups.items():
        start, best = 0, (0, 0)
        for end in range(len(rows)):
            while rows[end][4] - rows[start][4] > CLUSTER_WINDOW:
                start += 1
            if end - start + 1 > best[1] - best[0]:
                best = (start, end + 1)
        cluster = rows[best[0] : best[1]]
        if len({row[3] for row in cluster}) >= CLUSTER_MIN_ACCOUNTS:
            minutes = (cluster[-1][4] - cluster[0][4]).total_seconds() / 60
            flags.append(
                Flag(
                    kind="new_accounts_one_network",
                    title=gettext("%(count)d new accounts from %(network)s voted for “%(nominee)s”")
                    % {"count": len(cluster), "network": network, "nominee": cluster[0][5]},
                    evidence=ngettext(
                        "Accounts less than %(days)d days old, all within %(minutes)s minute.",
                        "Accounts less than %(days)d days old, all within %(minutes)s minutes.",
                        round(minutes),
                    )
                    % {"days": NEW_ACCOUNT_AGE.days, "minutes": f"{minutes:.0f}"},
                    vote_ids=[row[0] for row in cluster],
                    voter_ids=sorted({row[3] for row in cluster}),
                )
            )
    return flags


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
        Flag(
            kind="mailbox_variants",
            title=gettext("%(count)d accounts share the mailbox %(mailbox)s")
            % {"count": len(accounts), "mailbox": mailbox},
            evidence=gettext("Addresses: %(addresses)s")
            % {"addresses": ", ".join(sorted(accounts.values()))},
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
        Flag(
            kind="burst",
            title=gettext("%(email)s voted faster than a person clicks") % {"email": email},
            evidence=ngettext(
                "%(votes)d votes within %(seconds)d seconds, %(count)d time.",
                "%(votes)d votes within %(seconds)d seconds, %(count)d times.",
                count,
            )
            % {"votes": BURST_VOTES, "seconds": BURST_WITHIN.seconds, "count": count},
            voter_ids=[voter_id],
        )
        for voter_id, (email, count) in sorted(fastest.items())
    ]


def fraud_flags(*, edition: Edition) -> list[Flag]:
    return [*_new_account_clusters(edition), *_mailbox_variants(edition), *_bursts(edition)]


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


def signals_review(*, edition: Edition) -> SignalReview:
    flags = [*fraud_flags(edition=edition), *_secretariat_flags(edition)]
    dismissals = {
        (dismissal.kind, dismissal.accounts_key): dismissal
        for dismissal in SignalDismissal.objects.filter(edition=edition).select_related("by")
    }
    open_flags, dismissed = [], []
    for flag in flags:
        dismissal = dismissals.get((flag.kind, signal_accounts_key(flag)))
        if dismissal is None:
            open_flags.append(flag)
        else:
            dismissed.append((flag, dismissal))
    return SignalReview(open=open_flags, dismissed=dismissed)
