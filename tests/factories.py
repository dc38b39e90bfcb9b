import factory
from django.utils import timezone

from accounts.models import User
from awards.models import ActionLine, Category, Edition, Project, ProjectStatus, Region
from awards.phases import Phase, timeline_around

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)


class EditionFactory(factory.django.DjangoModelFactory):
    """An edition whose timeline puts ``phase`` (default: voting) halfway now."""

    class Meta:
        model = Edition
        django_get_or_create = ("year",)

    class Params:
        phase = Phase.VOTING

    year = factory.Sequence(lambda n: 2030 + n)
    title = factory.LazyAttribute(lambda o: f"WSIS Prizes {o.year}")

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        phase = kwargs.pop("phase", Phase.VOTING)
        times = timeline_around(current=phase, at=timezone.now())
        return {**times, **kwargs}


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    edition = factory.SubFactory(EditionFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(
        lambda o: o.action_line.title if o.action_line else f"Category {o.number}"
    )
    action_line = factory.LazyFunction(lambda: ActionLine.objects.get(code="C3"))


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    category = factory.SubFactory(CategoryFactory)
    edition = factory.SelfAttribute("category.edition")
    submitted_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Digital inclusion project {n}")
    organisation_name = factory.Sequence(lambda n: f"Organisation {n}")
    stakeholder_type = "civil_society"
    country = "KE"
    region = Region.AFRICA
    website = "https://example.org/"
    short_description = factory.Faker("paragraph", nb_sentences=12)
    status = ProjectStatus.NOMINEE
