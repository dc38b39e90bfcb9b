from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Trim
from django_countries.fields import CountryField

from accounts.models import StakeholderType
from awards.phases import PHASE_ORDER, PhaseWindow, closes_field, opens_field


class ActionLine(models.Model):
    """A WSIS Action Line of the Geneva Plan of Action; the C7 sub-lines have C7 as
    parent."""

    code = models.CharField(max_length=8, unique=True)
    title = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class SustainableDevelopmentGoal(models.Model):
    number = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    title = models.CharField(max_length=100)

    class Meta:
        ordering = ["number"]
        verbose_name = "Sustainable Development Goal"

    def __str__(self) -> str:
        return f"SDG {self.number}: {self.title}"


class TieRule(models.TextChoices):
    INCLUDE_ALL = "include_all", "Shortlist every nominee tied at the cut and tell the jury"
    EARLIEST_SUBMISSION = "earliest_submission", "The tied nominee submitted first goes through"
    EXCLUDE_ALL = "exclude_all", "No nominee tied at the cut goes through"


def _timeline_constraints() -> list[models.CheckConstraint]:
    constraints = []
    for phase in PHASE_ORDER:
        constraints.append(
            models.CheckConstraint(
                condition=Q(**{f"{opens_field(phase)}__lt": F(closes_field(phase))}),
                name=f"edition_{phase.value}_opens_before_it_closes",
            )
        )
    for earlier, later in pairwise(PHASE_ORDER):
        constraints.append(
            models.CheckConstraint(
                condition=Q(**{f"{closes_field(earlier)}__lte": F(opens_field(later))}),
                name=f"edition_{earlier.value}_closes_before_{later.value}_opens",
            )
        )
    return constraints


class Edition(models.Model):
    """One year of the WSIS Prizes, with its timeline and rules."""

    year = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(max_length=200)

    submission_opens_at = models.DateTimeField()
    submission_closes_at = models.DateTimeField()
    nomination_opens_at = models.DateTimeField()
    nomination_closes_at = models.DateTimeField()
    voting_opens_at = models.DateTimeField()
    voting_closes_at = models.DateTimeField()
    champions_opens_at = models.DateTimeField()
    champions_closes_at = models.DateTimeField()
    jury_opens_at = models.DateTimeField()
    jury_closes_at = models.DateTimeField()
    ceremony_opens_at = models.DateTimeField()
    ceremony_closes_at = models.DateTimeField()

    complete_ballot_required = models.BooleanField(
        default=False,
        help_text="A ballot counts only if it has a vote in every category.",
    )
    champions_per_category = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    tie_rule = models.CharField(
        "ties at the cut", max_length=32, choices=TieRule.choices, default=TieRule.INCLUDE_ALL
    )

    class Meta:
        ordering = ["-year"]
        constraints = [
            *_timeline_constraints(),
            models.CheckConstraint(
                condition=Q(champions_per_category__gte=1),
                name="edition_at_least_one_champion_per_category",
            ),
            models.CheckConstraint(
                condition=Q(tie_rule__in=TieRule.values), name="edition_tie_rule_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def timeline(self) -> list[PhaseWindow]:
        return [
            PhaseWindow(
                phase=phase,
                opens_at=getattr(self, opens_field(phase)),
                closes_at=getattr(self, closes_field(phase)),
            )
            for phase in PHASE_ORDER
        ]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        previous = None
        for window in self.timeline:
            if window.opens_at is None or window.closes_at is None:
                previous = None
                continue
            if window.opens_at >= window.closes_at:
                errors[closes_field(window.phase)] = (
                    f"The {window.label.lower()} phase must close after it opens."
                )
            if previous is not None and previous.closes_at > window.opens_at:
                errors[opens_field(window.phase)] = (
                    f"The {window.label.lower()} phase cannot open before the "
                    f"{previous.label.lower()} phase closes."
                )
            previous = window
        if errors:
            raise ValidationError(errors)


class Category(models.Model):
    """A prize category of an edition: 1-18 follow the Action Lines; special categories
    (numbered after them) have no Action Line."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    title = models.CharField(max_length=200)
    action_line = models.ForeignKey(
        ActionLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
        help_text="Empty for a special category.",
    )

    class Meta:
        ordering = ["edition", "number"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "number"], name="category_number_unique_in_edition"
            ),
            # The target of the projects' (category, edition) reference; see migration
            # 0004_project_category_in_its_edition.
            models.UniqueConstraint(fields=["id", "edition"], name="category_id_edition_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="category_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_special(self) -> bool:
        return self.action_line_id is None


class Region(models.TextChoices):
    """The ITU regions."""

    AFRICA = "africa", "Africa"
    AMERICAS = "americas", "Americas"
    ARAB_STATES = "arab_states", "Arab States"
    ASIA_PACIFIC = "asia_pacific", "Asia & Pacific"
    CIS = "cis", "CIS"
    EUROPE = "europe", "Europe"


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    NOMINEE = "nominee", "Nominee"
    REJECTED = "rejected", "Rejected"
    CHAMPION = "champion", "Champion"
    WINNER = "winner", "Winner"


class Project(models.Model):
    """A project submitted to an edition under one category."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="projects")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="projects")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        help_text="The account that submits it; emptied if that account is deleted.",
    )
    title = models.CharField(max_length=255)
    organisation_name = models.CharField("organisation", max_length=255)
    stakeholder_type = models.CharField(max_length=32, choices=StakeholderType.choices, blank=True)
    country = CountryField(blank=True)
    region = models.CharField("ITU region", max_length=16, choices=Region.choices, blank=True)
    website = models.URLField(blank=True)
    short_description = models.TextField(
        blank=True, help_text="What voters read: 150 to 200 words."
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, blank=True, related_name="projects", verbose_name="SDGs"
    )
    linkage = models.TextField("linkage to the Action Lines and SDGs", blank=True)
    impact = models.TextField(blank=True)
    partnerships = models.TextField(blank=True)
    challenges = models.TextField(blank=True)
    outlook = models.TextField("future outlook", blank=True)
    status = models.CharField(
        max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["category__number", "title"]
        indexes = [
            models.Index(fields=["edition", "status"], name="project_edition_status"),
            models.Index(fields=["category", "status"], name="project_category_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower(Trim("organisation_name")),
                F("category"),
                F("edition"),
                condition=~Q(status="draft"),
                name="project_one_per_organisation_per_category",
                violation_error_message=(
                    "This organisation already has a project in this category."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="project_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title
