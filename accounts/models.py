import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class StakeholderType(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    BUSINESS = "business", _("Business sector")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    ACADEMIA = "academia", _("Academia")
    OTHER = "other", _("Other")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An account needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create_user(email, password, **fields)


class User(AbstractUser):
    """An account: it logs in with its e-mail address; it has no username."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(max_length=150)
    country = CountryField(blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    stakeholder_type = models.CharField(max_length=32, choices=StakeholderType.choices, blank=True)
    # The language the account chose (the switcher, the profile): its pages and e-mails
    # are in it. Empty: the browser's.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )
    # Where the account was made from, for the fraud signals: the network (never the
    # address) and the browser's family. Cleared once the edition it voted in has its
    # final results and the retention period has passed.
    # (Empty by default in the database too, for accounts written in bulk by SQL.)
    signup_network = models.CharField(
        _("network at sign-up"), max_length=64, blank=True, default="", db_default=""
    )
    signup_browser = models.CharField(
        _("browser at sign-up"), max_length=40, blank=True, default="", db_default=""
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class OutboxEmail(models.Model):
    """An e-mail as rendered, written in the transaction of what caused it
    (``services.email_queue``) and delivered by the relay (``services.email_deliver``).

    ``claimed_until`` is the relay's lease while it sends (a relay that dies leaves it
    to expire), and after a failed attempt the time of the next one. Once sent, the
    bodies are cleared: the row keeps who was written to, about what and when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    from_email = models.CharField(max_length=500)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.TextField()
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    # Message-ID among them: the same at every attempt, so a second copy is recognisable.
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox e-mail")
        indexes = [
            # The relay's question: what is still to send, oldest first.
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_email_pending",
            ),
            # The pruning's: what was sent before a date.
            models.Index(
                fields=["sent_at"],
                condition=models.Q(sent_at__isnull=False),
                name="outbox_email_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
