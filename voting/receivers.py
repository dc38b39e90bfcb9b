from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from accounts.signals import account_deleting, personal_data_requested
from awards.models import Category, Edition, Project
from config.network import browser_family
from voting.catalogue import voting_catalogue_clear
from voting.models import Vote
from voting.permissions import voting_is_open


@receiver(post_save, sender=Edition, dispatch_uid="voting-catalogue-edition-saved")
@receiver(post_delete, sender=Edition, dispatch_uid="voting-catalogue-edition-deleted")
@receiver(post_save, sender=Category, dispatch_uid="voting-catalogue-category-saved")
@receiver(post_delete, sender=Category, dispatch_uid="voting-catalogue-category-deleted")
@receiver(post_save, sender=Project, dispatch_uid="voting-catalogue-project-saved")
@receiver(post_delete, sender=Project, dispatch_uid="voting-catalogue-project-deleted")
def catalogue_follows_changes(sender, **kwargs) -> None:
    """What this process knows of the editions is read again after a change made here
    (other processes find out at their next refusal: ``voting.services``)."""
    voting_catalogue_clear()


@receiver(personal_data_requested, dispatch_uid="voting-personal-data")
def votes_for_download(sender, *, user: User, **kwargs) -> tuple[str, list[dict[str, Any]]]:
    votes = (
        Vote.objects.filter(voter=user)
        .select_related("edition", "category", "nominee")
        .order_by("edition__year", "category__number")
    )
    return "votes", [
        {
            "edition": vote.edition.year,
            "category": vote.category.number,
            "category_title": vote.category.title,
            "nominee": vote.nominee_id,
            "nominee_title": vote.nominee.title,
            "cast_at": vote.cast_at.isoformat(),
            "changed_at": vote.changed_at.isoformat(),
            # Kept for the fraud review until the retention period ends: None once
            # emptied (services.traces_purge).
            "network": vote.network or None,
            "browser": browser_family(vote.user_agent) or None,
            "user_agent": vote.user_agent or None,
        }
        for vote in votes
    ]


@receiver(account_deleting, dispatch_uid="voting-account-deleting")
def votes_follow_deleted_account(sender, *, user: User, **kwargs) -> None:
    """While an edition's voting is open a deleted account's votes are withdrawn; once
    it has closed they stay, detached from the person (the foreign key empties)."""
    editions = {vote.edition for vote in Vote.objects.filter(voter=user).select_related("edition")}
    open_editions = [e for e in editions if voting_is_open(e)]
    if open_editions:
        Vote.objects.filter(voter=user, edition__in=open_editions).delete()
