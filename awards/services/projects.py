"""The submitter's side: drafts, their files, and submission (DESIGN.md, phase 1)."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.errors import EmailNotVerified
from accounts.models import User
from accounts.permissions import has_confirmed_email
from accounts.services import email_send_templated
from awards.files import CheckedFile, document_check, image_check
from awards.models import (
    MAX_PROJECT_IMAGES,
    Category,
    Edition,
    Project,
    ProjectEvent,
    ProjectEventKind,
    ProjectImage,
    SustainableDevelopmentGoal,
)
from awards.permissions import is_project_owner, may_edit_project, submission_is_open
from awards.rules import submission_problems
from awards.translations import translation_fields
from awards.workflow import SUBMIT, project_transition
from config.errors import Conflict, DomainError, NotAllowed, NotFound

EDITABLE_FIELDS = (
    "title",
    "organisation_name",
    "stakeholder_type",
    "country",
    "region",
    "website",
    "short_description",
    "linkage",
    "impact",
    "partnerships",
    "challenges",
    "outlook",
    "stage",
)
# Besides them, the title and short description in each other language
# (awards.translations): an empty one is removed.


def _editable_fields() -> tuple[str, ...]:
    return (*EDITABLE_FIELDS, *translation_fields())


class SubmissionClosed(NotAllowed):
    code = "submission_closed"
    default_detail = _(
        "The submission phase of this edition is not open: projects cannot be created, "
        "edited or submitted now."
    )


class ProjectNotEditable(Conflict):
    code = "project_not_editable"
    default_detail = _("Only drafts can be changed: this project has already been submitted.")


class SubmissionInvalid(DomainError):
    code = "submission_invalid"
    default_detail = _("The project cannot be submitted yet: each field says what it needs.")


class ProjectInvalid(DomainError):
    code = "invalid"
    default_detail = _("Some of the project's data is not valid.")


class WrongCategory(DomainError):
    code = "wrong_category"
    default_detail = _("This category does not belong to the project's edition.")


class TooManyImages(DomainError):
    code = "too_many_images"


def _moment(at: datetime | None) -> datetime:
    return at or timezone.now()


def _require_submission_open(edition: Edition, at: datetime) -> None:
    if not submission_is_open(edition, at=at):
        raise SubmissionClosed()


def _require_submitter(user: User) -> None:
    if not has_confirmed_email(user):
        raise EmailNotVerified()


def _locked_draft(project: Project, by: User, at: datetime) -> Project:
    """The project, locked for this transaction, after checking that ``by`` owns it,
    that it is still a draft and that submission is open."""
    locked = Project.objects.select_for_update().select_related("edition").get(pk=project.pk)
    if not may_edit_project(by, locked, at=at):
        if not is_project_owner(by, locked):
            raise NotFound(gettext("No such project among yours."))
        _require_submitter(by)
        _require_submission_open(locked.edition, at)
        raise ProjectNotEditable()
    return locked


def _apply(project: Project, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(_editable_fields())
    if unknown:
        raise ProjectInvalid(
            gettext("Not project fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    translations = set(translation_fields())
    for field, value in data.items():
        value = value.strip() if isinstance(value, str) else value
        setattr(project, field, (value or None) if field in translations else value)
    try:
        # Field-level checks only (lengths, choices, URLs): a draft may be incomplete,
        # and the contest's rules are checked on submission.
        project.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ProjectInvalid(errors=error.message_dict) from None


def _set_sdgs(project: Project, sdgs: Iterable[int] | None) -> None:
    if sdgs is None:
        return
    numbers = sorted(set(sdgs))
    goals = list(SustainableDevelopmentGoal.objects.filter(number__in=numbers))
    if len(goals) != len(numbers):
        raise ProjectInvalid(gettext("SDGs are numbered 1 to 17."), field="sdgs")
    project.sdgs.set(goals)


@transaction.atomic
def project_create(
    *,
    edition: Edition,
    category: Category,
    by: User,
    data: Mapping[str, Any],
    sdgs: Iterable[int] | None = None,
    at: datetime | None = None,
) -> Project:
    """Start a draft in ``category``; it may be incomplete."""
    at = _moment(at)
    _require_submitter(by)
    _require_submission_open(edition, at)
    if category.edition_id != edition.pk:
        raise WrongCategory(field="category")
    project = Project(edition=edition, category=category, submitted_by=by)
    _apply(project, data)
    project.save()
    _set_sdgs(project, sdgs)
    ProjectEvent.objects.create(project=project, kind=ProjectEventKind.DRAFTED, actor=by, at=at)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    by: User,
    data: Mapping[str, Any],
    sdgs: Iterable[int] | None = None,
    category: Category | None = None,
    at: datetime | None = None,
) -> Project:
    """Change a draft's fields (those given), its SDGs or its category."""
    at = _moment(at)
    project = _locked_draft(project, by, at)
    if category is not None:
        if category.edition_id != project.edition_id:
            raise WrongCategory(field="category")
        project.category = category
    _apply(project, data)
    project.save()
    _set_sdgs(project, sdgs)
    return project


