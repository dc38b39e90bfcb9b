from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from awards.models import (
    ActionLine,
    Category,
    Edition,
    Project,
    SustainableDevelopmentGoal,
)
from awards.phases import PHASE_ORDER, closes_field, opens_field
from awards.selectors import edition_timeline_state
from awards.services import edition_categories_create_standard


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


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "current_phase", "category_count"]
    search_fields = ["title", "year"]
    inlines = [CategoryInline]
    actions = ["create_standard_categories"]
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
            "Voting rules",
            {"fields": ["complete_ballot_required", "champions_per_category", "tie_rule"]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Edition]:
        return super().get_queryset(request).annotate(category_total=Count("categories"))

    @admin.display(description="current phase")
    def current_phase(self, edition: Edition) -> str:
        state = edition_timeline_state(edition=edition)
        if state.current:
            return state.current.label
        if not state.has_started:
            return "Not open yet"
        return "Closed" if state.has_finished else f"Between phases: {state.next.label} next"

    @admin.display(description="categories", ordering="category_total")
    def category_count(self, edition: Edition) -> int:
        return edition.category_total

    @admin.action(description="Create the 18 standard categories")
    def create_standard_categories(self, request: HttpRequest, queryset: QuerySet[Edition]):
        for edition in queryset:
            edition_categories_create_standard(edition=edition)
        self.message_user(
            request,
            f"The standard categories are in place for {queryset.count()} edition(s).",
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

    @admin.display(description="projects", ordering="project_total")
    def project_count(self, category: Category) -> int:
        return category.project_total


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
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
    readonly_fields = ["created_at", "updated_at", "submitted_at"]
    fieldsets = [
        (None, {"fields": ["edition", "category", "title", "status"]}),
        (
            "Organisation",
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
        ("What voters read", {"fields": ["short_description"]}),
        (
            "Details",
            {"fields": ["sdgs", "linkage", "impact", "partnerships", "challenges", "outlook"]},
        ),
        ("Dates", {"fields": ["created_at", "updated_at", "submitted_at"]}),
    ]
