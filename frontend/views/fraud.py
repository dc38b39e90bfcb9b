"""The secretariat's fraud review: the signals of ``voting.fraud`` (and the accounts it
flagged itself), what it decided about them, and the accounts it excluded.

Each decision is a service of ``voting`` (which checks the role and the reason, and
writes the audit trail): invalidate what a signal concerns, or one account's votes;
exclude an account, reinstate it; dismiss a signal; flag an account no signal found.
These views read the request, call them and say what happened.
"""

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.decorators import secretariat_required
from accounts.models import User
from accounts.selectors import account_get_by_email
from awards.models import Edition
from config.celery import task_queue_after_commit
from config.errors import REASON_MAX_LENGTH, DomainError
from frontend.current import edition_or_404
from frontend.refusals import refusal_onto_form
from voting.fraud import (
    SIGNAL_KINDS,
    Flag,
    flag_key,
    secretariat_review,
    signal_computation_get,
    signal_kind_label,
    signals_outdated,
    stored_dismissed,
    stored_flag,
    stored_open,
    stored_open_get,
)
from voting.models import (
    DecisionAction,
    DecisionJob,
    DecisionStatus,
    SignalDismissal,
    Vote,
    VoterExclusion,
)
from voting.selectors import (
    decision_list,
    decisions_active,
    exclusion_list,
    flagged_accounts,
    flagged_votes,
    invalidation_list,
)
from voting.services import (
    DISMISSAL_REASON_REQUIRED,
    EXCLUSION_REASON_REQUIRED,
    FLAG_REASON_REQUIRED,
    INVALIDATION_REASON_REQUIRED,
    REINSTATEMENT_REASON_REQUIRED,
    account_flag,
    decision_queue,
    signal_dismiss,
    voter_reinstate,
)
from voting.tasks import signals_compute_for

# A flag's table lists this many votes or accounts; its form acts on all of them.
FLAG_ROWS_SHOWN = 100
# Signals per page.
SIGNALS_PER_PAGE = 10


FLAG_CHANGED_MESSAGE = _(
    "Nothing was invalidated: this signal has changed since the page was loaded "
    "(votes were cast, changed or invalidated). Review it again below."
)
NOTHING_DONE_CHANGED = _(
    "Nothing was done: this signal has changed since the page was loaded (votes were cast, "
    "changed or invalidated). Review it again below."
)
NO_SUCH_ACCOUNT = _("Nothing was done: this account no longer exists.")
RECOUNT_NEEDED = _(
    "The Champions were counted before: compute them again on the standings page for "
    "the count to include this."
)

NOT_PEOPLE = _("Do not name people: say what you found.")


class InvalidateForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Reason for invalidating"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kept with each vote and in the history of the vote. Do not name people: say "
            "what you found."
        ),
        error_messages={"required": INVALIDATION_REASON_REQUIRED},
    )


class AccountActionForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Kept with the votes, the exclusion and in the audit trail. Do not name "
            "people: say what you found."
        ),
        error_messages={"required": EXCLUSION_REASON_REQUIRED},
    )

    def __init__(self, *args, action: str = "exclude", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if action == "invalidate":
            self.fields["reason"].error_messages["required"] = INVALIDATION_REASON_REQUIRED


class DismissForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Why this is not fraud"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NOT_PEOPLE,
        error_messages={"required": DISMISSAL_REASON_REQUIRED},
    )


class ReinstateForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Reason for reinstating"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The votes the exclusion set aside count again; the audit trail keeps the reason."
        ),
        error_messages={"required": REINSTATEMENT_REASON_REQUIRED},
    )


class FlagAccountForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the account"),
        error_messages={"required": _("Write the e-mail address of the account to flag.")},
    )
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Why it should be reviewed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NOT_PEOPLE,
        error_messages={"required": FLAG_REASON_REQUIRED},
    )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        account = account_get_by_email(email=email)
        if account is None:
            raise forms.ValidationError(_("No account has this e-mail address."))
        return account


