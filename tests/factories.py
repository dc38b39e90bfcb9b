from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.mfa import totp_activate, totp_secret_new
from accounts.models import User
from awards.models import (
    ActionLine,
    Category,
    Edition,
    Project,
    ProjectStage,
    ProjectStatus,
    Region,
    SustainableDevelopmentGoal,
)
from awards.phases import Phase, timeline_around
from voting.models import Vote

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def email_confirmed(user, create, confirmed, **kwargs):
        """``UserFactory(email_confirmed=True)``: the address is confirmed."""
        if create and confirmed:
            email_confirm(user)

    @factory.post_generation
    def mfa(user, create, enabled, **kwargs):
        """``UserFactory(mfa=True)``: an authenticator app is set up."""
        if create and enabled:
            mfa_activate(user)

    @factory.post_generation
    def roles(user, create, names, **kwargs):
        """``UserFactory(roles=["Jury"])``: the account is in these role groups."""
        if create and names:
            user.groups.add(*Group.objects.filter(name__in=names))


def email_confirm(user: User) -> None:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def mfa_activate(user: User) -> str:
    """Set up TOTP for ``user``; returns the secret, to compute codes with."""
    secret = totp_secret_new()
    totp_activate(user=user, secret=secret)
    return secret


class EditionFactory(factory.django.DjangoModelFactory):
    """An edition whose timeline puts ``phase`` (default: voting) halfway now."""

    class Meta:
        model = Edition
        django_get_or_create = ("year",)

    class Params:
        phase = Phase.VOTING

    year = factory.Sequence(lambda n: 2030 + n % 70)
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
    """A complete project (it meets every submission rule), a nominee by default."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    category = factory.SubFactory(CategoryFactory)
    edition = factory.SelfAttribute("category.edition")
    submitted_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Digital inclusion project {n}")
    organisation_name = factory.Sequence(lambda n: f"Organisation {n}")
    stakeholder_type = "civil_society"
    country = "KE"
    region = Region.AFRICA
    website = "https://example.org/"
    short_description = factory.LazyFunction(lambda: words(160))
    linkage = "It serves Action Line C3 and SDGs 4 and 9."
    impact = "Twelve thousand people reached in two years."
    partnerships = "The ministry of education and three universities."
    challenges = "Connectivity in rural districts."
    outlook = "Extension to two neighbouring countries."
    stage = ProjectStage.OPERATIONAL
    status = ProjectStatus.NOMINEE

    @factory.post_generation
    def sdgs(project, create, numbers, **kwargs):
        """``ProjectFactory(sdgs=[4, 9])``; by default SDG 9."""
        if create:
            project.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=numbers or [9]))


def words(count: int) -> str:
    """A text of exactly ``count`` words."""
    vocabulary = [
        "people",
        "learn",
        "online",
        "with",
        "open",
        "tools",
        "built",
        "by",
        "local",
        "teams",
        "for",
        "everyone",
    ]
    return " ".join(vocabulary[i % len(vocabulary)] for i in range(count)).capitalize() + "."


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    nominee = factory.SubFactory(ProjectFactory)
    category = factory.SelfAttribute("nominee.category")
    edition = factory.SelfAttribute("nominee.edition")
    voter = factory.SubFactory(UserFactory, email_confirmed=True)
    # Now, or the last second of the edition's voting window if it has closed: the vote
    # statement writes only inside it.
    cast_at = factory.LazyAttribute(
        lambda vote: max(
            vote.edition.voting_opens_at,
            min(timezone.now(), vote.edition.voting_closes_at - timedelta(seconds=1)),
        )
    )
    changed_at = factory.SelfAttribute("cast_at")
