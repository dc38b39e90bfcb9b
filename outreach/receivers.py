from django.dispatch import receiver

from accounts.models import User
from accounts.signals import account_deleting
from outreach.models import MessageRecipient


@receiver(account_deleting, dispatch_uid="outreach-account-deleting")
def recipients_forget(sender, *, user: User, **kwargs) -> None:
    """A deleted account's name and address leave the messages' records: each message
    keeps that it reached someone, no longer whom."""
    MessageRecipient.objects.filter(user=user).update(email="", name="", language="")