@dataclass
class FlagView:
    flag: Flag
    key: str
    votes: list[Vote] = field(default_factory=list)
    accounts: list[User] = field(default_factory=list)
    form: InvalidateForm | None = None
    dismiss_form: DismissForm | None = None
    # The bound form of one account's actions, when it came back with an error.
    account_form: tuple[int, AccountActionForm] | None = None
    dismissal: SignalDismissal | None = None
    # The decision about the whole signal queued or running, if any.
    decision: DecisionJob | None = None

    @property
    def kind_label(self) -> str:
        return SIGNAL_KINDS.get(self.flag.kind, self.flag.kind.replace("_", " ").capitalize())

    @property
    def by_account(self) -> bool:
        """Flags that name accounts but no votes act on those accounts' votes."""
        return not self.flag.vote_ids

    @property
    def size(self) -> int:
        return len(self.flag.voter_ids if self.by_account else self.flag.vote_ids)

    @property
    def counted(self) -> int:
        """How many of the concerned votes still count (all of a vote-level flag's: the
        signals look at valid votes only; of an account-level flag's, those of the
        accounts listed)."""
        if not self.by_account:
            return len(self.flag.vote_ids)
        return sum(account.counted_votes for account in self.accounts)

    @property
    def rows_hidden(self) -> int:
        return max(0, self.size - FLAG_ROWS_SHOWN)

    @property
    def can_invalidate(self) -> bool:
        return self.counted > 0 or self.rows_hidden > 0

    @property
    def account_rows(self) -> list[tuple[User, AccountActionForm]]:
        """Each account listed, with the form of its actions."""
        bound = dict([self.account_form]) if self.account_form else {}
        return [
            (
                account,
                bound.get(account.pk) or AccountActionForm(prefix=self.account_prefix(account.pk)),
            )
            for account in self.accounts
        ]

    def account_prefix(self, account_id: int) -> str:
        return f"{self.key}-account-{account_id}"


def _flag_views(
    edition: Edition,
    flags: list[tuple[Flag, str]],
    dismissed: list[tuple[Flag, SignalDismissal]],
    active: dict[str, DecisionJob],
) -> tuple[list[FlagView], list[FlagView]]:
    """The open flags (each with its key) and the dismissed ones with the votes and
    accounts they concern, in two queries whatever the number of flags."""
    views = [FlagView(flag=flag, key=key) for flag, key in flags]
    apart = [
        FlagView(flag=flag, key=flag_key(flag), dismissal=dismissal)
        for flag, dismissal in dismissed
    ]
    vote_ids = {pk for view in views for pk in view.flag.vote_ids[:FLAG_ROWS_SHOWN]}
    voter_ids = {pk for view in views for pk in view.flag.voter_ids[:FLAG_ROWS_SHOWN]}
    votes = flagged_votes(edition=edition, ids=vote_ids)
    accounts = flagged_accounts(edition=edition, ids=voter_ids)
    for view in views:
        view.votes = sorted(
            (votes[pk] for pk in view.flag.vote_ids[:FLAG_ROWS_SHOWN] if pk in votes),
            key=lambda vote: (vote.cast_at, vote.pk),
        )
        view.accounts = [
            accounts[pk] for pk in view.flag.voter_ids[:FLAG_ROWS_SHOWN] if pk in accounts
        ]
        for account in view.accounts:
            account.decision = active.get(f"account:{account.pk}")
        view.decision = active.get(f"signal:{view.key}")
        view.form = InvalidateForm(prefix=view.key)
        view.dismiss_form = DismissForm(prefix=f"{view.key}-dismiss")
    return views, apart


# --- The decisions ---------------------------------------------------------------------
# Each returns the bound form with its errors when the reason is missing (the page
# shows it again, in place), or None once done or refused, with a message.


