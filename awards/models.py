import secrets
import uuid
from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modeltrans.fields import TranslationField

from accounts.models import StakeholderType
from awards.phases import PHASE_ORDER, Phase, PhaseWindow, closes_field, opens_field
from awards.vocabulary import translated
from config.storage import private_storage


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
        return f"{self.code} {translated(self.title)}"


class SustainableDevelopmentGoal(models.Model):
    number = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    title = models.CharField(max_length=100)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Sustainable Development Goal")

    def __str__(self) -> str:
        return gettext("SDG %(number)s: %(title)s") % {
            "number": self.number,
            "title": translated(self.title),
        }


class TieRule(models.TextChoices):
    INCLUDE_ALL = "include_all", _("Shortlist every nominee tied at the cut and tell the jury")
    EARLIEST_SUBMISSION = "earliest_submission", _("The tied nominee submitted first goes through")
    EXCLUDE_ALL = "exclude_all", _("No nominee tied at the cut goes through")


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


def edition_emblem_path(instance: "Edition", filename: str) -> str:
    # Only the extension of the uploaded name is kept (awards.files checks the image).
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"editions/{instance.year}/emblem-{uuid.uuid4().hex}.{extension}"


class Edition(models.Model):
    """One year of the WSIS Prizes, with its timeline and rules."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)

    submission_opens_at = models.DateTimeField(_("submission opens"))
    submission_closes_at = models.DateTimeField(_("submission closes"))
    nomination_opens_at = models.DateTimeField(_("nomination opens"))
    nomination_closes_at = models.DateTimeField(_("nomination closes"))
    voting_opens_at = models.DateTimeField(_("voting opens"))
    voting_closes_at = models.DateTimeField(_("voting closes"))
    champions_opens_at = models.DateTimeField(_("Champions phase opens"))
    champions_closes_at = models.DateTimeField(_("Champions phase closes"))
    jury_opens_at = models.DateTimeField(_("jury phase opens"))
    jury_closes_at = models.DateTimeField(_("jury phase closes"))
    ceremony_opens_at = models.DateTimeField(_("ceremony opens"))
    ceremony_closes_at = models.DateTimeField(_("ceremony closes"))

    complete_ballot_required = models.BooleanField(
        _("complete ballot required"),
        default=False,
        help_text=_("A ballot counts only if it has a vote in every category."),
    )
    champions_per_category = models.PositiveSmallIntegerField(
        _("Champions per category"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    tie_rule = models.CharField(
        _("ties at the cut"), max_length=32, choices=TieRule.choices, default=TieRule.INCLUDE_ALL
    )
    public_standings = models.BooleanField(
        _("live standings public"),
        default=False,
        help_text=_("Show the vote counts to the public while voting is open."),
    )
    standings_recorded_at = models.DateTimeField(
        _("standings recorded"),
        null=True,
        blank=True,
        help_text=_("When the final valid standings were recorded."),
    )
    rules_changed_at = models.DateTimeField(
        _("rules last changed"),
        null=True,
        blank=True,
        help_text=_("When the voting rules last changed (see the audit trail)."),
    )
    voters_counted = models.PositiveIntegerField(
        _("voters counted"),
        null=True,
        blank=True,
        help_text=_("People who voted, as counted at the close."),
    )
    results_published_at = models.DateTimeField(
        _("results published"),
        null=True,
        blank=True,
        help_text=_("Until then the outcome is under embargo."),
    )
    results_scheduled_at = models.DateTimeField(
        _("publication scheduled for"),
        null=True,
        blank=True,
        help_text=_("The results are published then, revealed at the ceremony or not."),
    )
    emblem = models.ImageField(
        _("emblem"),
        upload_to=edition_emblem_path,
        storage=private_storage,
        blank=True,
        help_text=_("Printed at the head of the certificates, letters and booklet."),
    )
    signatory_name = models.CharField(
        _("signatory's name"),
        max_length=120,
        blank=True,
        help_text=_("Who signs the certificates and letters."),
    )
    signatory_title = models.CharField(
        _("signatory's title"),
        max_length=200,
        blank=True,
        help_text=_("Printed under the signatory's name."),
    )
    jury_quorum = models.PositiveSmallIntegerField(
        _("jury quorum"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Submitted scores each Champion needs before its category is decided."),
    )
    weight_merit = models.PositiveSmallIntegerField(_("weight of merit"), default=1)
    weight_originality = models.PositiveSmallIntegerField(_("weight of originality"), default=1)
    weight_impact = models.PositiveSmallIntegerField(_("weight of impact"), default=1)
    weight_sustainability = models.PositiveSmallIntegerField(
        _("weight of the contribution to sustainable development"), default=1
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

    def window(self, phase: Phase) -> PhaseWindow:
        """When ``phase`` opens and closes in this edition."""
        return PhaseWindow(
            phase=phase,
            opens_at=getattr(self, opens_field(phase)),
            closes_at=getattr(self, closes_field(phase)),
        )

    @property
    def timeline(self) -> list[PhaseWindow]:
        return [self.window(phase) for phase in PHASE_ORDER]

    @property
    def standings_predate_rules(self) -> bool:
        """Whether the recorded standings were counted under rules that have changed
        since: they stand until the secretariat counts the Champions again."""
        return (
            self.standings_recorded_at is not None
            and self.rules_changed_at is not None
            and self.rules_changed_at > self.standings_recorded_at
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        previous = None
        for window in self.timeline:
            if window.opens_at is None or window.closes_at is None:
                previous = None
                continue
            if window.opens_at >= window.closes_at:
                errors[closes_field(window.phase)] = gettext(
                    "The %(phase)s phase must close after it opens."
                ) % {"phase": window.label.lower()}
            if previous is not None and previous.closes_at > window.opens_at:
                errors[opens_field(window.phase)] = gettext(
                    "The %(phase)s phase cannot open before the %(previous)s phase closes."
                ) % {"phase": window.label.lower(), "previous": previous.label.lower()}
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
        help_text=_("Empty for a special category."),
    )
    revealed_at = models.DateTimeField(
        _("revealed"),
        null=True,
        blank=True,
        help_text=_("When its Winner was revealed at the ceremony."),
    )

    class Meta:
        ordering = ["edition", "number"]
        verbose_name_plural = _("categories")
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
        return f"{self.number}. {translated(self.title)}"

    @property
    def is_special(self) -> bool:
        return self.action_line_id is None


class Region(models.TextChoices):
    """The ITU regions."""

    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ARAB_STATES = "arab_states", _("Arab States")
    ASIA_PACIFIC = "asia_pacific", _("Asia & Pacific")
    CIS = "cis", _("CIS")
    EUROPE = "europe", _("Europe")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NOMINEE = "nominee", _("Nominee")
    REJECTED = "rejected", _("Rejected")
    CHAMPION = "champion", _("Champion")
    WINNER = "winner", _("Winner")


class ProjectStage(models.TextChoices):
    OPERATIONAL = "operational", _("Operational")
    MAJOR_PHASE_COMPLETED = "major_phase_completed", _("At the end of a major phase")
    IN_DEVELOPMENT = "in_development", _("Still in development")


def project_file_path(instance: models.Model, filename: str) -> str:
    # The name comes from the checked content (see awards.files), never from the
    # uploader: only the extension of ``filename`` is kept.
    project = instance if isinstance(instance, Project) else instance.project
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"projects/{project.edition_id}/{project.pk}/{uuid.uuid4().hex}.{extension}"


class Project(models.Model):
    """A project submitted to an edition under one category."""

    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="projects", verbose_name=_("edition")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="projects", verbose_name=_("category")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        help_text=_("The account that submits it; emptied if that account is deleted."),
    )
    title = models.CharField(_("title"), max_length=255)
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    stakeholder_type = models.CharField(
        _("stakeholder type"), max_length=32, choices=StakeholderType.choices, blank=True
    )
    country = CountryField(_("country"), blank=True)
    region = models.CharField(_("ITU region"), max_length=16, choices=Region.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    short_description = models.TextField(
        _("short description"), blank=True, help_text=_("What voters read: 150 to 200 words.")
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, blank=True, related_name="projects", verbose_name=_("SDGs")
    )
    linkage = models.TextField(_("linkage to the Action Lines and SDGs"), blank=True)
    impact = models.TextField(_("impact"), blank=True)
    partnerships = models.TextField(_("partnerships"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    outlook = models.TextField(_("future outlook"), blank=True)
    stage = models.CharField(
        _("project stage"), max_length=32, choices=ProjectStage.choices, blank=True
    )
    logo = models.ImageField(_("logo"), upload_to=project_file_path, blank=True)
    document = models.FileField(
        _("PDF document"), upload_to=project_file_path, blank=True, help_text=_("Optional.")
    )
    decision_reason = models.TextField(
        _("reason for the decision"),
        blank=True,
        help_text=_("Why the secretariat rejected it: the submitter reads this."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # The title and short description in other languages, each optional: title_fr,
    # short_description_es… (awards.translations). The fields above are the original.
    i18n = TranslationField(fields=("title", "short_description"))

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
                violation_error_message=_(
                    "This organisation already has a project in this category."
                ),
            ),
            models.UniqueConstraint(
                Lower(Trim("organisation_name")),
                Lower(Trim("title")),
                F("edition"),
                condition=~Q(status="draft"),
                name="project_submitted_once_per_edition",
                violation_error_message=_(
                    "This organisation has already submitted a project with this title."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="project_status_valid"
            ),
            # The target of the votes' (nominee, category, edition) reference; see
            # voting's migration 0003_vote_names_its_nominees_category.
            models.UniqueConstraint(
                fields=["id", "category", "edition"], name="project_id_category_edition_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        project = super().from_db(db, field_names, values)
        # Where it was read, for clean(): no query to tell whether it moves.
        project._placed = (project.__dict__.get("category_id"), project.__dict__.get("edition_id"))
        return project

    def clean(self) -> None:
        # A nominee's votes name its category and edition (the database refuses to let
        # them part): they stay as they are while it has votes.
        placed = getattr(self, "_placed", None)
        if placed is None or None in placed:
            return
        if placed != (self.category_id, self.edition_id) and self.votes.exists():
            raise ValidationError(
                {
                    "category": gettext(
                        "This project has votes: its category and edition cannot change."
                    )
                }
            )

    # The submitter's view, for the templates and serializers; the embargo that shapes
    # it is awards.selectors.winner_is_public.
    @property
    def status_for_owner(self) -> str:
        """The status its submitter sees: under embargo a Winner is shown as the
        Champion it also is."""
        from awards.selectors import project_status_for_owner

        return project_status_for_owner(project=self)

    @property
    def status_for_owner_label(self) -> str:
        return ProjectStatus(self.status_for_owner).label

    @property
    def history_for_owner(self) -> list["ProjectEvent"]:
        from awards.selectors import project_history_for_owner

        return project_history_for_owner(project=self)


PUBLIC_STATUSES = (ProjectStatus.NOMINEE, ProjectStatus.CHAMPION, ProjectStatus.WINNER)
MAX_PROJECT_IMAGES = 5


class ProjectImage(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=project_file_path)
    position = models.PositiveSmallIntegerField()
    caption = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "position"], name="project_image_position_unique"
            ),
            # Positions 1 to 5 and unique: the database holds at most five images.
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=MAX_PROJECT_IMAGES),
                name="project_image_at_most_five",
            ),
        ]

    def __str__(self) -> str:
        return f"Image {self.position} of {self.project}"


class ProjectEventKind(models.TextChoices):
    DRAFTED = "drafted", _("Drafted")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted as nominee")
    REJECTED = "rejected", _("Rejected")
    CHAMPION = "champion", _("Became a Champion")
    CHAMPION_WITHDRAWN = "champion_withdrawn", _("No longer a Champion after a recount")
    WINNER = "winner", _("Became the Winner")
    WINNER_UNDONE = "winner_undone", _("No longer the Winner: the confirmation was undone")


class ProjectEvent(models.Model):
    """The append-only history of a project: who changed its state, when and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=ProjectEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_events",
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["project", "at", "pk"]
        indexes = [models.Index(fields=["project", "at"], name="project_event_project_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.project}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("The project history is append-only: events are never changed.")
        super().save(*args, **kwargs)


class Standing(models.Model):
    """A nominee's final valid votes and rank in its category, recorded when voting
    closes; jury, results and ceremony read these rather than the votes."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="standings")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="standings")
    nominee = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="standing")
    votes = models.PositiveIntegerField()
    rank = models.PositiveSmallIntegerField()
    is_champion = models.BooleanField(default=False)
    tied_at_cut = models.BooleanField(
        default=False, help_text=_("Tied with others at the Champions' cut: the jury is told.")
    )

    class Meta:
        ordering = ["category__number", "rank", "nominee__title"]
        indexes = [models.Index(fields=["edition", "category"], name="standing_edition_category")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.nominee} ({self.votes})"


class ExclusionReason(models.TextChoices):
    INVALIDATED = "invalidated", _("Invalidated by the secretariat")
    INCOMPLETE_BALLOT = "incomplete_ballot", _("Incomplete ballot")
    OUTSIDE_WINDOW = "outside_window", _("Cast outside the voting window")


class Exclusion(models.Model):
    """The exclusion report: how many votes of a category did not count, and why (no
    personal data). Votes the secretariat invalidated are counted by the kind of fraud
    signal they came from (``signal``, a kind of ``voting.fraud.SIGNAL_KINDS``; empty
    for any other review and for the other reasons)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="exclusions")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="exclusions")
    reason = models.CharField(max_length=32, choices=ExclusionReason.choices)
    signal = models.CharField(max_length=64, blank=True, default="")
    votes = models.PositiveIntegerField()

    class Meta:
        ordering = ["category__number", "reason", "signal"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "reason", "signal"],
                name="exclusion_one_per_category_reason_signal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.votes} {self.get_reason_display().lower()}"


