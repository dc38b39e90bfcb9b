from django.conf import settings
from django.db import models


class Vote(models.Model):
    """A voter's choice of one nominee in one category of an edition.

    ``voter`` is emptied when the account is deleted after voting has closed, so that
    published results stay reproducible without pointing at a person.
    """

    edition = models.ForeignKey("awards.Edition", on_delete=models.PROTECT, related_name="votes")
    category = models.ForeignKey("awards.Category", on_delete=models.PROTECT, related_name="votes")
    nominee = models.ForeignKey("awards.Project", on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="votes",
    )
    cast_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["voter", "category"], name="vote_one_per_voter_per_category"
            ),
        ]
        indexes = [models.Index(fields=["edition", "voter"], name="vote_edition_voter")]

    def __str__(self) -> str:
        return f"{self.voter_id or 'former voter'} → {self.nominee_id} in {self.category_id}"
