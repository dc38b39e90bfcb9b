from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TALLY_SHARDS = 16


class Vote(models.Model):
    """A voter's choice of one nominee in one category of an edition.

    Written by ``voting.services`` with one upsert; the database keeps the tallies
    from these rows by triggers (``voting.triggers``). ``voter`` is emptied when the
    account is deleted after voting has closed, so that results stay reproducible
    without pointing at a person.

    Every vote writes every index of this table, so it has none that another covers:
    the unique (voter, category) serves the voter's lookups and (edition, network)
    the edition's.
    """

    # The vote's nominee, category and edition are checked by one composite foreign
    # key, to the project's (id, category, edition) (migration 0003): it also makes
    # sure they agree, and it looks up and locks only the nominee's row, where a key per
    # column would lock the edition's and the category's rows too, by every voter at
    # once. The ORM's ``on_delete`` rules guard each of them as before.
    edition = models.ForeignKey(
        "awards.Edition",
        on_delete=models.PROTECT,
        related_name="votes",
        db_index=False,
        db_constraint=False,
    )
    category = models.ForeignKey(
        "awards.Category", on_delete=models.PROTECT, related_name="votes", db_constraint=False
    )
    nominee = models.ForeignKey(
        "awards.Project", on_delete=models.PROTECT, related_name="votes", db_constraint=False
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="votes",
        db_index=False,
    )
    cast_at = models.DateTimeField()
    changed_at = models.DateTimeField()
    # What a fraud reviewer needs, and no more: the network, not the address.
    network = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    invalidated_at = models.DateTimeField(null=True, blank=True)
    invalidated_reason = models.TextField(blank=True)
    invalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # a partial index below: votes are rarely invalidated
    )
    # The kind of fraud signal the invalidation came from (``voting.fraud.SIGNAL_KINDS``),
    # for the public exclusion report; empty for any other review by the secretariat.
    # A default in the database too: the vote statement, written in SQL, names it not.
    invalidated_signal = models.CharField(max_length=64, blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["voter", "category"], name="vote_one_per_voter_per_category"
            ),
            models.CheckConstraint(
                condition=Q(changed_at__gte=models.F("cast_at")), name="vote_changed_after_cast"
            ),
        ]
        indexes = [
            models.Index(fields=["edition", "network"], name="vote_edition_network"),
            models.Index(
                fields=["invalidated_by"],
                condition=Q(invalidated_by__isnull=False),
                name="vote_invalidated_by",
            ),
            # The fraud page's list of what was invalidated: written by invalidations
            # only, never by a vote.
            models.Index(
                fields=["edition", "invalidated_at"],
                condition=Q(invalidated_at__isnull=False),
                name="vote_invalidated_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter_id or 'former voter'} → {self.nominee_id} in {self.category_id}"

    @property
    def is_valid(self) -> bool:
        return self.invalidated_at is None


class VoteAction(models.TextChoices):
    CAST = "cast", _("Cast")
    CHANGED = "changed", _("Changed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    INVALIDATED = "invalidated", _("Invalidated")
    # An exclusion was lifted: the votes it had set aside count again.
    RESTORED = "restored", _("Restored")


class VoteEvent(models.Model):
    """The append-only history of every cast, change, withdrawal and invalidation.

    Every vote appends a row in the same statement, so the log is kept lean: its
    references are guarded by the ORM's ``on_delete`` rules rather than by foreign
    keys in the database, each of which would look up and lock the row it names on
    every vote (the edition and the category rows, by every voter at once).
    """

    edition = models.ForeignKey(
        "awards.Edition",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the index on (edition, at) serves it
    )
    category = models.ForeignKey(
        "awards.Category",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    nominee = models.ForeignKey(
        "awards.Project", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vote_events",
        db_constraint=False,
    )
    action = models.CharField(max_length=16, choices=VoteAction.choices)
    at = models.DateTimeField()
    network = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["edition", "at"], name="vote_event_edition_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.nominee_id} in {self.category_id}"


class Tally(models.Model):
    """Valid votes of one nominee, split over shards so that concurrent votes for the
    same nominee rarely wait for each other. Kept by the database (triggers on votes);
    the standings are the sums over the shards."""

    edition = models.ForeignKey("awards.Edition", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("awards.Category", on_delete=models.CASCADE, related_name="+")
    nominee = models.ForeignKey("awards.Project", on_delete=models.CASCADE, related_name="+")
    shard = models.PositiveSmallIntegerField()
    votes = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nominee", "shard"], name="tally_one_per_shard"),
        ]
        indexes = [models.Index(fields=["edition", "category"], name="tally_edition_category")]

    def __str__(self) -> str:
        return f"{self.nominee_id}#{self.shard}: {self.votes}"


class VoterExclusion(models.Model):
    """The secretariat's decision that an account may not vote in an edition, with
    its reason: its votes there were invalidated, and it can cast, change or withdraw
    none while the exclusion stands. Lifting it (a reinstatement) keeps the record and
    restores the votes it set aside (``votes_set_aside``).

    The vote statement checks for an active exclusion with the partial unique index
    below: at most one per account and edition."""

    edition = models.ForeignKey(
        "awards.Edition", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="voting_exclusions",
        verbose_name=_("account"),
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("excluded by"),
    )
    at = models.DateTimeField(_("excluded on"))
    votes_set_aside = models.JSONField(
        _("votes set aside"),
        default=list,
        blank=True,
        help_text=_("The ids of the votes the exclusion invalidated."),
    )
    lifted_at = models.DateTimeField(_("lifted on"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        verbose_name = _("exclusion from voting")
        verbose_name_plural = _("exclusions from voting")
        constraints = [
            models.UniqueConstraint(
                fields=["voter", "edition"],
                condition=Q(lifted_at__isnull=True),
                name="voter_exclusion_one_active",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_at__gte=models.F("at")),
                name="voter_exclusion_lifted_after",
            ),
        ]
        indexes = [models.Index(fields=["edition", "at"], name="voter_exclusion_edition_at")]

    def __str__(self) -> str:
        return f"Exclusion #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class AccountFlag(models.Model):
    """An account the secretariat flagged for review in an edition, where no computed
    signal found it; reviewed with the signals (``voting.fraud``)."""

    edition = models.ForeignKey(
        "awards.Edition", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("account"),
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("flagged by"),
    )
    at = models.DateTimeField(_("flagged on"))

    class Meta:
        verbose_name = _("flagged account")
        constraints = [
            models.UniqueConstraint(fields=["edition", "voter"], name="account_flag_once"),
        ]

    def __str__(self) -> str:
        return f"Flag #{self.pk}"


class SignalDismissal(models.Model):
    """The secretariat's decision that a fraud signal is not fraud. Signals are computed
    anew on every visit, so the decision is kept by what names the signal: its kind and
    the accounts it concerns (``voting.fraud.signal_accounts_key``). The same signal
    about the same accounts stays dismissed; once its accounts change it is a new
    signal, to review again."""

    edition = models.ForeignKey(
        "awards.Edition", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=64)
    accounts_key = models.CharField(max_length=64)
    voter_ids = models.JSONField(default=list, blank=True)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dismissed by"),
    )
    at = models.DateTimeField(_("dismissed on"))

    class Meta:
        verbose_name = _("dismissed signal")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "kind", "accounts_key"], name="signal_dismissal_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Dismissal #{self.pk}"


class BallotReceipt(models.Model):
    """The last summary of a voter's ballot sent to them by e-mail, in an edition: when
    it went, and up to which of their ballot's changes it told (``services
    .ballot_receipts_send``)."""

    edition = models.ForeignKey("awards.Edition", on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ballot_receipts"
    )
    sent_at = models.DateTimeField(_("sent on"))
    covers_until = models.DateTimeField(_("covers the changes until"))

    class Meta:
        verbose_name = _("ballot receipt")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "voter"], name="ballot_receipt_one_per_voter"
            )
        ]

    def __str__(self) -> str:
        return f"Receipt to {self.voter_id} in {self.edition_id} at {self.sent_at:%Y-%m-%d %H:%M}"