class JuryAssignment(models.Model):
    """A member of the Expert Group assigned to a category: they see and score only the
    Champions of the categories assigned to them."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="jurors")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jury_assignments"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "juror"], name="jury_assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.juror} on {self.category}"


class ConflictOfInterest(models.Model):
    """A juror's declared conflict with a project: they do not score it."""

    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="conflicts")
    note = models.TextField(blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["juror", "project"], name="conflict_once")]

    def __str__(self) -> str:
        return f"{self.juror} / {self.project}"


SCORE_RANGE = Q(
    merit__gte=1,
    merit__lte=10,
    originality__gte=1,
    originality__lte=10,
    impact__gte=1,
    impact__lte=10,
    sustainability__gte=1,
    sustainability__lte=10,
)


class Score(models.Model):
    """A juror's marks for one Champion, 1 to 10 on each criterion: a draft until the
    juror submits it."""

    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scores"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scores")
    merit = models.PositiveSmallIntegerField(_("merit"))
    originality = models.PositiveSmallIntegerField(_("originality"))
    impact = models.PositiveSmallIntegerField(_("impact"))
    sustainability = models.PositiveSmallIntegerField(_("contribution to sustainable development"))
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["juror", "project"], name="score_once_per_juror"),
            models.CheckConstraint(condition=SCORE_RANGE, name="score_marks_1_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.juror} on {self.project}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class JuryReminder(models.Model):
    """A reminder e-mailed to a juror with scores pending: sent by the secretariat
    (``slot`` empty) or by the scheduled reminder before the jury's deadline (``slot``
    names the moment, such as "3d", and a juror gets one per slot)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="jury_reminders")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jury_reminders"
    )
    slot = models.CharField(max_length=16, blank=True)
    pending = models.PositiveSmallIntegerField(help_text=_("Champions still to score then."))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the scheduled reminder."),
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["edition", "juror", "-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "juror", "slot"],
                condition=~Q(slot=""),
                name="jury_reminder_once_per_slot",
            )
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.juror} ({self.slot or 'by hand'})"


class CertificateKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate")
    CHAMPION_LETTER = "champion_letter", _("Champion letter")


def certificate_file_path(instance: "Certificate", filename: str) -> str:
    # Private storage has no URL; the name is unguessable all the same, so that no
    # mistake in serving it makes a certificate reachable by counting.
    return f"certificates/{instance.project.edition.year}/{secrets.token_urlsafe(24)}.pdf"


class Certificate(models.Model):
    """A Winner's or Champion's certificate, or a Champion's letter with its figures:
    made once the results are published, and again whenever the facts on it change."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(max_length=32, choices=CertificateKind.choices)
    file = models.FileField(upload_to=certificate_file_path, storage=private_storage)
    sha256 = models.CharField(max_length=64)
    # The digest of what the document says (awards.documents.document_facts): when the
    # facts change (a corrected name, another language), the document is made again.
    facts_sha256 = models.CharField(max_length=64, blank=True, default="")
    generated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="certificate_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.project}"


class AuditAction(models.TextChoices):
    """What the secretariat decided: a stable code each, for the audit trail."""

    VOTES_INVALIDATED = "votes_invalidated", _("Votes invalidated")
    VOTER_EXCLUDED = "voter_excluded", _("Account excluded from voting")
    VOTER_REINSTATED = "voter_reinstated", _("Account reinstated")
    SIGNAL_DISMISSED = "signal_dismissed", _("Fraud signal dismissed")
    ACCOUNT_FLAGGED = "account_flagged", _("Account flagged")
    RULES_CHANGED = "rules_changed", _("Voting rules changed")
    CHAMPIONS_COUNTED = "champions_counted", _("Champions counted")
    PROJECT_NOMINATED = "project_nominated", _("Project nominated")
    PROJECT_REJECTED = "project_rejected", _("Project rejected")
    PROJECT_EXCLUDED = "project_excluded", _("Project excluded")
    WINNER_CONFIRMED = "winner_confirmed", _("Winner confirmed")
    WINNER_UNDONE = "winner_undone", _("Winner confirmation undone")
    CATEGORY_REVEALED = "category_revealed", _("Category revealed")
    RESULTS_PUBLISHED = "results_published", _("Results published")
    PUBLICATION_SCHEDULED = "publication_scheduled", _("Publication scheduled")
    PUBLICATION_UNSCHEDULED = "publication_unscheduled", _("Scheduled publication cancelled")
    JURY_REMINDED = "jury_reminded", _("Jurors reminded")
    MESSAGE_SENT = "message_sent", _("Message sent")
    ROLE_CHANGED = "role_changed", _("Role changed")
    EDITION_CHANGED = "edition_changed", _("Edition settings changed")
    DOCUMENTS_MADE = "documents_made", _("Documents made again")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Deleting an account empties the entries' references to it (SET_NULL, which
        # updates through here); nothing else changes an entry.
        if set(kwargs) <= {"actor", "subject"} and not any(kwargs.values()):
            return super().update(**kwargs)
        raise TypeError("The audit trail is append-only: entries are never changed.")

    def delete(self):
        raise TypeError("The audit trail is append-only: entries are never deleted.")


class AuditEntry(models.Model):
    """One decision of the secretariat (or of the scheduled count at the close), as it
    was taken: who, what, about which account, why, and when. Append-only: written by
    ``awards.services.audit_record`` and never changed or deleted."""

    edition = models.ForeignKey(
        Edition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("edition"),
        db_index=False,  # the index on (edition, at) serves it
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty for the scheduled count at the close, or a deleted account."),
    )
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account concerned"),
    )
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["edition", "-at"], name="audit_entry_edition_at")]

    def __str__(self) -> str:
        # Names no one and quotes no reason: it shows in logs and admin messages.
        return f"{self.get_action_display()} #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("The audit trail is append-only: entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only: entries are never deleted.")
