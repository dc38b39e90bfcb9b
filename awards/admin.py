from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import JURY_GROUP
from awards.exports import download
from awards.files import FileRefused, document_check, image_check
from awards.models import (
    ActionLine,
    AuditEntry,
    Category,
    Certificate,
    ConflictOfInterest,
    Edition,
    JuryAssignment,
    Project,
    ProjectEvent,
    ProjectImage,
    Score,
    SustainableDevelopmentGoal,
)
from awards.phases import PHASE_ORDER, closes_field, opens_field
from awards.selectors import edition_rules_locked, edition_timeline_state
from awards.services import (
    RULE_FIELDS,
    audit_edition_changes,
    edition_categories_create_standard,
    edition_rules_change,
    nomination_accept_many,
    nomination_reject,
)
from awards.services.certificates import documents_remake
from awards.services.publication import ResultsNotPublished
from awards.translations import (
    TRANSLATED_FIELDS,
    translation_field,
    translation_fields,
    translation_label,
    translation_languages,
)
from config.errors import DomainError


@admin.register(ActionLine)
class ActionLineAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "title"]
    list_select_related = ["parent"]
    ordering = ["position"]


@admin.register(SustainableDevelopmentGoal)
class SustainableDevelopmentGoalAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
    search_fields = ["title"]


class CategoryInline(admin.TabularInline):
    model = Category
    fields = ["number", "title", "action_line"]
    extra = 0
    ordering = ["number"]
    autocomplete_fields = ["action_line"]


def checked_upload(form: forms.ModelForm, name: str, check) -> object:
    """The upload of field ``name`` checked by its content (``awards.files``), as the
    submitters' are; an image is kept only as its pixels encoded anew."""
    upload = form.cleaned_data.get(name)
    if not isinstance(upload, UploadedFile):
        return upload  # unchanged, or cleared
    try:
        return check(upload, field=name).upload
    except FileRefused as refusal:
        raise forms.ValidationError(refusal.detail, code=refusal.code) from None


class EditionAdminForm(forms.ModelForm):
    """The edition's page in the admin (which gives the fields, from its fieldsets): the
    emblem is checked as every uploaded image is."""

    class Meta:
        model = Edition
        fields = ["emblem", "signatory_name", "signatory_title"]

    def clean_emblem(self):
        return checked_upload(self, "emblem", image_check)


