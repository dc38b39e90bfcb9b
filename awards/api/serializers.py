from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import StakeholderType
from awards.models import (
    ActionLine,
    Category,
    Edition,
    Project,
    ProjectEvent,
    ProjectImage,
    ProjectStage,
    Region,
    TieRule,
)
from awards.phases import Phase
from awards.selectors import edition_current_phase
from awards.translations import translations_of


class ActionLineSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ActionLine
        fields = ["code", "title", "parent"]


class CurrentPhaseMixin(serializers.Serializer):
    current_phase = serializers.SerializerMethodField(
        help_text=_(
            "The open phase now; null before the first phase, between phases and after the last."
        )
    )

    @extend_schema_field(serializers.ChoiceField(choices=Phase.choices, allow_null=True))
    def get_current_phase(self, edition: Edition) -> str | None:
        phase = edition_current_phase(edition=edition)
        return phase.value if phase else None


class EditionSerializer(CurrentPhaseMixin, serializers.ModelSerializer):
    class Meta:
        model = Edition
        fields = ["year", "title", "current_phase"]


class PhaseSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.choices)
    title = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()


class VotingRulesSerializer(serializers.Serializer):
    complete_ballot_required = serializers.BooleanField()
    champions_per_category = serializers.IntegerField()
    tie_rule = serializers.ChoiceField(choices=TieRule.choices)


class EditionDetailSerializer(CurrentPhaseMixin, serializers.ModelSerializer):
    phases = serializers.SerializerMethodField()
    rules = serializers.SerializerMethodField()

    class Meta:
        model = Edition
        fields = ["year", "title", "current_phase", "phases", "rules"]

    @extend_schema_field(PhaseSerializer(many=True))
    def get_phases(self, edition: Edition) -> list[dict]:
        return [
            PhaseSerializer(
                {
                    "phase": window.phase.value,
                    "title": window.label,
                    "opens_at": window.opens_at,
                    "closes_at": window.closes_at,
                }
            ).data
            for window in edition.timeline
        ]

    @extend_schema_field(VotingRulesSerializer)
    def get_rules(self, edition: Edition) -> dict:
        return VotingRulesSerializer(edition).data


class CategorySerializer(serializers.ModelSerializer):
    action_line = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("Null for a special category.")
    )

    class Meta:
        model = Category
        fields = ["number", "title", "action_line", "is_special"]


class CategoryStatisticsSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    by_status = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Projects per status.")
    )


# --- Projects ------------------------------------------------------------------------


class ProjectImageSerializer(serializers.ModelSerializer):
    url = serializers.FileField(source="image", read_only=True, use_url=True)

    class Meta:
        model = ProjectImage
        fields = ["id", "position", "url"]


class SdgNumbersField(serializers.ListField):
    child = serializers.IntegerField(min_value=1, max_value=17)


class ProjectTranslationSerializer(serializers.Serializer):
    title = serializers.CharField(help_text=_("Empty where only the short description is given."))
    short_description = serializers.CharField(help_text=_("Empty where only the title is given."))


class NomineeSerializer(serializers.ModelSerializer):
    """A nominee as the public sees it: never the submitter's contact data, and never
    the outcome (champions and winners are shown as nominees until the results are
    published)."""

    category = serializers.IntegerField(source="category.number", read_only=True)
    category_title = serializers.CharField(source="category.title", read_only=True)
    country = serializers.CharField(source="country.code", read_only=True)
    sdgs = serializers.SerializerMethodField()
    logo = serializers.FileField(read_only=True, use_url=True)
    images = ProjectImageSerializer(many=True, read_only=True)
    translations = serializers.SerializerMethodField(
        help_text=_(
            "The title and short description in other languages, by language code "
            "(ar, zh-hans, fr, ru, es); only the languages the project has. "
            "`title` and `short_description` are the original."
        )
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "category",
            "category_title",
            "title",
            "organisation_name",
            "stakeholder_type",
            "country",
            "region",
            "website",
            "short_description",
            "sdgs",
            "logo",
            "images",
            "translations",
        ]

    @extend_schema_field(SdgNumbersField)
    def get_sdgs(self, project: Project) -> list[int]:
        return sorted(goal.number for goal in project.sdgs.all())

    @extend_schema_field(serializers.DictField(child=ProjectTranslationSerializer()))
    def get_translations(self, project: Project) -> dict[str, dict[str, str]]:
        return translations_of(project)


class NomineeDetailSerializer(NomineeSerializer):
    document = serializers.FileField(read_only=True, use_url=True)

    class Meta(NomineeSerializer.Meta):
        fields = [
            *NomineeSerializer.Meta.fields,
            "linkage",
            "impact",
            "partnerships",
            "challenges",
            "outlook",
            "document",
        ]


class ProjectEventSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ProjectEvent
        fields = ["kind", "title", "at", "note"]


class MyProjectSerializer(NomineeDetailSerializer):
    """The owner's view of a project: everything, with its status and history. Until
    its category is revealed at the ceremony or the results are published, a Winner
    shows as the Champion it also is."""

    status = serializers.CharField(source="status_for_owner", read_only=True)
    status_title = serializers.CharField(source="status_for_owner_label", read_only=True)
    history = ProjectEventSerializer(source="history_for_owner", many=True, read_only=True)

    class Meta(NomineeDetailSerializer.Meta):
        fields = [
            *NomineeDetailSerializer.Meta.fields,
            "stage",
            "status",
            "status_title",
            "decision_reason",
            "history",
            "created_at",
            "updated_at",
            "submitted_at",
        ]


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^([A-Za-z]{2})?$",
        "description": _("An ISO 3166 country code, in either case, or empty."),
    }
)
class CountryCodeField(serializers.CharField):
    def __init__(self, **kwargs) -> None:
        super().__init__(max_length=2, **kwargs)


class MyProjectWriteSerializer(serializers.Serializer):
    """What a submitter may send for a draft; every field optional but the category on
    creation. The contest's rules are checked when the draft is submitted."""

    category = serializers.IntegerField(min_value=1, required=False)
    title = serializers.CharField(max_length=255, required=False)
    organisation_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    stakeholder_type = serializers.ChoiceField(
        choices=StakeholderType.choices, required=False, allow_blank=True
    )
    country = CountryCodeField(required=False, allow_blank=True)
    region = serializers.ChoiceField(choices=Region.choices, required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    short_description = serializers.CharField(required=False, allow_blank=True)
    linkage = serializers.CharField(required=False, allow_blank=True)
    impact = serializers.CharField(required=False, allow_blank=True)
    partnerships = serializers.CharField(required=False, allow_blank=True)
    challenges = serializers.CharField(required=False, allow_blank=True)
    outlook = serializers.CharField(required=False, allow_blank=True)
    stage = serializers.ChoiceField(choices=ProjectStage.choices, required=False, allow_blank=True)
    sdgs = SdgNumbersField(required=False)

    def validate_country(self, value: str) -> str:
        value = value.upper()
        if value and value not in countries:
            raise serializers.ValidationError(f"{value} is not an ISO 3166 country code.")
        return value


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImagesUploadSerializer(serializers.Serializer):
    images = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=5)


# --- Results and the ceremony --------------------------------------------------------


class ResultNomineeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="project.pk")
    title = serializers.CharField(source="project.title")
    organisation_name = serializers.CharField(source="project.organisation_name")
    votes = serializers.IntegerField(help_text=_("Valid votes."))
    rank = serializers.IntegerField(help_text=_("Rank by valid votes in the category."))


class CategoryResultSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="category.number")
    title = serializers.CharField(source="category.title")
    winner = ResultNomineeSerializer(allow_null=True)
    champions = ResultNomineeSerializer(many=True)
    votes_cast = serializers.IntegerField()
    valid_votes = serializers.IntegerField()


class SignalCountSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text=_(
            "The kind of fraud signal the secretariat acted on (for example "
            "“lockstep_ballots”); empty for any other review."
        )
    )
    votes = serializers.IntegerField()


class ExclusionSerializer(serializers.Serializer):
    category = serializers.IntegerField(source="category.number")
    reason = serializers.CharField()
    votes = serializers.IntegerField()
    signals = SignalCountSerializer(
        many=True,
        help_text=_(
            "For the votes the secretariat invalidated: how many by kind of fraud signal. "
            "Empty for the other reasons."
        ),
    )


class ResultsSerializer(serializers.Serializer):
    edition = serializers.IntegerField(source="edition.year")
    published_at = serializers.DateTimeField(source="edition.results_published_at")
    categories = CategoryResultSerializer(many=True)
    votes_cast = serializers.IntegerField()
    valid_votes = serializers.IntegerField()
    voters = serializers.IntegerField(source="edition.voters_counted", allow_null=True)
    exclusions = ExclusionSerializer(
        source="exclusion_totals", many=True, help_text=_("Votes that did not count, and why.")
    )


class RevealedSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    revealed_at = serializers.DateTimeField()
    winner = serializers.DictField()


class CeremonySerializer(serializers.Serializer):
    revealed = RevealedSerializer(many=True)
    remaining = serializers.IntegerField(
        help_text=_(
            "Categories with Champions still to be revealed, whether or not their Winner "
            "is confirmed yet."
        )
    )
