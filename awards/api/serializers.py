from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards.models import ActionLine, Category, Edition, TieRule
from awards.phases import Phase
from awards.selectors import edition_current_phase


class ActionLineSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ActionLine
        fields = ["code", "title", "parent"]


class CurrentPhaseMixin(serializers.Serializer):
    current_phase = serializers.SerializerMethodField(
        help_text="The open phase now; null before the first phase, between phases and "
        "after the last."
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
        slug_field="code", read_only=True, help_text="Null for a special category."
    )

    class Meta:
        model = Category
        fields = ["number", "title", "action_line", "is_special"]


class CategoryStatisticsSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    by_status = serializers.DictField(
        child=serializers.IntegerField(), help_text="Projects per status."
    )
