"""The secretariat's messages to a segment of an edition, each kept with its
recipients: who, at which address, and the outbox e-mail that carries it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Segment(models.TextChoices):
    """Whom a message goes to, within one edition."""

    SUBMITTERS = "submitters", _("All submitters")
    NOMINEES = "nominees", _("Nominees")
    CHAMPIONS = "champions", _("Champions")
    WINNERS = "winners", _("Winners")
    CATEGORY_JURORS = "category_jurors", _("The jurors of a category")
    JURORS = "jurors", _("All jurors")


class MessageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class SkipReason(models.TextChoices):
    ACCOUNT_DELETED = "account_deleted", _("The account was deleted")
    ACCOUNT_INACTIVE = "account_inactive", _("The account is deactivated")
    ADDRESS_UNCONFIRMED = "address_unconfirmed", _("The e-mail address is not confirmed")


class Message(models.Model):
    """One text written by the secretariat: a draft until it is sent, then kept as
    sent, with its recipients."""

    edition = models.ForeignKey(
        "awards.Edition", on_delete=models.PROTECT, related_name="+", verbose_name=_("edition")
    )
    segment = models.CharField(_("recipients"), max_length=32, choices=Segment.choices)
    category = models.ForeignKey(
        "awards.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("Only for the jurors of a category."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When the last recipient's e-mail was written to the outbox.
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        indexes = [models.Index(fields=["edition", "-created_at"], name="message_edition_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(segment__in=Segment.values), name="message_segment_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MessageStatus.values), name="message_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(segment=Segment.CATEGORY_JURORS, category__isnull=False)
                    | (~Q(segment=Segment.CATEGORY_JURORS) & Q(category__isnull=True))
                ),
                name="message_category_only_for_its_jurors",
            ),
            models.CheckConstraint(
                condition=Q(status=MessageStatus.DRAFT) | Q(sent_at__isnull=False),
                name="message_sent_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class MessageRecipient(models.Model):
    """One person a message was sent to, as they were when it was sent; or, skipped,
    why they were not written to."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    email = models.CharField(_("address"), max_length=254, blank=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # What makes them part of the segment: their projects' titles, or the categories
    # they are a juror of.
    concerning = models.CharField(_("as"), max_length=500, blank=True)
    skipped = models.CharField(_("skipped"), max_length=32, choices=SkipReason.choices, blank=True)
    # Written once the e-mail is in the outbox; the outbox row is deleted a week after
    # it is sent (accounts.services.email_outbox_prune), which empties this reference.
    queued_at = models.DateTimeField(null=True, blank=True)
    outbox = models.ForeignKey(
        "accounts.OutboxEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("recipient")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user"],
                condition=Q(user__isnull=False),
                name="message_recipient_once",
            ),
            models.CheckConstraint(
                condition=Q(skipped__in=["", *SkipReason.values]),
                name="message_recipient_skipped_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["message"],
                condition=Q(queued_at__isnull=True, skipped=""),
                name="message_recipient_pending",
            )
        ]

    def __str__(self) -> str:
        return self.email or str(self.pk)