def _recount_note(edition: Edition) -> str:
    return f" {RECOUNT_NEEDED}" if edition.standings_recorded_at is not None else ""


def _invalidate(request: HttpRequest, edition: Edition, view: FlagView) -> InvalidateForm | None:
    """Queue the invalidation of what the flag concerns."""
    form = InvalidateForm(request.POST, prefix=view.key)
    if not form.is_valid():
        return form
    try:
        job = decision_queue(
            edition=edition,
            action=DecisionAction.INVALIDATE_SIGNAL,
            flag=view.flag,
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as refusal:
        if refusal_onto_form(form, refusal):
            return form
        messages.error(request, refusal.detail)
        return None
    _say_decided(request, edition, job)
    return None


def _say_decided(request: HttpRequest, edition: Edition, job: DecisionJob) -> None:
    """What became of a decision just queued: its outcome if it ran already (tasks run
    in-process without a broker), else that it is under way."""
    job.refresh_from_db()
    if job.status == DecisionStatus.DONE:
        if job.action == DecisionAction.EXCLUDE_ACCOUNT:
            count = job.votes_invalidated
            done = ngettext(
                "%(email)s is excluded from voting in this edition; %(count)d vote invalidated.",
                "%(email)s is excluded from voting in this edition; %(count)d votes invalidated.",
                count,
            ) % {"email": job.voter.email, "count": count}
            messages.success(request, done + (_recount_note(edition) if count else ""))
        else:
            _say_invalidated(request, edition, job.votes_invalidated)
    elif job.status == DecisionStatus.FAILED:
        messages.error(request, decision_error(job))
    else:
        messages.info(
            request,
            _("The decision is queued: its progress shows under “Decisions” below."),
        )


def _say_invalidated(request: HttpRequest, edition: Edition, count: int) -> None:
    if count == 0:
        messages.info(request, _("Nothing changed: these votes were already invalidated."))
        return
    done = ngettext(
        "%(count)d vote invalidated: it no longer counts.",
        "%(count)d votes invalidated: they no longer count.",
        count,
    ) % {"count": count}
    if edition.standings_recorded_at is not None:
        done += " " + str(_("Compute the Champions again to record the standings without them."))
    messages.success(request, done)


def _account_action(
    request: HttpRequest, edition: Edition, view: FlagView, account: User, action: str
) -> AccountActionForm | None:
    """Queue the invalidation of one account's votes, or its exclusion: the other
    accounts of the signal are left as they are."""
    form = AccountActionForm(request.POST, prefix=view.account_prefix(account.pk), action=action)
    if not form.is_valid():
        return form
    try:
        job = decision_queue(
            edition=edition,
            action=(
                DecisionAction.EXCLUDE_ACCOUNT
                if action == "exclude"
                else DecisionAction.INVALIDATE_ACCOUNT
            ),
            voter=account,
            # The account was found by this signal: its votes count under its kind.
            signal_kind=view.flag.kind,
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as refusal:
        if refusal_onto_form(form, refusal):
            return form
        messages.error(request, refusal.detail)
        return None
    _say_decided(request, edition, job)
    return None


def _dismiss(request: HttpRequest, edition: Edition, view: FlagView) -> DismissForm | None:
    form = DismissForm(request.POST, prefix=f"{view.key}-dismiss")
    if not form.is_valid():
        return form
    try:
        signal_dismiss(
            edition=edition, flag=view.flag, by=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as refusal:
        if refusal_onto_form(form, refusal):
            return form
        messages.error(request, refusal.detail)
        return None
    messages.success(
        request,
        _(
            "The signal is dismissed. It stays dismissed while it names the same accounts, "
            "and comes back here if they change."
        ),
    )
    return None


def _reinstate(
    request: HttpRequest, edition: Edition, exclusion: VoterExclusion
) -> ReinstateForm | None:
    form = ReinstateForm(request.POST, prefix=f"reinstate-{exclusion.pk}")
    if not form.is_valid():
        return form
    try:
        done = voter_reinstate(
            edition=edition,
            voter=exclusion.voter,
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as refusal:
        if refusal_onto_form(form, refusal):
            return form
        messages.error(request, refusal.detail)
        return None
    said = ngettext(
        "%(email)s may vote again; %(count)d vote the exclusion set aside counts again.",
        "%(email)s may vote again; %(count)d votes the exclusion set aside count again.",
        done.votes_restored,
    ) % {"email": exclusion.voter.email, "count": done.votes_restored}
    if done.recount_needed:
        messages.warning(request, f"{said} {RECOUNT_NEEDED}")
    else:
        messages.success(request, said)
    return None


def _flag_account(request: HttpRequest, edition: Edition) -> FlagAccountForm | None:
    form = FlagAccountForm(request.POST, prefix="flag-account")
    if not form.is_valid():
        return form
    account = form.cleaned_data["email"]
    try:
        account_flag(
            edition=edition, voter=account, by=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as refusal:
        if refusal_onto_form(form, refusal):
            return form
        messages.error(request, refusal.detail)
        return None
    messages.success(
        request,
        _("%(email)s is flagged: review it with the signals below.") % {"email": account.email},
    )
    return None


@dataclass
class Posted:
    """The form that came back with an error, and where the page shows it."""

    form: forms.Form
    exclusion_id: int | None = None
    view: FlagView | None = None


def _posted_flag(edition: Edition, key: str) -> FlagView | None:
    """The open signal a form was posted for, as the page showed it, or None when it
    has changed since (its key names what it concerned)."""
    flag = stored_open_get(edition=edition, key=key)
    if flag is None:
        flag = next(
            (flag for flag in secretariat_review(edition=edition).open if flag_key(flag) == key),
            None,
        )
    if flag is None:
        return None
    view = FlagView(flag=flag, key=key)
    view.form = InvalidateForm(prefix=key)
    view.dismiss_form = DismissForm(prefix=f"{key}-dismiss")
    return view


def _posted_account(edition: Edition, view: FlagView, account_id: str) -> User | None:
    if not account_id.isdigit() or int(account_id) not in view.flag.voter_ids:
        return None
    account = flagged_accounts(edition=edition, ids=[int(account_id)]).get(int(account_id))
    if account is not None:
        view.accounts = [account]
    return account


def _act(request: HttpRequest, edition: Edition, exclusions: list) -> Posted | None:
    """Carry out the posted decision; the form to show again when it needs correcting,
    None when the page should be loaded afresh."""
    action = request.POST.get("action", "invalidate")
    if action == "flag-account":
        form = _flag_account(request, edition)
        return Posted(form) if form is not None else None
    if action == "reinstate":
        exclusion = next(
            (e for e in exclusions if str(e.pk) == request.POST.get("exclusion", "")), None
        )
        if exclusion is None:
            messages.warning(request, _("Nothing was done: this account is no longer excluded."))
            return None
        form = _reinstate(request, edition, exclusion)
        return Posted(form, exclusion_id=exclusion.pk) if form is not None else None

    if action == "compute":
        task_queue_after_commit(signals_compute_for, edition_id=edition.pk)
        messages.info(
            request,
            _("The signals are being computed again: load the page in a moment to see them."),
        )
        return None
    view = _posted_flag(edition, request.POST.get("flag", ""))
    if view is None:
        changed = FLAG_CHANGED_MESSAGE if action == "invalidate" else NOTHING_DONE_CHANGED
        messages.warning(request, changed)
        return None
    if action == "dismiss":
        form = _dismiss(request, edition, view)
        if form is not None:
            view.dismiss_form = form
        return Posted(form, view=view) if form is not None else None
    if action in ("account-invalidate", "account-exclude"):
        account = _posted_account(edition, view, request.POST.get("account", ""))
        if account is None:
            messages.warning(request, NO_SUCH_ACCOUNT)
            return None
        form = _account_action(request, edition, view, account, action.removeprefix("account-"))
        if form is not None:
            view.account_form = (account.pk, form)
        return Posted(form, view=view) if form is not None else None
    form = _invalidate(request, edition, view)
    if form is not None:
        view.form = form
    return Posted(form, view=view) if form is not None else None


DECISION_ERRORS = {
    "already_excluded": _("This account was already excluded from voting in this edition."),
    "not_allowed": _("The account that decided this may no longer do it."),
    "mfa_required": _("The account that decided this may no longer do it."),
}


def decision_error(job: DecisionJob) -> str:
    """Why a decision job failed, in the reader's language."""
    return str(
        DECISION_ERRORS.get(
            job.error,
            _(
                "The decision failed before it was done: what it did so far is kept and "
                "recorded. Decide again to finish it."
            ),
        )
    )


def _page_flags(request: HttpRequest, edition: Edition):
    """This page of the open signals: the accounts the secretariat flagged first (they
    are few), then the computed signals in the order they were found."""
    flagged = secretariat_review(edition=edition)
    paginator = Paginator(stored_open(edition=edition), SIGNALS_PER_PAGE)
    signals = paginator.get_page(request.GET.get("page"))
    flags = [(flag_key(flag), flag) for flag in flagged.open] if signals.number == 1 else []
    flags += [(row.key, stored_flag(row)) for row in signals]
    return [(flag, key) for key, flag in flags], signals, len(flagged.open), flagged.dismissed


@secretariat_required
@never_cache
@require_http_methods(["GET", "POST"])
def fraud(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    exclusions = list(exclusion_list(edition=edition))
    posted = None
    if request.method == "POST":
        posted = _act(request, edition, exclusions)
        if posted is None:
            return redirect("frontend:fraud", year=edition.year)

    computation = signal_computation_get(edition=edition)
    flags, signals, flagged_count, flagged_dismissed = _page_flags(request, edition)
    decisions = decision_list(edition=edition)
    views, dismissed = _flag_views(
        edition,
        flags,
        [*flagged_dismissed, *stored_dismissed(edition=edition)],
        decisions_active(jobs=decisions),
    )
    if posted is not None and posted.view is not None:
        # Show the form that came back with its error in place of the fresh one.
        for view in views:
            if view.key == posted.view.key:
                view.form = posted.view.form
                view.dismiss_form = posted.view.dismiss_form
                view.account_form = posted.view.account_form
    invalidations = invalidation_list(edition=edition)
    flag_form = (
        posted.form
        if posted and isinstance(posted.form, FlagAccountForm)
        else FlagAccountForm(prefix="flag-account")
    )
    return render(
        request,
        "frontend/review/fraud.html",
        {
            "edition": edition,
            "flags": views,
            "signals_page": signals,
            "signals_total": signals.paginator.count + flagged_count,
            "computation": computation,
            "outdated": signals_outdated(edition=edition, computation=computation),
            "decisions": [(job, decision_error(job) if job.error else "") for job in decisions],
            "decisions_running": any(job.is_active for job in decisions),
            "recount_needed": edition.standings_recorded_at is not None
            and any(
                job.votes_invalidated and job.finished_at > edition.standings_recorded_at
                for job in decisions
                if job.finished_at
            ),
            "dismissed": dismissed,
            "error_form": posted.form if posted else None,
            "flag_form": flag_form,
            "exclusions": [
                (
                    exclusion,
                    posted.form
                    if posted and posted.exclusion_id == exclusion.pk
                    else ReinstateForm(prefix=f"reinstate-{exclusion.pk}"),
                )
                for exclusion in exclusions
            ],
            "invalidations": [(row, signal_kind_label(row.signal)) for row in invalidations],
            "invalidated_total": sum(row.votes for row in invalidations),
            "rows_shown": FLAG_ROWS_SHOWN,
        },
    )