class EditionRulesForm(forms.ModelForm):
    """The voting rules, with the reason a change needs once voting has opened."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_(
            "Required once voting has opened. Kept in the audit trail with the old and new values."
        ),
    )

    class Meta:
        model = Edition
        fields = list(RULE_FIELDS)


RULES_RECOUNT_WARNING = _(
    "The Champions were counted under the previous rules: they stay as they are until "
    "the secretariat computes them again on the standings page."
)


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "current_phase", "category_count"]
    search_fields = ["title", "year"]
    form = EditionAdminForm
    inlines = [CategoryInline]
    actions = ["create_standard_categories", "remake_documents"]
    fieldsets = [
        (None, {"fields": ["year", "title"]}),
        *[
            (
                phase.label,
                {"fields": [(opens_field(phase), closes_field(phase))]},
            )
            for phase in PHASE_ORDER
        ],
        (
            _("Voting rules"),
            {
                "fields": [
                    "complete_ballot_required",
                    "champions_per_category",
                    "tie_rule",
                    "public_standings",
                    "standings_recorded_at",
                    "rules_changed_at",
                    "rules_change",
                ]
            },
        ),
        (
            _("Jury"),
            {
                "fields": [
                    "jury_quorum",
                    (
                        "weight_merit",
                        "weight_originality",
                        "weight_impact",
                        "weight_sustainability",
                    ),
                ]
            },
        ),
        (
            _("Certificates, letters and booklet"),
            {"fields": ["emblem", ("signatory_name", "signatory_title")]},
        ),
    ]
    readonly_fields = ["standings_recorded_at", "rules_changed_at", "rules_change"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Edition]:
        return super().get_queryset(request).annotate(category_total=Count("categories"))

    # --- The voting rules: locked once voting opens (awards.services.edition_rules_change)

    def get_readonly_fields(self, request: HttpRequest, obj: Edition | None = None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and edition_rules_locked(edition=obj):
            fields += RULE_FIELDS
        return fields

    @admin.display(description=_("change of the rules"))
    def rules_change(self, edition: Edition) -> str:
        if edition.pk is None or not edition_rules_locked(edition=edition):
            return _("The rules change freely until voting opens; each change is audited.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:awards_edition_rules", args=[edition.pk]),
            _("Voting has opened: change the rules, with a reason…"),
        )

    def save_model(self, request: HttpRequest, obj: Edition, form, change: bool) -> None:
        changes = {
            name: form.cleaned_data[name]
            for name in RULE_FIELDS
            if name in form.changed_data and name in form.cleaned_data
        }
        before = Edition.objects.get(pk=obj.pk) if change else None
        if not change or not changes:
            super().save_model(request, obj, form, change)
            self._audit_settings(request, before, obj, form)
            return
        # The rules go through their service, which audits them: the rest is saved as
        # the form has it.
        for name in changes:
            setattr(obj, name, form.initial[name])
        super().save_model(request, obj, form, change)
        self._audit_settings(request, before, obj, form)
        try:
            edition_rules_change(edition=obj, by=request.user, **changes)
        except DomainError as refusal:
            self.message_user(request, refusal.detail, messages.ERROR)
        obj.refresh_from_db()

    def _audit_settings(self, request: HttpRequest, before: Edition | None, obj: Edition, form):
        # The voting rules are audited by their own service, with the reason they need.
        if before is None:
            return
        names = [name for name in form.changed_data if name not in RULE_FIELDS]
        audit_edition_changes(edition=obj, by=request.user, before=before, after=obj, names=names)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/rules/",
                self.admin_site.admin_view(self.rules_view),
                name="awards_edition_rules",
            ),
            *super().get_urls(),
        ]

    def rules_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Change the voting rules after voting has opened: with a reason, audited, and
        without counting the Champions again."""
        edition = self.get_object(request, object_id)
        if edition is None:
            raise Http404
        if not self.has_change_permission(request, edition):
            raise PermissionDenied
        form = EditionRulesForm(request.POST or None, instance=Edition.objects.get(pk=edition.pk))
        if request.method == "POST" and form.is_valid():
            changes = {name: form.cleaned_data[name] for name in RULE_FIELDS}
            try:
                changed = edition_rules_change(
                    edition=edition,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    **changes,
                )
            except DomainError as refusal:
                if "reason" in refusal.errors:
                    form.add_error("reason", refusal.errors["reason"])
                else:
                    self.message_user(request, refusal.detail, messages.ERROR)
            else:
                if not changed:
                    self.message_user(request, _("The rules are unchanged."), messages.INFO)
                else:
                    self.message_user(request, _("The voting rules are changed."), messages.SUCCESS)
                    if edition.standings_recorded_at is not None:
                        self.message_user(request, RULES_RECOUNT_WARNING, messages.WARNING)
                return redirect("admin:awards_edition_change", edition.pk)
        return render(
            request,
            "admin/awards/edition/rules.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Change the voting rules of %(edition)s") % {"edition": edition},
                "edition": edition,
                "form": form,
                "locked": edition_rules_locked(edition=edition),
                "opts": self.model._meta,
                "original": edition,
            },
        )

    @admin.display(description=_("current phase"))
    def current_phase(self, edition: Edition) -> str:
        state = edition_timeline_state(edition=edition)
        if state.current:
            return state.current.label
        if not state.has_started:
            return gettext("Not open yet")
        if state.has_finished:
            return gettext("Closed")
        return gettext("Between phases: %(phase)s next") % {"phase": state.next.label}

    @admin.display(description=_("categories"), ordering="category_total")
    def category_count(self, edition: Edition) -> int:
        return edition.category_total

    @admin.action(description=_("Make the certificates, letters and booklets again"))
    def remake_documents(self, request: HttpRequest, queryset: QuerySet[Edition]):
        for edition in queryset:
            try:
                count = documents_remake(edition=edition, by=request.user)
            except ResultsNotPublished as refusal:
                self.message_user(request, f"{edition}: {refusal.detail}", messages.ERROR)
                continue
            self.message_user(
                request,
                ngettext(
                    "%(edition)s: the documents of %(count)d project and the booklet were "
                    "made again.",
                    "%(edition)s: the documents of %(count)d projects and the booklet were "
                    "made again.",
                    count,
                )
                % {"edition": edition, "count": count},
            )

    @admin.action(description=_("Create the 18 standard categories"))
    def create_standard_categories(self, request: HttpRequest, queryset: QuerySet[Edition]):
        for edition in queryset:
            edition_categories_create_standard(edition=edition)
        self.message_user(
            request,
            ngettext(
                "The standard categories are in place for %(count)d edition.",
                "The standard categories are in place for %(count)d editions.",
                queryset.count(),
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "edition", "action_line", "project_count"]
    list_display_links = ["number", "title"]
    list_filter = ["edition", ("action_line", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "action_line__code", "action_line__title"]
    list_select_related = ["edition", "action_line"]
    autocomplete_fields = ["action_line"]
    ordering = ["-edition__year", "number"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        return super().get_queryset(request).annotate(project_total=Count("projects"))

    @admin.display(description=_("projects"), ordering="project_total")
    def project_count(self, category: Category) -> int:
        return category.project_total


class ProjectEventInline(admin.TabularInline):
    """The append-only history: shown, never edited."""

    model = ProjectEvent
    fields = ["at", "kind", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ProjectImageInline(admin.TabularInline):
    model = ProjectImage
    fields = ["position", "image", "caption"]
    readonly_fields = ["position", "image"]
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RejectionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("The submitters read this reason."),
    )


class ProjectAdminForm(forms.ModelForm):
    """The secretariat's uploads are checked by their content as the submitters' are,
    and an image is kept only as its pixels encoded anew (the admin gives the model and
    the fields)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for language in translation_languages():
            for field in TRANSLATED_FIELDS:
                name = translation_field(field, language)
                if name in self.fields:
                    self.fields[name].label = translation_label(field, language)
                    self.fields[name].widget.attrs.update({"lang": language, "dir": "auto"})
                    self.fields[name].empty_value = None  # left empty: no version kept

    def clean_logo(self):
        return checked_upload(self, "logo", image_check)

    def clean_document(self):
        return checked_upload(self, "document", document_check)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    form = ProjectAdminForm
    list_display = [
        "title",
        "organisation_name",
        "category",
        "status",
        "country",
        "region",
        "stakeholder_type",
        "submitted_at",
    ]
    list_filter = [
        "edition",
        "status",
        "region",
        "stakeholder_type",
        ("category", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "organisation_name", "website", "submitted_by__email"]
    list_select_related = ["category", "edition"]
    autocomplete_fields = ["submitted_by", "category"]
    filter_horizontal = ["sdgs"]
    date_hierarchy = "submitted_at"
    # The status changes only through the nomination services (the actions below), so
    # that every decision is checked and recorded in the history.
    readonly_fields = ["status", "decision_reason", "created_at", "updated_at", "submitted_at"]
    inlines = [ProjectImageInline, ProjectEventInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [
        "accept_as_nominees",
        "reject_with_reason",
        "export_csv",
        "export_xlsx",
        "remake_documents",
    ]
    fieldsets = [
        (None, {"fields": ["edition", "category", "title", "status", "decision_reason"]}),
        (
            _("Organisation"),
            {
                "fields": [
                    "organisation_name",
                    "stakeholder_type",
                    ("country", "region"),
                    "website",
                    "submitted_by",
                ]
            },
        ),
        (_("What voters read"), {"fields": ["short_description", "logo"]}),
        (
            _("In other languages"),
            {
                "fields": translation_fields(),
                "description": _(
                    "The title and short description in the other languages of the site, "
                    "each optional: visitors see the version in their language, else the "
                    "original above."
                ),
            },
        ),
        (
            _("Details"),
            {
                "fields": [
                    "stage",
                    "sdgs",
                    "linkage",
                    "impact",
                    "partnerships",
                    "challenges",
                    "outlook",
                    "document",
                ]
            },
        ),
        (_("Dates"), {"fields": ["created_at", "updated_at", "submitted_at"]}),
    ]

    @admin.action(description=_("Accept selected submissions as nominees"))
    def accept_as_nominees(self, request: HttpRequest, queryset: QuerySet[Project]):
        try:
            result = nomination_accept_many(projects=queryset, by=request.user)
        except DomainError as refusal:
            self.message_user(request, refusal.detail, messages.ERROR)
            return
        if result.accepted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d accepted as nominee.",
                    "%(count)d accepted as nominees.",
                    len(result.accepted),
                )
                % {"count": len(result.accepted)},
                messages.SUCCESS,
            )
        for project, why in result.skipped:
            self.message_user(
                request,
                gettext("%(project)s: %(why)s") % {"project": project, "why": why},
                messages.WARNING,
            )

    @admin.action(description=_("Reject selected submissions, with a reason…"))
    def reject_with_reason(self, request: HttpRequest, queryset: QuerySet[Project]):
        form = RejectionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            rejected = 0
            for project in queryset:
                try:
                    nomination_reject(
                        project=project, by=request.user, reason=form.cleaned_data["reason"]
                    )
                    rejected += 1
                except DomainError as refusal:
                    self.message_user(
                        request,
                        gettext("%(project)s: %(why)s")
                        % {"project": project, "why": refusal.detail},
                        messages.WARNING,
                    )
            if rejected:
                self.message_user(
                    request,
                    ngettext("%(count)d rejected.", "%(count)d rejected.", rejected)
                    % {"count": rejected},
                    messages.SUCCESS,
                )
            return None
        return render(
            request,
            "admin/awards/project/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Reject submissions"),
                "projects": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Make the selected projects' certificates and letters again"))
    def remake_documents(self, request: HttpRequest, queryset: QuerySet[Project]):
        made = 0
        for edition in Edition.objects.filter(projects__in=queryset).distinct():
            try:
                made += documents_remake(
                    edition=edition,
                    by=request.user,
                    projects=list(queryset.filter(edition=edition)),
                )
            except ResultsNotPublished as refusal:
                self.message_user(request, f"{edition}: {refusal.detail}", messages.ERROR)
        self.message_user(
            request,
            ngettext(
                "The documents of %(count)d project were made again (only Winners and "
                "Champions have some).",
                "The documents of %(count)d projects were made again (only Winners and "
                "Champions have some).",
                made,
            )
            % {"count": made},
        )

    @admin.action(description=_("Export selected submissions as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Project]):
        return download(queryset, kind="csv", name="wsis-prizes-submissions")

    @admin.action(description=_("Export selected submissions as XLSX"))
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Project]):
        return download(queryset, kind="xlsx", name="wsis-prizes-submissions")


@admin.register(JuryAssignment)
class JuryAssignmentAdmin(admin.ModelAdmin):
    list_display = ["juror", "category", "assigned_at"]
    list_filter = ["category__edition", ("category", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["juror__email", "juror__name", "category__title"]
    list_select_related = ["juror", "category"]
    autocomplete_fields = ["category"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "juror":
            # Only members of the Expert Group can be assigned.
            kwargs["queryset"] = User.objects.filter(groups__name=JURY_GROUP)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Jurors write these through their pages; the secretariat reads them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(_ReadOnlyAdmin):
    list_display = ["juror", "project", "declared_at"]
    search_fields = ["juror__email", "project__title"]
    list_select_related = ["juror", "project"]


@admin.register(Score)
class ScoreAdmin(_ReadOnlyAdmin):
    list_display = ["juror", "project", "merit", "originality", "impact", "sustainability"]
    list_filter = [("submitted_at", admin.EmptyFieldListFilter)]
    search_fields = ["juror__email", "project__title"]
    list_select_related = ["juror", "project"]


@admin.register(Certificate)
class CertificateAdmin(_ReadOnlyAdmin):
    """Made by the Celery task at publication; the secretariat downloads them here,
    through the view that checks who asks (the files are private: they have no URL)."""

    list_display = ["project", "kind", "pdf", "generated_at"]
    list_filter = ["kind", "project__edition"]
    search_fields = ["project__title", "project__organisation_name"]
    list_select_related = ["project__edition"]
    fields = ["project", "kind", "pdf", "sha256", "generated_at"]
    readonly_fields = ["pdf"]

    @admin.display(description=_("file"))
    def pdf(self, certificate: Certificate) -> str:
        url = reverse(
            "frontend:certificate",
            args=[certificate.project.edition.year, certificate.project_id, certificate.kind],
        )
        return format_html('<a href="{}">{}</a>', url, _("Download the PDF"))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, read-only: nothing adds, changes or deletes an entry here."""

    list_display = ["at", "action", "edition", "actor", "subject"]
    list_filter = ["action", "edition"]
    search_fields = ["actor__email", "subject__email", "reason"]
    list_select_related = ["edition", "actor", "subject"]
    date_hierarchy = "at"
    fields = ["at", "edition", "action", "actor", "subject", "reason", "details"]
    readonly_fields = fields
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
