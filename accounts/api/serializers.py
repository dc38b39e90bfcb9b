from rest_framework import serializers

from accounts.models import User


class MeSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True, allow_blank=True)
    email_verified = serializers.BooleanField(read_only=True)
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)
    two_factor_authentication = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = [
            "email",
            "name",
            "country",
            "organisation",
            "stakeholder_type",
            "email_verified",
            "roles",
            "two_factor_authentication",
        ]
