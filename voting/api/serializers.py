from rest_framework import serializers


class BallotVoteSerializer(serializers.Serializer):
    category = serializers.IntegerField(help_text="The category's number.")
    nominee = serializers.IntegerField(help_text="The nominee's id.")


class BallotSerializer(serializers.Serializer):
    votes = BallotVoteSerializer(many=True)
    complete = serializers.BooleanField(
        source="is_complete", help_text="Whether every category has a vote."
    )
    category_count = serializers.IntegerField()


class VoteRequestSerializer(serializers.Serializer):
    nominee = serializers.IntegerField(min_value=1, help_text="The nominee's id.")


class VoteSerializer(serializers.Serializer):
    category = serializers.IntegerField()
    nominee = serializers.IntegerField()