@transaction.atomic
def project_delete(*, project: Project, by: User, at: datetime | None = None) -> None:
    """Throw away a draft."""
    project = _locked_draft(project, by, _moment(at))
    files = [project.logo, project.document, *(image.image for image in project.images.all())]
    project.delete()
    _delete_after_commit(files)


@transaction.atomic
def project_submit(*, project: Project, by: User, at: datetime | None = None) -> Project:
    """Submit a draft: every rule is checked and all failures are reported together."""
    at = _moment(at)
    project = _locked_draft(project, by, at)
    problems = submission_problems(project)
    if problems:
        raise SubmissionInvalid(errors=problems)
    try:
        with transaction.atomic():
            project_transition(project=project, transition=SUBMIT, actor=by, at=at, submitted_at=at)
    except IntegrityError:
        # Another submission of the same organisation won the race since the check.
        raise SubmissionInvalid(errors=submission_problems(project)) from None
    email_send_templated(
        to=by.email,
        language=by.language,
        template_prefix="awards/email/project_submitted",
        context={"user": by, "project": project},
    )
    return project


# --- Files ---------------------------------------------------------------------------


def _delete_after_commit(files: Iterable[FieldFile]) -> None:
    names = [(file.storage, file.name) for file in files if file]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


def _store(file_field: FieldFile, checked: CheckedFile, saved: list[FieldFile]) -> None:
    file_field.save(checked.name, checked.upload, save=False)
    saved.append(file_field)


def _forget_on_failure(saved: list[FieldFile]) -> None:
    for file in saved:
        file.storage.delete(file.name)


@transaction.atomic
def project_logo_set(
    *, project: Project, by: User, upload: UploadedFile, at: datetime | None = None
) -> Project:
    project = _locked_draft(project, by, _moment(at))
    checked = image_check(upload, field="logo")
    previous = [project.logo] if project.logo else []
    previous_names = [file.name for file in previous]
    saved: list[FieldFile] = []
    try:
        _store(project.logo, checked, saved)
        project.save(update_fields=["logo", "updated_at"])
    except Exception:
        _forget_on_failure(saved)
        raise
    transaction.on_commit(lambda: [project.logo.storage.delete(n) for n in previous_names])
    return project


@transaction.atomic
def project_document_set(
    *, project: Project, by: User, upload: UploadedFile | None, at: datetime | None = None
) -> Project:
    """Attach the optional PDF, replace it, or remove it (``upload=None``)."""
    project = _locked_draft(project, by, _moment(at))
    checked = document_check(upload, field="document") if upload is not None else None
    previous_name = project.document.name if project.document else None
    saved: list[FieldFile] = []
    try:
        if checked:
            _store(project.document, checked, saved)
        else:
            project.document = ""
        project.save(update_fields=["document", "updated_at"])
    except Exception:
        _forget_on_failure(saved)
        raise
    if previous_name:
        storage = project.document.storage
        transaction.on_commit(lambda: storage.delete(previous_name))
    return project


@transaction.atomic
def project_images_add(
    *, project: Project, by: User, uploads: list[UploadedFile], at: datetime | None = None
) -> list[ProjectImage]:
    """Add images (JPEG, PNG or WebP, 5 MB each, 5 in all). Every file is checked before
    any is kept: one refusal keeps none of them."""
    project = _locked_draft(project, by, _moment(at))
    checked = [image_check(upload, field="images") for upload in uploads]
    taken = set(project.images.values_list("position", flat=True))
    free = [p for p in range(1, MAX_PROJECT_IMAGES + 1) if p not in taken]
    if len(checked) > len(free):
        raise TooManyImages(
            gettext(
                "A project may have %(most)d images: it has %(taken)d, and %(more)d more "
                "would be too many."
            )
            % {"most": MAX_PROJECT_IMAGES, "taken": len(taken), "more": len(checked)},
            field="images",
        )
    images, saved = [], []
    try:
        for position, file in zip(free, checked, strict=False):
            image = ProjectImage(project=project, position=position)
            _store(image.image, file, saved)
            image.save()
            images.append(image)
    except Exception:
        _forget_on_failure(saved)
        raise
    return images


@transaction.atomic
def project_image_remove(
    *, project: Project, by: User, image_id: int, at: datetime | None = None
) -> None:
    project = _locked_draft(project, by, _moment(at))
    image = project.images.filter(pk=image_id).first()
    if image is None:
        raise NotFound(gettext("No such image in this project."))
    image.delete()
    _delete_after_commit([image.image])
