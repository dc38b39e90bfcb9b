"""The submitter's pages: my projects in an edition, a draft with its files and its
submission, and the record of a submitted project with its history.

Every change goes through the services of ``awards.services.projects``, which decide;
a refusal comes back as a domain error and is shown on the field it concerns.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.decorators import confirmed_email_required
from awards.files import (
    DOCUMENT_UPLOAD,
    DRAFT_UPLOAD,
    IMAGES_UPLOAD,
    LOGO_UPLOAD,
    MAX_DOCUMENT_BYTES,
    MAX_IMAGE_BYTES,
    MEGABYTE,
)
from awards.models import (
    MAX_PROJECT_IMAGES,
    Category,
    Edition,
    Project,
)
from awards.permissions import (
    can_download_certificates,
    project_is_editable,
    submission_is_open,
)
from awards.phases import Phase
from awards.rules import (
    REQUIRED_FIELDS,
    SHORT_DESCRIPTION_MAX_WORDS,
    SHORT_DESCRIPTION_MIN_WORDS,
    submission_problems_with,
    word_count,
)
from awards.selectors import (
    category_list,
    project_get_for_owner,
    project_list_for_owner,
    sdg_list,
)
from awards.services import (
    project_create,
    project_delete,
    project_document_set,
    project_image_remove,
    project_images_add,
    project_logo_set,
    project_submit,
    project_update,
)
from awards.services.projects import EDITABLE_FIELDS, SubmissionInvalid
from awards.translations import (
    language_name,
    translation_field,
    translation_fields,
    translation_label,
    translation_languages,
)
from config.errors import DomainError, NotFound
from config.uploads import UploadLimits, upload_limits
from frontend.current import current_edition, edition_or_404

View = Callable[..., HttpResponse]

IMAGE_TYPES = "image/jpeg,image/png,image/webp"
# The draft's form: its files are sent with its text (their inputs stand in the files'
# section of the page and belong to the form by their ``form`` attribute).
PROJECT_FORM_ID = "project-form"

# --- Forms -----------------------------------------------------------------------------


class ProjectStartForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), empty_label=_("Choose a category")
    )
    title = forms.CharField(label=_("Project title"), max_length=255)

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


HINTS = {
    "organisation_name": _("The organisation that runs the project: it need not be yours."),
    "website": _("The project's web address, if it has one."),
    "sdgs": _("Every goal the project contributes to: at least one."),
    "linkage": _("How the project serves the WSIS Action Lines and the goals chosen above."),
    "impact": _(
        "What has changed for the people the project serves, with figures if you have them."
    ),
    "partnerships": _("Who the project works with, and how."),
    "challenges": _("What stood in the project's way, and how it dealt with it."),
    "outlook": _("What comes next for the project."),
    "stage": _("Projects still in development cannot be submitted yet."),
}
BLANK_CHOICES = {
    "stakeholder_type": _("Choose a stakeholder type"),
    "country": _("Choose a country"),
    "region": _("Choose a region"),
    "stage": _("Choose a stage"),
}
TEXT_ROWS = {"short_description": 10}
NEEDED_TO_SUBMIT = {*REQUIRED_FIELDS, "sdgs"}


def _draft_field(name: str) -> forms.Field:
    """The model's own form field (label, length, choices), with the page's hint."""
    model_field = Project._meta.get_field(name)
    extra = {"assume_scheme": "https"} if name == "website" else {}
    field = model_field.formfield(required=name in NEEDED_TO_SUBMIT, **extra)
    if name in HINTS:
        field.help_text = HINTS[name]
    if name in BLANK_CHOICES:
        field.choices = [("", BLANK_CHOICES[name]), *list(field.choices)[1:]]
    if isinstance(field.widget, forms.Textarea):
        field.widget.attrs["rows"] = TEXT_ROWS.get(name, 5)
        del field.widget.attrs["cols"]  # the width comes from the style sheet
    return field


def words_now(words: int) -> str:
    return ngettext("It has %(count)d word now.", "It has %(count)d words now.", words) % {
        "count": words
    }


def _count_words_live(field: forms.Field, text: str) -> None:
    """The field's hint tells the word limit and how many words it has now, which
    frontend/static/frontend/word-count.js updates as the person types."""
    words = word_count(text)
    field.widget.attrs.update(
        {
            "data-min-words": SHORT_DESCRIPTION_MIN_WORDS,
            "data-max-words": SHORT_DESCRIPTION_MAX_WORDS,
        }
    )
    within = SHORT_DESCRIPTION_MIN_WORDS <= words <= SHORT_DESCRIPTION_MAX_WORDS
    field.help_text = format_html(
        '{} <span class="word-count{}" data-word-count>{}</span>',
        gettext("What voters read: %(min)d to %(max)d words.")
        % {"min": SHORT_DESCRIPTION_MIN_WORDS, "max": SHORT_DESCRIPTION_MAX_WORDS},
        "" if within else " word-count--outside",
        words_now(words),
    )


def _translation_form_field(field: str, language: str) -> forms.Field:
    """The title or short description in another language: optional, typed in that
    language (the browser checks its spelling so)."""
    if field == "title":
        form_field = forms.CharField(
            label=translation_label(field, language),
            max_length=Project._meta.get_field("title").max_length,
            required=False,
        )
    else:
        form_field = forms.CharField(
            label=translation_label(field, language),
            required=False,
            widget=forms.Textarea(attrs={"rows": TEXT_ROWS["short_description"]}),
        )
    form_field.widget.attrs.update({"lang": language, "dir": "auto"})
    return form_field


def _text_fields() -> tuple[str, ...]:
    """The draft's fields, its title and short description in other languages too."""
    return (*EDITABLE_FIELDS, *translation_fields())


