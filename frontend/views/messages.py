"""The secretariat's messages to a segment of an edition: the list with each message's
progress, writing a draft, its preview with the recipient count (the confirmation
page), sending, and each message with its recipients.

The rules are ``outreach``'s services and selectors: these views read the request, call
them and say what happened."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import secretariat_required
from awards.models import Category, Edition
from awards.selectors import category_list
from config.errors import DomainError
from frontend.current import edition_or_404
from frontend.refusals import refusal_onto_form
from outreach.models import Message, MessageStatus, Segment
from outreach.permissions import segment_is_open
from outreach.selectors import (
    audience_get,
    message_get,
    message_list,
    message_recipient_list,
    recipient_state,
)
from outreach.services import (
    SUBJECT_MAX,
    RecipientsChanged,
    message_draft_create,
    message_draft_update,
    message_render,
)
from outreach.services import message_send as message_send_service

MESSAGES_PER_PAGE = 50
RECIPIENTS_PER_PAGE = 100

RECIPIENT_STATES = {
    "waiting": _("Waiting"),
    "queued": _("Queued"),
    "sent": _("Sent"),
    "failed": _("Failed, tried again"),
    "skipped": _("Skipped"),
}


class MessageForm(forms.Form):
    segment = forms.ChoiceField(label=_("Recipients"), choices=Segment.choices)
    category = forms.TypedChoiceField(
        label=_("Category"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Only for the jurors of a category."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Plain text. Each recipient reads it between a greeting and a footer in their "
            "own language."
        ),
    )

    def __init__(self, *args, edition: Edition, categories: list[Category], **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {category.number: category for category in categories}
        self.fields["category"].choices = [
            ("", gettext("No category")),
            *((category.number, str(category)) for category in categories),
        ]
        if not segment_is_open(edition, Segment.WINNERS):
            self.fields["segment"].help_text = gettext(
                "The Winners can be written to once the results are published."
            )

    def category_chosen(self) -> Category | None:
        number = self.cleaned_data.get("category")
        return self.categories.get(number) if number is not None else None


class SendForm(forms.Form):
    # The count the page showed: sending to another set of people than the one
    # confirmed is refused.
    recipients = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


def _message_or_404(edition: Edition, pk: int) -> Message:
    message = message_get(edition=edition, pk=pk)
    if message is None:
        raise Http404(gettext("No such message."))
    return message


def _form_page(request, edition, form, message=None) -> HttpResponse:
    return render(
        request,
        "frontend/messages/compose.html",
        {"edition": edition, "form": form, "message": message},
        status=400 if form.is_bound and form.errors else 200,
    )


def _save_draft(request, edition, form, message=None) -> HttpResponse:
    if form.is_valid():
        data = form.cleaned_data
        arguments = {
            "by": request.user,
            "segment": data["segment"],
            "category": form.category_chosen(),
            "subject": data["subject"],
            "body": data["body"],
        }
        try:
            if message is None:
                message = message_draft_create(edition=edition, **arguments)
            else:
                message = message_draft_update(message=message, **arguments)
        except DomainError as refusal:
            if not refusal_onto_form(form, refusal):
                form.add_error(None, refusal.detail)
        else:
            return redirect("frontend:message", edition.year, message.pk)
    return _form_page(request, edition, form, message)


@secretariat_required
@never_cache
@require_safe
def message_index(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    page = Paginator(message_list(edition=edition), MESSAGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "frontend/messages/list.html", {"edition": edition, "page": page})


@secretariat_required
@never_cache
@require_http_methods(["GET", "POST"])
def message_new(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    categories = list(category_list(edition=edition))
    if request.method == "POST":
        form = MessageForm(request.POST, edition=edition, categories=categories)
        return _save_draft(request, edition, form)
    form = MessageForm(edition=edition, categories=categories)
    return _form_page(request, edition, form)


@secretariat_required
@never_cache
@require_http_methods(["GET", "POST"])
def message_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    message = _message_or_404(edition, pk)
    if message.status != MessageStatus.DRAFT:
        messages.warning(request, gettext("This message has been sent: it cannot be changed."))
        return redirect("frontend:message", edition.year, message.pk)
    categories = list(category_list(edition=edition))
    if request.method == "POST":
        form = MessageForm(request.POST, edition=edition, categories=categories)
        return _save_draft(request, edition, form, message)
    form = MessageForm(
        edition=edition,
        categories=categories,
        initial={
            "segment": message.segment,
            "category": message.category.number if message.category else None,
            "subject": message.subject,
            "body": message.body,
        },
    )
    return _form_page(request, edition, form, message)


def _draft_context(edition: Edition, message: Message) -> dict:
    audience = audience_get(edition=edition, segment=message.segment, category=message.category)
    sample = audience.sample
    preview = message_render(message=message, member=sample) if sample else None
    return {
        "audience": audience,
        "reachable_count": len(audience.reachable),
        "skipped_count": len(audience.skipped),
        "sample": sample,
        "preview": preview,
        "send_form": SendForm(initial={"recipients": len(audience.reachable)}),
        "segment_open": segment_is_open(edition, message.segment),
    }


@secretariat_required
@never_cache
@require_safe
def message_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    message = _message_or_404(edition, pk)
    context = {"edition": edition, "message": message}
    if message.status == MessageStatus.DRAFT:
        context.update(_draft_context(edition, message))
    else:
        page = Paginator(message_recipient_list(message=message), RECIPIENTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context["page"] = page
        context["rows"] = [
            (recipient, RECIPIENT_STATES[state], state)
            for recipient in page
            for state in [recipient_state(recipient)]
        ]
    return render(request, "frontend/messages/detail.html", context)


@secretariat_required
@never_cache
@require_POST
def message_send(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    message = _message_or_404(edition, pk)
    if message.status != MessageStatus.DRAFT:
        messages.info(request, gettext("This message has been sent already."))
        return redirect("frontend:message", edition.year, message.pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.warning(request, str(RecipientsChanged.default_detail))
        return redirect("frontend:message", edition.year, message.pk)
    try:
        message = message_send_service(
            message=message, by=request.user, expected=form.cleaned_data["recipients"]
        )
    except DomainError as refusal:
        messages.error(request, refusal.detail)
        return redirect("frontend:message", edition.year, message.pk)
    count = form.cleaned_data["recipients"]
    messages.success(
        request,
        ngettext(
            "The message is being sent to %(count)d recipient.",
            "The message is being sent to %(count)d recipients.",
            count,
        )
        % {"count": count},
    )
    return redirect("frontend:message", edition.year, message.pk)
