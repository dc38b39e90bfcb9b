from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class BallotVoteSerializer(serializers.Serializer):
    category = serializers.IntegerField(help_text=_("The category's number."))
    nominee = serializers.IntegerField(help_text=_("The nominee's id."))
    invalidated = serializers.BooleanField(
        help_text=_(
            "Set aside by the secretariat: the vote does not count, and it can be neither "
            "changed nor withdrawn (409 vote_invalidated)."
        )
    )


class BallotSerializer(serializers.Serializer):
    votes = BallotVoteSerializer(many=True)
    complete = serializers.BooleanField(
        source="is_complete", help_text=_("Whether every category has a vote.")
    )
    category_count = serializers.IntegerField()
    excluded = serializers.BooleanField(
        help_text=_(
            "The secretariat has excluded this account from voting in the edition: its "
            "votes do not count, and voting answers 403 voter_excluded."
        )
    )


class VoteRequestSerializer(serializers.Serializer):
    nominee = serializers.IntegerField(min_value=1, help_text=_("The nominee's id."))


class VoteSerializer(serializers.Serializer):
    category = serializers.IntegerField()
    nominee = serializers.IntegerField()
