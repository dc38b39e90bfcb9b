"""The secretariat's nomination pages: an edition's queue of submissions (filters,
counts, bulk acceptance, exports) and each submission's page (every field, history,
probable duplicates, the decision forms).

The decisions are the services of ``awards.services.nomination``, the lists the
selectors and filters of ``awards``: these views read the request, call them and say
what happened.
"""

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import secretariat_required
from awards.duplicates import Duplicate, probable_duplicates
from awards.exports import download
from awards.filters import SubmissionFilter
from awards.models import Category, Edition, Project, ProjectStatus
from awards.permissions import nomination_is_open
from awards.selectors import (
    category_list,
    edition_status_counts,
    submission_get,
    submission_list,
    submission_list_by_ids,
    submission_titles,
)
from awards.services.nomination import (
    REJECTION_REASON_REQUIRED,
    nomination_accept,
    nomination_accept_many,
    nomination_reject,
)
from awards.workflow import ACCEPT, REJECT
from config.errors import REASON_MAX_LENGTH, DomainError
from frontend.current import current_edition, edition_or_404
from frontend.refusals import refusal_onto_form

QUEUE_PAGE_SIZE = 50
EXPORT_KINDS = ("csv", "xlsx")
INVALID_FILTERS_MESSAGE = _("Some filters are not valid: correct them to see the submissions.")

# The first option of each filter list, in place of django-filter's "---------".
ANY_CHOICE = {
    "category": _("Any category"),
    "status": _("Any status"),
    "country": _("Any country"),
    "region": _("Any region"),
    "stakeholder_type": _("Any type"),
}


class RejectForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Reason for the rejection"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The submitter reads it, by e-mail and on their projects page."),
        error_messages={"required": REJECTION_REASON_REQUIRED},
    )


@dataclass(frozen=True)
class QueueRow:
    project: Project
    duplicates: list[Duplicate]


@dataclass(frozen=True)
class Neighbour:
    pk: int
    title: str


# --- Helpers ---------------------------------------------------------------------------


def _decisions_open(request: HttpRequest, edition: Edition) -> bool:
    return nomination_is_open(edition, at=current_edition(request).at)


def _queue_url(edition: Edition) -> str:
    return reverse("frontend:submissions", args=[edition.year])


def _queue_filter(data: QueryDict, *, edition: Edition) -> SubmissionFilter:
    # Always bound (an empty query is valid and filters nothing), so that is_valid()
    # speaks of the values given rather than of whether any were.
    return SubmissionFilter(data, queryset=submission_list(edition=edition))


def _dress_filter_form(filterset: SubmissionFilter, *, categories: list[Category]) -> None:
    """Lists a person can choose from, in place of the bare number of the category and
    django-filter's "---------"."""
    fields = filterset.form.fields
    fields["category"].widget = forms.Select(
        choices=[(category.number, str(category)) for category in categories]
    )
    for field in fields.values():
        field.help_text = ""
    fields["search"].help_text = gettext("Words of the title, organisation or description.")
    fields["category"].error_messages["invalid"] = gettext("Choose a category from the list.")
    for name, label in ANY_CHOICE.items():
        field = fields[name]
        choices = [(value, text) for value, text in field.widget.choices if value != ""]
        field.widget.choices = [("", label), *choices]


def _selected_ids(values: list[str]) -> list[int]:
    # Only plain digits: "²".isdigit() is true, and int() refuses it.
    return [int(value) for value in values if value.isascii() and value.isdigit()]


def _titles(projects: list[Project]) -> str:
    return ", ".join(gettext("“%(title)s”") % {"title": project.title} for project in projects)


def _accept_selected(request: HttpRequest, edition: Edition) -> None:
    ids = _selected_ids(request.POST.getlist("project"))
    if not ids:
        messages.warning(request, gettext("Select at least one submission to accept."))
        return
    projects = submission_list_by_ids(edition=edition, ids=ids)
    if not projects:
        messages.warning(request, gettext("None of the selected submissions is in this queue."))
        return
    try:
        result = nomination_accept_many(projects=projects, by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.detail)
        return
    if result.accepted:
        count = len(result.accepted)
        messages.success(
            request,
            ngettext(
                "%(count)d submission accepted as a nominee.",
                "%(count)d submissions accepted as nominees.",
                count,
            )
            % {"count": count},
        )
    # One message per reason: a closed nomination refuses every project alike.
    by_reason: dict[str, list[Project]] = defaultdict(list)
    for project, why in result.skipped:
        by_reason[why].append(project)
    for why, skipped in by_reason.items():
        messages.warning(
            request,
            gettext("Not accepted: %(titles)s. %(why)s") % {"titles": _titles(skipped), "why": why},
        )


