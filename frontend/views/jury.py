"""The Expert Group's pages (its assigned categories, each Champion with the score and
conflict forms) and the secretariat's jury decisions (assignments, the ranking, the
Winner confirmed).

The rules are the services of ``awards.services.jury`` and the ranking of
``awards.ranking``: these views read the request, call them and say what happened.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.decorators import jury_required, secretariat_required
from accounts.models import User
from awards.exports import jury_ranking_rows, jury_scores_rows, table_download
from awards.models import (
    Category,
    Edition,
    Project,
    Score,
)
from awards.permissions import (
    juror_may_declare_conflict,
    juror_may_score,
    jury_is_open,
    likely_conflict,
)
from awards.ranking import CRITERIA, ChampionRank, categories_ranking, top_is_tied
from awards.selectors import (
    category_get_or_404,
    category_list,
    declared_conflicts,
    juror_conflict_get,
    juror_conflicts,
    juror_score_get,
    juror_scores,
    jury_assigned_by_category,
    jury_assignment_list,
    jury_champion_get,
    jury_champion_list,
    jury_member_list,
    jury_progress,
    winners_by_category,
)
from awards.services.jury import (
    CategoryRevealed,
    JuryClosed,
    QuorumMissing,
    conflict_declare,
    jury_assign,
    jury_remind,
    score_save,
    winner_confirm,
    winner_reason_missing,
    winner_undo,
)
from config.errors import REASON_MAX_LENGTH, DomainError
from frontend.current import current_edition, edition_or_404
from frontend.refusals import refusal_onto_form

MARK_ERROR = _("Mark it from 1 to 10.")
MARK_CHOICES = [("", _("Choose a mark")), *((str(mark), str(mark)) for mark in range(1, 11))]
# What the juror sees next to each Champion, in the order the checks are made.
NOT_SCORED, DRAFT, SUBMITTED, CONFLICT, LIKELY_CONFLICT = (
    "not_scored",
    "draft",
    "submitted",
    "conflict",
    "likely_conflict",
)
STATE_LABELS = {
    NOT_SCORED: _("Not scored"),
    DRAFT: _("Draft"),
    SUBMITTED: _("Submitted"),
    CONFLICT: _("Conflict declared"),
    LIKELY_CONFLICT: _("Likely conflict"),
}


# --- Forms ---------------------------------------------------------------------------


def _mark_field(criterion: str) -> forms.Field:
    return forms.TypedChoiceField(
        label=capfirst(Score._meta.get_field(criterion).verbose_name),
        choices=MARK_CHOICES,
        coerce=int,
        error_messages={"required": MARK_ERROR, "invalid_choice": MARK_ERROR},
    )


class ScoreForm(forms.Form):
    merit = _mark_field("merit")
    originality = _mark_field("originality")
    impact = _mark_field("impact")
    sustainability = _mark_field("sustainability")
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For the secretariat and the other jurors: what decided your marks."),
    )


class ConflictForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What links you to the project. The secretariat reads it."),
    )


class DecisionForm(forms.Form):
    winner = forms.TypedChoiceField(
        label=_("Winner"), coerce=int, widget=forms.RadioSelect, error_messages={}
    )
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when the Winner is not the top of the ranking, or when the top is tied."
            " It is recorded."
        ),
    )

    def __init__(self, *args, ranking: list[ChampionRank], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        winner = self.fields["winner"]
        winner.choices = [(rank.project.pk, rank.project.title) for rank in ranking]
        winner.error_messages["required"] = gettext("Choose the Winner among the Champions.")
        winner.error_messages["invalid_choice"] = gettext("Choose the Winner among the Champions.")
        if ranking and not top_is_tied(ranking):
            winner.initial = ranking[0].project.pk


class UndoForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("It is recorded in the audit trail."),
    )


class AssignForm(forms.Form):
    juror = forms.TypedChoiceField(
        label=_("Juror"),
        coerce=int,
        error_messages={
            "required": _("Choose a member of the Expert Group."),
            "invalid_choice": _("Choose a member of the Expert Group."),
        },
    )

    def __init__(self, *args, jurors: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["juror"].choices = [("", gettext("Choose a juror"))] + [
            (juror.pk, f"{juror.name or juror.email} ({juror.email})") for juror in jurors
        ]


def _about(category: Category, detail: str) -> str:
    return gettext("%(category)s: %(detail)s") % {"category": category, "detail": detail}


# --- The Expert Group's pages ----------------------------------------------------------


@dataclass(frozen=True)
class ChampionRow:
    project: Project
    state: str

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class AssignedCategory:
    category: Category
    rows: list[ChampionRow]


def _juror_state(juror: User, project: Project, score: Score | None, conflicted: bool) -> str:
    if conflicted:
        return CONFLICT
    if score is not None and score.is_submitted:
        return SUBMITTED
    if likely_conflict(juror, project):
        return LIKELY_CONFLICT
    return DRAFT if score is not None else NOT_SCORED


@jury_required
@never_cache
def jury_home(request: HttpRequest) -> HttpResponse:
    juror = request.user
    assignments = list(jury_assignment_list(juror=juror))
    champions = list(jury_champion_list(juror=juror))
    scores = juror_scores(juror=juror, projects=champions)
    conflicts = juror_conflicts(juror=juror, projects=champions)
    by_category: dict[int, list[ChampionRow]] = defaultdict(list)
    for project in champions:
        state = _juror_state(juror, project, scores.get(project.pk), project.pk in conflicts)
        by_category[project.category_id].append(ChampionRow(project, state))
    return render(
        request,
        "frontend/jury.html",
        {
            "categories": [
                AssignedCategory(a.category, by_category.get(a.category_id, []))
                for a in assignments
            ]
        },
    )


def _champion_url(project: Project) -> str:
    return reverse("frontend:jury-champion", args=[project.pk])


def _save_score(
    request: HttpRequest, project: Project, *, submit: bool
) -> HttpResponse | ScoreForm:
    form = ScoreForm(request.POST)
    if not form.is_valid():
        return form
    data = form.cleaned_data
    try:
        score_save(
            juror=request.user,
            project=project,
            marks={criterion: data[criterion] for criterion in CRITERIA},
            comment=data["comment"],
            submit=submit,
        )
    except DomainError as refusal:
        if refusal_onto_form(form, refusal):
            return form
        messages.error(request, refusal.detail)
        return redirect(_champion_url(project))
    if submit:
        messages.success(
            request,
            gettext("Your score for “%(title)s” is submitted.") % {"title": project.title},
        )
    else:
        messages.success(
            request,
            gettext("Your draft score for “%(title)s” is saved. Submit it when final.")
            % {"title": project.title},
        )
    return redirect(_champion_url(project))


def _declare_conflict(request: HttpRequest, project: Project) -> HttpResponse:
    form = ConflictForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        conflict_declare(juror=request.user, project=project, note=note)
    except DomainError as refusal:
        messages.error(request, refusal.detail)
    else:
        messages.success(
            request,
            gettext("Your conflict of interest with “%(title)s” is recorded: you do not score it.")
            % {"title": project.title},
        )
    return redirect(_champion_url(project))


@jury_required
@never_cache
@require_http_methods(["GET", "POST"])
def champion(request: HttpRequest, pk: int) -> HttpResponse:
    juror = request.user
    project = jury_champion_get(juror=juror, pk=pk)
    if project is None:
        raise Http404(gettext("No such Champion among your categories."))

    score_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("draft", "submit"):
            outcome = _save_score(request, project, submit=action == "submit")
            if isinstance(outcome, HttpResponse):
                return outcome
            score_form = outcome
        elif action == "conflict":
            return _declare_conflict(request, project)
        else:
            messages.error(
                request, gettext("Choose to save a draft, to submit or to declare a conflict.")
            )
            return redirect(_champion_url(project))

    score = juror_score_get(juror=juror, project=project)
    conflict = juror_conflict_get(juror=juror, project=project)
    state = _juror_state(juror, project, score, conflict is not None)
    at = current_edition(request).at
    jury_open = jury_is_open(project.edition, at=at)
    rule = {"score": score, "declared_conflict": conflict is not None, "at": at}
    can_score = juror_may_score(juror, project, **rule)
    if score_form is None:
        initial = {c: getattr(score, c) for c in CRITERIA} if score else {}
        if score:
            initial["comment"] = score.comment
        score_form = ScoreForm(initial=initial)
    return render(
        request,
        "frontend/jury/champion.html",
        {
            "project": project,
            "score": score,
            "marks": [
                (score_form[c].label, getattr(score, c)) for c in CRITERIA if score is not None
            ],
            "conflict": conflict,
            "state": state,
            "state_label": STATE_LABELS[state],
            "jury_open": jury_open,
            "jury_closed_message": JuryClosed.default_detail,
            "can_score": can_score,
            "show_marks": score is not None and state != CONFLICT and not can_score,
            "can_declare": juror_may_declare_conflict(juror, project, **rule),
            "score_form": score_form,
            "conflict_form": ConflictForm(),
        },
    )


# --- The secretariat's decisions ----------------------------------------------------------


@dataclass
class CategoryDecision:
    category: Category
    jurors: list[User] = field(default_factory=list)
    winner: Project | None = None
    winner_note: str = ""
    ranking: list[ChampionRank] = field(default_factory=list)
    decision_form: DecisionForm | None = None
    assign_form: AssignForm | None = None
    # Of the Champions that lack the quorum, those the assigned jurors can no longer
    # bring to it: (rank, jurors without a conflict, conflicts declared).
    out_of_reach: list[tuple[ChampionRank, int, int]] = field(default_factory=list)

    @property
    def missing_quorum(self) -> list[ChampionRank]:
        return [rank for rank in self.ranking if not rank.has_quorum]

    @property
    def tied_at_top(self) -> list[ChampionRank]:
        return [rank for rank in self.ranking if rank.tied_at_top]

    @property
    def undoable(self) -> bool:
        return (
            self.winner is not None
            and self.category.revealed_at is None
            and self.category.edition.results_published_at is None
        )


def _decisions_url(edition: Edition, category: Category | None = None) -> str:
    url = reverse("frontend:jury-decisions", args=[edition.year])
    return f"{url}#category-{category.number}" if category else url


def _decisions(edition: Edition, jurors: list[User]) -> list[CategoryDecision]:
    categories = list(category_list(edition=edition))
    for category in categories:
        category.edition = edition  # the ranking reads its weights and quorum
    assigned = jury_assigned_by_category(edition=edition)
    winners = winners_by_category(edition=edition)
    undecided = [category for category in categories if category.pk not in winners]
    rankings = categories_ranking(categories=undecided) if undecided else {}
    decisions = []
    for category in categories:
        decision = CategoryDecision(category, jurors=assigned[category.pk])
        winner = winners.get(category.pk)
        if winner is not None:
            decision.winner = winner
            decision.winner_note = winner.crowning[-1].note if winner.crowning else ""
        else:
            decision.ranking = rankings[category.pk]
            decision.decision_form = DecisionForm(
                ranking=decision.ranking, prefix=f"category-{category.pk}"
            )
        # Offered: the members of the Expert Group not assigned to the category yet.
        unassigned = [juror for juror in jurors if juror not in decision.jurors]
        decision.assign_form = AssignForm(jurors=unassigned, prefix=f"assign-{category.pk}")
        decisions.append(decision)
    _quorum_reach(decisions, quorum=edition.jury_quorum)
    return decisions


def _quorum_reach(decisions: list[CategoryDecision], *, quorum: int) -> None:
    """Mark the Champions that lack the quorum and that conflicts of interest keep from
    it: fewer assigned jurors without a conflict than the quorum (one query, none when
    every Champion has its quorum)."""
    missing = [rank for decision in decisions for rank in decision.missing_quorum]
    if not missing:
        return
    conflicts = declared_conflicts(projects=[rank.project for rank in missing])
    for decision in decisions:
        for rank in decision.missing_quorum:
            declared = sum((juror.pk, rank.project.pk) in conflicts for juror in decision.jurors)
            able = len(decision.jurors) - declared
            if declared and able < quorum:
                decision.out_of_reach.append((rank, able, declared))


def _confirm(
    request: HttpRequest, edition: Edition, decision: CategoryDecision
) -> HttpResponse | None:
    category = decision.category
    form = DecisionForm(request.POST, ranking=decision.ranking, prefix=f"category-{category.pk}")
    decision.decision_form = form
    if not form.is_valid():
        if decision.ranking and not decision.missing_quorum:
            return None  # the form is on the page, with its errors
        # No form is shown without Champions or quorum: say why here instead.
        detail = gettext("This category has no Champions to choose from.")
        if decision.ranking:
            detail = QuorumMissing.default_detail
        messages.error(request, _about(category, detail))
        return redirect(_decisions_url(edition, category))
    placed = next(r for r in decision.ranking if r.project.pk == form.cleaned_data["winner"])
    project, reason = placed.project, form.cleaned_data["reason"]
    missing = winner_reason_missing(ranking=decision.ranking, project=project, reason=reason)
    if missing:
        form.add_error("reason", missing)
        return None
    if request.POST.get("confirmed") != "yes":
        # Nothing is written yet: the page names what confirming will do.
        return render(
            request,
            "frontend/jury/confirm_winner.html",
            {
                "edition": edition,
                "category": category,
                "placed": placed,
                "reason": reason.strip(),
                "prefix": form.prefix,
                "decisions_url": _decisions_url(edition, category),
            },
        )
    try:
        winner_confirm(category=category, project=project, by=request.user, reason=reason)
    except DomainError as refusal:
        if refusal_onto_form(form, refusal):
            return None
        messages.error(request, _about(category, refusal.detail))
        return redirect(_decisions_url(edition, category))
    messages.success(
        request,
        gettext("“%(title)s” is the Winner of %(category)s.")
        % {"title": project.title, "category": category},
    )
    return redirect(_decisions_url(edition, category))


def _assign(
    request: HttpRequest, edition: Edition, decision: CategoryDecision, jurors: list[User]
) -> HttpResponse | None:
    category = decision.category
    form = AssignForm(request.POST, jurors=jurors, prefix=f"assign-{category.pk}")
    decision.assign_form = form
    if not form.is_valid():
        return None
    juror = next(j for j in jurors if j.pk == form.cleaned_data["juror"])
    if juror in decision.jurors:
        messages.info(
            request,
            gettext("%(juror)s is already assigned to %(category)s.")
            % {"juror": juror.name or juror.email, "category": category},
        )
        return redirect(_decisions_url(edition, category))
    try:
        jury_assign(category=category, juror=juror, by=request.user)
    except DomainError as refusal:
        messages.error(request, _about(category, refusal.detail))
    else:
        messages.success(
            request,
            gettext("%(juror)s is assigned to %(category)s.")
            % {"juror": juror.name or juror.email, "category": category},
        )
    return redirect(_decisions_url(edition, category))


@secretariat_required
@never_cache
@require_http_methods(["GET", "POST"])
def decisions(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    jurors = list(jury_member_list())
    rows = _decisions(edition, jurors)
    if request.method == "POST":
        raw = request.POST.get("category", "")
        decision = next((row for row in rows if str(row.category.pk) == raw), None)
        action = request.POST.get("action")
        if decision is None:
            messages.error(request, gettext("Choose a category of this edition."))
            return redirect(_decisions_url(edition))
        if action == "confirm" and decision.winner is None:
            outcome = _confirm(request, edition, decision)
        elif action == "confirm":
            messages.error(
                request,
                gettext("%(category)s: this category already has its Winner.")
                % {"category": decision.category},
            )
            outcome = redirect(_decisions_url(edition, decision.category))
        elif action == "assign":
            outcome = _assign(request, edition, decision, jurors)
        else:
            messages.error(request, gettext("Choose to confirm a Winner or to assign a juror."))
            outcome = redirect(_decisions_url(edition))
        if outcome is not None:
            return outcome
    return render(
        request,
        "frontend/jury/decisions.html",
        {"edition": edition, "rows": rows, "has_jurors": bool(jurors)},
    )


@secretariat_required
@never_cache
@require_http_methods(["GET", "POST"])
def winner_undo_confirm(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """Ask, then undo the confirmation of a category's Winner (until it is revealed)."""
    edition = edition_or_404(request, year)
    category = category_get_or_404(edition=edition, number=number)
    category.edition = edition
    winner = winners_by_category(edition=edition).get(category.pk)
    back = _decisions_url(edition, category)
    if winner is None:
        messages.error(request, _about(category, gettext("This category has no confirmed Winner.")))
        return redirect(back)
    revealed = category.revealed_at is not None or edition.results_published_at is not None
    if request.method == "POST":
        try:
            form = UndoForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            winner_undo(category=category, by=request.user, reason=reason)
        except DomainError as refusal:
            messages.error(request, _about(category, refusal.detail))
        else:
            messages.success(
                request,
                gettext(
                    "%(category)s: “%(title)s” is no longer the Winner; the category awaits"
                    " its decision again."
                )
                % {"category": category, "title": winner.title},
            )
        return redirect(back)
    return render(
        request,
        "frontend/jury/undo_winner.html",
        {
            "edition": edition,
            "category": category,
            "winner": winner,
            "refusal": CategoryRevealed.default_detail if revealed else "",
            "form": UndoForm(),
            "decisions_url": back,
        },
    )