class SignalComputation(models.Model):
    """When the fraud signals of an edition were last computed (``voting.fraud
    .signals_compute``): the page reads the signals it stored, never the votes."""

    edition = models.OneToOneField(
        "awards.Edition", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    started_at = models.DateTimeField(_("computation started"))
    computed_at = models.DateTimeField(_("computed on"))
    # The latest vote event the computation saw: later ones are not in its signals.
    events_until = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("fraud signal computation")

    def __str__(self) -> str:
        return f"Signals of {self.edition_id} computed at {self.computed_at:%Y-%m-%d %H:%M}"


class StoredSignal(models.Model):
    """One fraud signal as last computed: its kind, the facts its title and evidence
    are written from (in the reader's language), and the votes or accounts it
    concerns. ``key`` changes whenever what it concerns changes, so that a decision
    posted for it acts on what the secretariat saw; ``accounts_key`` is what a
    dismissal holds for."""

    edition = models.ForeignKey(
        "awards.Edition", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=64)
    key = models.CharField(max_length=100)
    accounts_key = models.CharField(max_length=64)
    facts = models.JSONField(default=dict)
    vote_ids = models.JSONField(default=list)
    voter_ids = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "position"], name="stored_signal_position_once"
            ),
            models.UniqueConstraint(fields=["edition", "key"], name="stored_signal_key_once"),
        ]
        indexes = [
            models.Index(fields=["edition", "kind", "accounts_key"], name="stored_signal_dismissal")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.position} of {self.edition_id}"


