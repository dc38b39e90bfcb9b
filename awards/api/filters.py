import django_filters
from django_countries import countries

from accounts.models import StakeholderType
from awards.models import Project, Region


class NomineeFilter(django_filters.FilterSet):
    category = django_filters.NumberFilter(
        field_name="category__number", help_text="The category's number."
    )
    region = django_filters.ChoiceFilter(choices=Region.choices)
    stakeholder_type = django_filters.ChoiceFilter(choices=StakeholderType.choices)
    country = django_filters.ChoiceFilter(
        choices=list(countries), help_text="An ISO 3166 country code."
    )

    class Meta:
        model = Project
        fields = ["category", "region", "stakeholder_type", "country"]