# --- The jury's progress, reminders and exports ---------------------------------------


@secretariat_required
@never_cache
@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest, year: int) -> HttpResponse:
    """Each juror's progress per category; reminders to those with scores pending,
    sent after a confirmation that names them."""
    edition = edition_or_404(request, year)
    rows = jury_progress(edition=edition)
    pending: dict[int, tuple[User, int]] = {}
    for row in rows:
        if row.pending:
            juror, count = pending.get(row.juror.pk, (row.juror, 0))
            pending[row.juror.pk] = (juror, count + row.pending)
    if request.method == "POST":
        if request.POST.get("confirmed") != "yes":
            return render(
                request,
                "frontend/jury/confirm_reminder.html",
                {"edition": edition, "pending": list(pending.values())},
            )
        try:
            sent = jury_remind(edition=edition, by=request.user)
        except DomainError as refusal:
            messages.error(request, refusal.detail)
        else:
            if sent:
                messages.success(
                    request,
                    ngettext(
                        "A reminder is on its way to %(count)d juror.",
                        "A reminder is on its way to %(count)d jurors.",
                        len(sent),
                    )
                    % {"count": len(sent)},
                )
            else:
                messages.info(request, gettext("No juror has scores pending: nobody was reminded."))
        return redirect("frontend:jury-progress", edition.year)
    return render(
        request,
        "frontend/jury/progress.html",
        {"edition": edition, "rows": rows, "pending": list(pending.values())},
    )


EXPORTS = {"scores": jury_scores_rows, "ranking": jury_ranking_rows}


@secretariat_required
@never_cache
@require_http_methods(["GET"])
def export(request: HttpRequest, year: int, table: str, kind: str) -> HttpResponse:
    edition = edition_or_404(request, year)
    if table not in EXPORTS or kind not in ("csv", "xlsx"):
        raise Http404(gettext("No such export."))
    return table_download(
        EXPORTS[table](edition), kind=kind, name=f"wsis-prizes-{edition.year}-jury-{table}"
    )