class DecisionAction(models.TextChoices):
    INVALIDATE_ACCOUNT = "invalidate_account", _("Invalidate an account's votes")
    EXCLUDE_ACCOUNT = "exclude_account", _("Exclude an account from voting")
    INVALIDATE_SIGNAL = "invalidate_signal", _("Invalidate what a signal concerns")


class DecisionStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE_DECISION = Q(status__in=[DecisionStatus.QUEUED, DecisionStatus.RUNNING])


class DecisionJob(models.Model):
    """A fraud decision of the secretariat carried out in the background
    (``services.decision_run``), with its progress: ``done`` of ``total`` accounts (or
    votes, for a signal that names votes). One job at a time per account or signal of
    an edition, by the partial unique index on ``subject``."""

    edition = models.ForeignKey(
        "awards.Edition", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    action = models.CharField(max_length=32, choices=DecisionAction.choices)
    # "account:<id>" or "signal:<key>": what one job at a time is about.
    subject = models.CharField(max_length=120)
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    signal_kind = models.CharField(max_length=64, blank=True)
    vote_ids = models.JSONField(default=list, blank=True)
    voter_ids = models.JSONField(default=list, blank=True)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    status = models.CharField(
        max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    votes_invalidated = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("fraud decision")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subject"],
                condition=ACTIVE_DECISION,
                name="decision_job_one_active_per_subject",
            ),
        ]
        indexes = [models.Index(fields=["edition", "-queued_at"], name="decision_job_latest")]

    def __str__(self) -> str:
        return f"{self.action} {self.subject} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (DecisionStatus.QUEUED, DecisionStatus.RUNNING)


class TracePurge(models.Model):
    """When the networks and browsers of an edition's votes and history were emptied,
    its results being final and the retention period over (``services.traces_purge``):
    once done, its votes are not read again."""

    edition = models.OneToOneField(
        "awards.Edition", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    at = models.DateTimeField()
    votes = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Traces of {self.edition_id} emptied at {self.at:%Y-%m-%d %H:%M}"
