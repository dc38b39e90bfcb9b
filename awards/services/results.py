"""Phase 4: the final valid standings and the Champions, recorded when voting closes.

``voting`` counts the valid votes and hands them here; from then on the jury, the
results and the ceremony read what this module records, never the votes.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from awards.models import (
    PUBLIC_STATUSES,
    AuditAction,
    Edition,
    Exclusion,
    Project,
    ProjectStatus,
    Standing,
    TieRule,
)
from awards.phases import Phase
from awards.ranking import Ranked, rank_by_votes
from awards.selectors import edition_phase_is_over
from awards.services.audit import audit_record
from awards.workflow import SHORTLIST, UNSHORTLIST, project_transition
from config.errors import Conflict, NotAllowed


class VotingStillOpen(NotAllowed):
    code = "voting_not_closed"
    default_detail = _("The Champions are chosen once public voting has closed.")


class WinnersAlreadyChosen(Conflict):
    code = "winners_chosen"
    default_detail = _("Winners are already chosen: the Champions can no longer change.")


NEVER = datetime.max.replace(tzinfo=UTC)  # sorts a nominee without a submission time last


@dataclass(frozen=True)
class Cut:
    champions: set[int]
    tied: set[int]  # nominees tied at the cut (the jury is told)


def champions_pick(ranked: list[Ranked], *, places: int, rule: str) -> Cut:
    """Who of a category's ranked nominees (most votes first) become Champions, with
    ties at the cut resolved by the edition's rule."""
    if len(ranked) <= places:
        return Cut(champions={r.nominee.pk for r in ranked}, tied=set())
    cut_votes = ranked[places - 1].votes
    above = [r for r in ranked if r.votes > cut_votes]
    at_cut = [r for r in ranked if r.votes == cut_votes]
    if len(above) + len(at_cut) == places:
        return Cut(champions={r.nominee.pk for r in above + at_cut}, tied=set())
    tied = {r.nominee.pk for r in at_cut}
    if rule == TieRule.INCLUDE_ALL:
        chosen = above + at_cut
    elif rule == TieRule.EARLIEST_SUBMISSION:
        first = sorted(at_cut, key=lambda r: (r.nominee.submitted_at or NEVER, r.nominee.pk))
        chosen = above + first[: places - len(above)]
    else:  # TieRule.EXCLUDE_ALL
        chosen = above
    return Cut(champions={r.nominee.pk for r in chosen}, tied=tied)


@transaction.atomic
def standings_record(
    *,
    edition: Edition,
    votes: Mapping[int, int],
    exclusions: Mapping[tuple[int, str] | tuple[int, str, str], int],
    voters: int | None = None,
    by: User | None = None,
    at: datetime | None = None,
) -> list[Standing]:
    """Record each nominee's valid ``votes`` (by nominee id) and rank, mark the top
    ``champions_per_category`` of each category as Champions, and keep the exclusion
    report (``exclusions``: votes not counted, by category id, reason and, for votes
    the secretariat invalidated, the kind of fraud signal they came from: a key without
    a kind, or with an empty one, is any other review). Running it again with the same
    counts changes nothing."""
    at = at or timezone.now()
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if not edition_phase_is_over(edition=edition, phase=Phase.VOTING, at=at):
        raise VotingStillOpen()
    if Project.objects.filter(edition=edition, status=ProjectStatus.WINNER).exists():
        raise WinnersAlreadyChosen()

    nominees = list(
        Project.objects.select_for_update()
        .filter(edition=edition, status__in=PUBLIC_STATUSES)
        .select_related("category")
    )
    by_category: dict[int, list[Project]] = {}
    for nominee in nominees:
        by_category.setdefault(nominee.category_id, []).append(nominee)

    recorded: list[Standing] = []
    for category_id, members in by_category.items():
        ranked = rank_by_votes(members, votes)
        cut = champions_pick(ranked, places=edition.champions_per_category, rule=edition.tie_rule)
        for row in ranked:
            nominee = row.nominee
            is_champion = nominee.pk in cut.champions
            if is_champion and nominee.status == ProjectStatus.NOMINEE:
                project_transition(project=nominee, transition=SHORTLIST, actor=by, at=at)
            elif not is_champion and nominee.status == ProjectStatus.CHAMPION:
                project_transition(project=nominee, transition=UNSHORTLIST, actor=by, at=at)
            standing, _ = Standing.objects.update_or_create(
                nominee=nominee,
                defaults={
                    "edition": edition,
                    "category_id": category_id,
                    "votes": row.votes,
                    "rank": row.rank,
                    "is_champion": is_champion,
                    "tied_at_cut": nominee.pk in cut.tied,
                },
            )
            recorded.append(standing)

    report: dict[tuple[int, str, str], int] = {}
    for (category_id, reason, *signal), count in exclusions.items():
        key = (category_id, reason, signal[0] if signal else "")
        report[key] = report.get(key, 0) + count
    Exclusion.objects.filter(edition=edition).delete()
    Exclusion.objects.bulk_create(
        Exclusion(
            edition=edition, category_id=category_id, reason=reason, signal=signal, votes=count
        )
        for (category_id, reason, signal), count in sorted(report.items())
        if count
    )
    edition.standings_recorded_at = at
    edition.voters_counted = voters
    edition.save(update_fields=["standings_recorded_at", "voters_counted"])
    audit_record(
        edition=edition,
        actor=by,
        action=AuditAction.CHAMPIONS_COUNTED,
        details={
            "champions": sum(standing.is_champion for standing in recorded),
            "nominees": len(recorded),
            # The rules the count followed: a later change of them is told apart.
            "rules": {
                "champions_per_category": edition.champions_per_category,
                "tie_rule": edition.tie_rule,
                "complete_ballot_required": edition.complete_ballot_required,
            },
        },
        at=at,
    )
    return recorded