def _next_url(request: HttpRequest) -> str | None:
    """The page to go back to after a decision (the queue with its filters), if it is
    one of ours."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _submission_url(edition: Edition, pk: int, back: str | None) -> str:
    url = reverse("frontend:submission", args=[edition.year, pk])
    if back:
        url += "?" + QueryDict.fromkeys(["next"], value=back).urlencode()
    return url


def _neighbours(
    *, edition: Edition, project: Project, back: str | None
) -> tuple[Neighbour | None, Neighbour | None]:
    """The submissions before and after this one in the queue the secretariat came
    from: with its filters when ``back`` is that queue."""
    data = QueryDict()
    if back:
        parts = urlsplit(back)
        if parts.path == _queue_url(edition):
            data = QueryDict(parts.query)
    filterset = _queue_filter(data, edition=edition)
    queue: QuerySet[Project] = (
        filterset.qs if filterset.is_valid() else submission_list(edition=edition)
    )
    rows = submission_titles(queue)
    ids = [pk for pk, _ in rows]
    if project.pk not in ids:
        # The project left the filtered queue (its status changed, say): the whole queue.
        rows = submission_titles(submission_list(edition=edition))
        ids = [pk for pk, _ in rows]
    index = ids.index(project.pk)
    previous = Neighbour(*rows[index - 1]) if index > 0 else None
    following = Neighbour(*rows[index + 1]) if index + 1 < len(rows) else None
    return previous, following


def _decide(
    request: HttpRequest, *, edition: Edition, project: Project, back: str | None
) -> HttpResponse | RejectForm:
    """Carry out the decision posted: a redirect when it is taken or refused, or the
    rejection form with its errors to show again."""
    decision = request.POST.get("decision")
    here = _submission_url(edition, project.pk, back)
    reject_form = RejectForm(request.POST)
    try:
        if decision == "accept":
            nomination_accept(project=project, by=request.user)
            messages.success(
                request,
                gettext("“%(title)s” has been accepted as a nominee.") % {"title": project.title},
            )
        elif decision == "reject":
            if not reject_form.is_valid():
                return reject_form
            nomination_reject(
                project=project, by=request.user, reason=reject_form.cleaned_data["reason"]
            )
            messages.success(
                request,
                gettext("“%(title)s” has been rejected. The submitter is told the reason.")
                % {"title": project.title},
            )
        else:
            messages.error(request, gettext("Choose to accept or to reject the submission."))
            return redirect(here)
    except DomainError as refusal:
        if refusal_onto_form(reject_form, refusal):
            return reject_form
        messages.error(request, refusal.detail)
        return redirect(here)
    return redirect(back or _queue_url(edition))


# --- Views -----------------------------------------------------------------------------


@secretariat_required
@never_cache
@require_http_methods(["GET", "POST"])
def submissions(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    if request.method == "POST":
        _accept_selected(request, edition)
        # The form posts to the queue's own address: back to the same filters and page.
        return redirect(request.get_full_path())

    filterset = _queue_filter(request.GET, edition=edition)
    _dress_filter_form(filterset, categories=list(category_list(edition=edition)))
    filters_valid = filterset.is_valid()
    queue = filterset.qs if filters_valid else filterset.qs.none()
    page: Page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    duplicates = probable_duplicates(edition=edition)
    counts = edition_status_counts(edition=edition)
    in_queue = [row for row in counts if row.status != ProjectStatus.DRAFT]
    return render(
        request,
        "frontend/nomination/submissions.html",
        {
            "edition": edition,
            "filterset": filterset,
            "filters_valid": filters_valid,
            "filtered": filters_valid and any(filterset.form.cleaned_data.values()),
            "page": page,
            "rows": [QueueRow(project, duplicates.get(project.pk, [])) for project in page],
            "counts": in_queue,
            "total": sum(row.count for row in in_queue),
            "drafts": next(row.count for row in counts if row.status == ProjectStatus.DRAFT),
            "decisions_open": _decisions_open(request, edition),
        },
    )


@secretariat_required
@never_cache
@require_safe
def submissions_export(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    if kind not in EXPORT_KINDS:
        raise Http404(gettext("There is no %(kind)s export.") % {"kind": kind})
    edition = edition_or_404(request, year)
    filterset = _queue_filter(request.GET, edition=edition)
    if not filterset.is_valid():
        messages.error(
            request,
            gettext("Nothing was exported. %(why)s") % {"why": INVALID_FILTERS_MESSAGE},
        )
        return redirect(f"{_queue_url(edition)}?{request.GET.urlencode()}")
    return download(filterset.qs, kind=kind, name=f"wsis-prizes-{edition.year}-submissions")


@secretariat_required
@never_cache
@require_http_methods(["GET", "POST"])
def submission(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    project = submission_get(edition=edition, pk=pk)
    if project is None:
        raise Http404(gettext("There is no such submission in this edition."))
    back = _next_url(request)

    reject_form = RejectForm()
    if request.method == "POST":
        outcome = _decide(request, edition=edition, project=project, back=back)
        if isinstance(outcome, HttpResponse):
            return outcome
        reject_form = outcome

    previous, following = _neighbours(edition=edition, project=project, back=back)
    return render(
        request,
        "frontend/nomination/submission.html",
        {
            "edition": edition,
            "project": project,
            "back": back or _queue_url(edition),
            "next_param": back,
            "previous": previous,
            "following": following,
            "previous_url": previous and _submission_url(edition, previous.pk, back),
            "following_url": following and _submission_url(edition, following.pk, back),
            "duplicates": probable_duplicates(edition=edition).get(project.pk, []),
            "decisions_open": _decisions_open(request, edition),
            "can_accept": project.status in ACCEPT.sources,
            "can_reject": project.status in REJECT.sources,
            "reject_form": reject_form,
        },
    )