class ProjectForm(forms.Form):
    """Every field of a draft. A draft may be saved incomplete, so only the title is
    needed to save; the fields the submission rules need are still marked as required
    (no "(optional)" beside them) so that the form tells what submitting will ask."""

    use_required_attribute = False

    # A draft may move to another category of its edition until it is submitted; a post
    # without it leaves the category as it is.
    category = forms.TypedChoiceField(
        label=_("Category"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("You can move the draft to another category until you submit it."),
    )
    sdgs = forms.ModelMultipleChoiceField(
        label=_("Sustainable Development Goals"),
        queryset=sdg_list(),
        to_field_name="number",
        widget=forms.CheckboxSelectMultiple,
        help_text=HINTS["sdgs"],
    )

    def __init__(self, *args: Any, categories: Iterable[Category] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {category.pk: category for category in categories}
        self.fields["category"].choices = [
            (pk, str(category)) for pk, category in self.categories.items()
        ]
        for name in EDITABLE_FIELDS:
            self.fields[name] = _draft_field(name)
        for language in translation_languages():
            for field in ("title", "short_description"):
                name = translation_field(field, language)
                self.fields[name] = _translation_form_field(field, language)
        self.order_fields([*EDITABLE_FIELDS[:6], "stage", "short_description", "sdgs"])
        source = self.data if self.is_bound else self.initial
        for name in ("short_description", *translation_fields()):
            if name.startswith("short_description"):
                _count_words_live(self.fields[name], str(source.get(name) or ""))

    @classmethod
    def of(cls, project: Project) -> "ProjectForm":
        initial = {name: getattr(project, name) for name in _text_fields()}
        initial["country"] = project.country.code or ""
        initial["sdgs"] = [goal.number for goal in project.sdgs.all()]
        initial["category"] = project.category_id
        return cls(initial=initial, categories=category_list(edition=project.edition))

    def translation_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """For each other language: its code, its name, and its two fields."""
        return [
            (
                language,
                language_name(language),
                [
                    self[translation_field(field, language)]
                    for field in ("title", "short_description")
                ],
            )
            for language in translation_languages()
        ]

    def full_clean(self) -> None:
        lenient = [name for name in NEEDED_TO_SUBMIT - {"title"} if self.fields[name].required]
        for name in lenient:
            self.fields[name].required = False
        try:
            super().full_clean()
        finally:
            for name in lenient:
                self.fields[name].required = True

    def project_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in _text_fields()}

    def typed_data(self) -> dict[str, Any]:
        """The values of the fields that are valid, even when others are not."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in _text_fields() if name in cleaned}

    def typed_sdg_numbers(self) -> list[int] | None:
        """The goals chosen, or None when what was sent is not valid."""
        cleaned = getattr(self, "cleaned_data", {})
        return [goal.number for goal in cleaned["sdgs"]] if "sdgs" in cleaned else None

    def sdg_numbers(self) -> list[int]:
        return [goal.number for goal in self.cleaned_data["sdgs"]]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, each checked as a FileField checks one."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        files = [file for file in (data if isinstance(data, list | tuple) else [data]) if file]
        if not files:
            super().clean(None, initial)  # refused as missing
            return []
        checked = []
        for file in files:
            checked.append(super().clean(file, initial))
        return checked


class _FileForm(forms.Form):
    """One kind of file of a draft. Sent alone (to its own address) it must carry a
    file; sent with the draft's text (``with_text``), an empty input changes nothing."""

    upload = ""  # the field's name, and what it accepts: set by each form
    limits: UploadLimits

    def __init__(self, *args: Any, with_text: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields[self.upload]
        field.help_text = self.hint()
        field.required = not with_text
        # On the page the input belongs to the draft's form, wherever it stands.
        field.widget.attrs.update({**self.limits.widget_attrs(), "form": PROJECT_FORM_ID})

    def hint(self) -> str:
        raise NotImplementedError

    @property
    def chosen(self) -> Any:
        """The checked upload(s), or nothing when no file was chosen."""
        return self.cleaned_data.get(self.upload) if self.is_bound and self.is_valid() else None


class LogoForm(_FileForm):
    upload = "logo"
    limits = LOGO_UPLOAD
    logo = forms.FileField(
        label=_("Image file"),
        error_messages={"required": _("Choose an image file for the logo.")},
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
    )

    def hint(self) -> str:
        return gettext(
            "A JPEG, PNG or WebP image of %(megabytes)d MB at most, shown beside the "
            "project's title."
        ) % {"megabytes": MAX_IMAGE_BYTES // MEGABYTE}


class ImagesForm(_FileForm):
    upload = "images"
    limits = IMAGES_UPLOAD
    images = MultipleFileField(
        label=_("Image files to add"),
        error_messages={"required": _("Choose one or more image files.")},
        widget=MultipleFileInput(attrs={"accept": IMAGE_TYPES}),
    )

    def __init__(self, *args: Any, room: int, **kwargs: Any) -> None:
        self.room = room
        super().__init__(*args, **kwargs)

    def hint(self) -> str:
        return gettext(
            "JPEG, PNG or WebP, %(megabytes)d MB each, %(most)d in all: you can add "
            "%(room)d more. Choose several files at once if you like."
        ) % {
            "megabytes": MAX_IMAGE_BYTES // MEGABYTE,
            "most": MAX_PROJECT_IMAGES,
            "room": self.room,
        }


class DocumentForm(_FileForm):
    upload = "document"
    limits = DOCUMENT_UPLOAD
    document = forms.FileField(
        label=_("PDF file"),
        error_messages={"required": _("Choose a PDF file.")},
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )

    def hint(self) -> str:
        return gettext(
            "One PDF of %(megabytes)d MB at most, for readers who want to know more."
        ) % {"megabytes": MAX_DOCUMENT_BYTES // MEGABYTE}


# --- Helpers ---------------------------------------------------------------------------


def _writing_needs_confirmed_email(view: View) -> View:
    """Anyone signed in may look; changing anything needs a confirmed e-mail address,
    as submitting does (the refusal leads to the page that sends the confirmation)."""
    gated = confirmed_email_required(view)

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            return gated(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return login_required(never_cache(guarded))


def _own_project(request: HttpRequest, year: int, pk: int) -> Project:
    """The person's project, or 404: another person's project is as good as absent."""
    edition = edition_or_404(request, year)
    project = project_get_for_owner(edition=edition, owner=request.user, pk=pk)
    if project is None:
        raise Http404(gettext("There is no such project among yours."))
    return project


def _submission_context(request: HttpRequest, edition: Edition) -> dict[str, Any]:
    current = current_edition(request)
    return {
        "submission": edition.window(Phase.SUBMISSION),
        "submission_open": submission_is_open(edition, at=current.at),
        # Submission is the first phase: before anything has started, it is still ahead.
        "submission_ahead": not current.state_of(edition).has_started,
    }


def _refusal_onto(form: forms.Form, refusal: DomainError) -> None:
    """Each message of a service's refusal on its field; what concerns no field of the
    form, and the refusal's summary, above the form."""
    messages_shown = {message for texts in refusal.errors.values() for message in texts}
    if refusal.detail not in messages_shown:
        form.add_error(None, refusal.detail)
    for field, texts in refusal.errors.items():
        form.add_error(field if field in form.fields else None, texts)


def _back_to_project(request: HttpRequest, project: Project) -> HttpResponse:
    return redirect("frontend:my-project", year=project.edition.year, pk=project.pk)


def _refused(
    request: HttpRequest, project: Project, refusal: DomainError, **bound_forms: forms.Form
) -> HttpResponse:
    """The project page again after a refusal: with the form and its errors when the
    refusal concerns its fields, otherwise with the message above the page as it now
    stands (closed, already submitted: the page shows why nothing can change)."""
    if isinstance(refusal, NotFound):
        raise Http404(refusal.detail)
    if refusal.errors and bound_forms:
        for form in bound_forms.values():
            _refusal_onto(form, refusal)
        return _project_page(
            request, _own_project(request, project.edition.year, project.pk), **bound_forms
        )
    messages.error(request, refusal.detail)
    return _back_to_project(request, project)


def _editable(request: HttpRequest, project: Project) -> bool:
    """Whether the page offers to change the project (the services decide on each
    change, by the same rule; this only spares the person forms that would be
    refused). Looking needs no confirmed address: saving does, and asks for it."""
    return project_is_editable(project, at=current_edition(request).at)


def _room(project: Project) -> int:
    """How many more images the project may have (its images are prefetched)."""
    return MAX_PROJECT_IMAGES - len(project.images.all())


def _project_page(
    request: HttpRequest, project: Project, **bound_forms: forms.Form
) -> HttpResponse:
    context = {
        "edition": project.edition,
        "project": project,
        "certificates": can_download_certificates(request.user, project),
        **_submission_context(request, project.edition),
    }
    if not _editable(request, project):
        return render(request, "frontend/submitter/project.html", context)
    room = _room(project)
    forms_shown = {
        "form": ProjectForm.of(project),
        "logo_form": LogoForm(with_text=True),
        "images_form": ImagesForm(room=room, with_text=True),
        "document_form": DocumentForm(with_text=True),
        **bound_forms,
    }
    return render(
        request,
        "frontend/submitter/project_edit.html",
        {**context, **forms_shown, "room": room},
    )


# --- Views -----------------------------------------------------------------------------


@_writing_needs_confirmed_email
@require_http_methods(["GET", "POST"])
def my_projects(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    form = ProjectStartForm(request.POST or None, categories=category_list(edition=edition))
    if request.method == "POST" and form.is_valid():
        try:
            project = project_create(
                edition=edition,
                category=form.cleaned_data["category"],
                by=request.user,
                data={"title": form.cleaned_data["title"]},
            )
        except DomainError as refusal:
            if not refusal.errors:  # closed, say: the page shows why
                messages.error(request, refusal.detail)
                return redirect("frontend:my-projects", year=edition.year)
            _refusal_onto(form, refusal)
        else:
            messages.success(
                request,
                gettext(
                    "Your draft “%(title)s” is saved. Fill in the rest at your pace, "
                    "then submit it."
                )
                % {"title": project.title},
            )
            return redirect("frontend:my-project", year=edition.year, pk=project.pk)
    projects = project_list_for_owner(edition=edition, owner=request.user, details=False)
    return render(
        request,
        "frontend/submitter/my_projects.html",
        {
            "edition": edition,
            "projects": projects,
            "form": form,
            **_submission_context(request, edition),
        },
    )


@upload_limits(DRAFT_UPLOAD)
@_writing_needs_confirmed_email
@require_http_methods(["GET", "POST"])
def my_project(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    project = _own_project(request, year, pk)
    if request.method == "GET":
        return _project_page(request, project)
    try:
        return _save_draft(request, project)
    except DomainError as refusal:  # one that concerns no field: closed, submitted
        return _refused(request, project, refusal)


class _Saving:
    """What one post of the draft's page saved, and the refusals of what it did not,
    each on the form of its field."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.done: list[str] = []

    def attempt(self, change: Callable[[], object], form: forms.Form, done: str) -> bool:
        try:
            change()
        except DomainError as refusal:
            if not refusal.errors:
                raise
            _refusal_onto(form, refusal)
            return False
        self.done.append(done)
        return True

    def tell(self) -> None:
        for done in self.done:
            messages.success(self.request, done)


def _save_draft(request: HttpRequest, project: Project) -> HttpResponse:
    """The draft's text and the files chosen with it come in one post: each part that
    is valid is saved, and when any part is refused the page comes back with everything
    typed still in its fields and each problem on its field (a file must be chosen
    again: browsers keep no file across pages)."""
    user = request.user
    form = ProjectForm(request.POST, categories=category_list(edition=project.edition))
    file_forms = {
        "logo_form": LogoForm(request.POST, request.FILES, with_text=True),
        "images_form": ImagesForm(request.POST, request.FILES, room=_room(project), with_text=True),
        "document_form": DocumentForm(request.POST, request.FILES, with_text=True),
    }
    saving = _Saving(request)
    if form.is_valid():
        saving.attempt(
            lambda: project_update(
                project=project,
                by=user,
                data=form.project_data(),
                sdgs=form.sdg_numbers(),
                category=form.categories.get(form.cleaned_data["category"]),
            ),
            form,
            gettext("Your draft is saved."),
        )
    if request.POST.get("remove_image"):
        image_id = _image_id(request.POST["remove_image"])
        saving.attempt(
            lambda: project_image_remove(project=project, by=user, image_id=image_id),
            form,
            gettext("The image is removed."),
        )
    if request.POST.get("remove_document"):
        saving.attempt(
            lambda: project_document_set(project=project, by=user, upload=None),
            form,
            gettext("The PDF document is removed."),
        )
    logo, images, document = (each.chosen for each in file_forms.values())
    if logo:
        saving.attempt(
            lambda: project_logo_set(project=project, by=user, upload=logo),
            file_forms["logo_form"],
            gettext("The logo is saved."),
        )
    if images:
        saving.attempt(
            lambda: project_images_add(project=project, by=user, uploads=images),
            file_forms["images_form"],
            _images_added(len(images)),
        )
    if document:
        saving.attempt(
            lambda: project_document_set(project=project, by=user, upload=document),
            file_forms["document_form"],
            gettext("The PDF document is saved."),
        )
    submitting = request.POST.get("action") == "submit"
    refused = {name: each for name, each in file_forms.items() if each.errors}
    if form.errors or refused:
        return _save_refused(request, project, saving, form, refused, submitting=submitting)
    saving.tell()
    if not submitting:
        return _back_to_project(request, project)
    try:
        project_submit(project=project, by=user)
    except DomainError as refusal:
        messages.info(request, gettext("Your changes are saved, but the project is still a draft."))
        return _refused(request, project, refusal, form=form)
    messages.success(
        request,
        gettext(
            "Your project is submitted. The secretariat will review it; this page shows "
            "its progress."
        ),
    )
    return _back_to_project(request, project)


def _images_added(count: int) -> str:
    return ngettext("%(count)d image added.", "%(count)d images added.", count) % {"count": count}


def _image_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404(gettext("There is no such image in this project.")) from None


def _save_refused(
    request: HttpRequest,
    project: Project,
    saving: _Saving,
    form: "ProjectForm",
    refused_files: dict[str, forms.Form],
    *,
    submitting: bool,
) -> HttpResponse:
    """The page again, with what was typed and every problem at once: the fields' own,
    the files', and, when the person asked to submit, every submission rule the draft
    fails with what was typed (a malformed field hides none of them)."""
    saving.tell()
    if form.errors:
        messages.error(
            request,
            gettext(
                "Your changes are not saved yet: correct what is marked below, then save "
                "again. What you typed is still in the form."
            ),
        )
    project = _own_project(request, project.edition.year, project.pk)
    if submitting:
        messages.info(request, gettext("The project is not submitted: it is still a draft."))
        problems = submission_problems_with(
            project, data=form.typed_data(), sdgs=form.typed_sdg_numbers()
        )
        unmarked = {field: texts for field, texts in problems.items() if field not in form.errors}
        if unmarked:
            _refusal_onto(form, SubmissionInvalid(errors=unmarked))
    return _project_page(request, project, form=form, **refused_files)


def _draft_action(action: Callable[..., HttpResponse]) -> View:
    """A change to one of the person's drafts, posted from its page (a GET, say after
    reloading the page that showed a refusal, goes back to that page)."""

    @_writing_needs_confirmed_email
    @require_http_methods(["GET", "POST"])
    @wraps(action)
    def view(request: HttpRequest, year: int, pk: int, **kwargs: Any) -> HttpResponse:
        project = _own_project(request, year, pk)
        if request.method == "GET":
            return _back_to_project(request, project)
        return action(request, project, **kwargs)

    return view


def _change(
    request: HttpRequest,
    project: Project,
    change: Callable[[], object],
    *,
    done: str,
    **bound_forms: forms.Form,
) -> HttpResponse:
    try:
        change()
    except DomainError as refusal:
        return _refused(request, project, refusal, **bound_forms)
    messages.success(request, done)
    return _back_to_project(request, project)


@upload_limits(LOGO_UPLOAD)
@_draft_action
def my_project_logo(request: HttpRequest, project: Project) -> HttpResponse:
    form = LogoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _project_page(request, project, logo_form=form)
    return _change(
        request,
        project,
        lambda: project_logo_set(
            project=project, by=request.user, upload=form.cleaned_data["logo"]
        ),
        done=gettext("The logo is saved."),
        logo_form=form,
    )


@upload_limits(IMAGES_UPLOAD)
@_draft_action
def my_project_images(request: HttpRequest, project: Project) -> HttpResponse:
    form = ImagesForm(request.POST, request.FILES, room=_room(project))
    if not form.is_valid():
        return _project_page(request, project, images_form=form)
    uploads = form.cleaned_data["images"]
    return _change(
        request,
        project,
        lambda: project_images_add(project=project, by=request.user, uploads=uploads),
        done=_images_added(len(uploads)),
        images_form=form,
    )


@_draft_action
def my_project_image_remove(request: HttpRequest, project: Project, image_id: int) -> HttpResponse:
    return _change(
        request,
        project,
        lambda: project_image_remove(project=project, by=request.user, image_id=image_id),
        done=gettext("The image is removed."),
    )


@upload_limits(DOCUMENT_UPLOAD)
@_draft_action
def my_project_document(request: HttpRequest, project: Project) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _project_page(request, project, document_form=form)
    return _change(
        request,
        project,
        lambda: project_document_set(
            project=project, by=request.user, upload=form.cleaned_data["document"]
        ),
        done=gettext("The PDF document is saved."),
        document_form=form,
    )


@_draft_action
def my_project_document_remove(request: HttpRequest, project: Project) -> HttpResponse:
    return _change(
        request,
        project,
        lambda: project_document_set(project=project, by=request.user, upload=None),
        done=gettext("The PDF document is removed."),
    )


@_writing_needs_confirmed_email
@require_http_methods(["GET", "POST"])
def my_project_delete(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    project = _own_project(request, year, pk)
    if request.method == "GET":
        if not _editable(request, project):
            return _back_to_project(request, project)
        return render(
            request,
            "frontend/submitter/project_delete.html",
            {"edition": project.edition, "project": project},
        )
    try:
        project_delete(project=project, by=request.user)
    except DomainError as refusal:
        return _refused(request, project, refusal)
    messages.success(
        request, gettext("The draft “%(title)s” is deleted.") % {"title": project.title}
    )
    return redirect("frontend:my-projects", year=project.edition.year)
