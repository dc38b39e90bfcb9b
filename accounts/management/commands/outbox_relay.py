from django.core.management.base import BaseCommand

from accounts.models import OutboxEmail
from accounts.services import email_outbox_prune, email_relay


class Command(BaseCommand):
    help = (
        "Deliver the e-mails still pending in the outbox, here and now (no broker "
        "needed), and delete those sent more than a week ago. Celery beat does the same "
        "every minute."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--limit", type=int, default=500, help="Deliver at most this many (500)."
        )

    def handle(self, *args, limit: int, **options) -> None:
        sent = email_relay(limit=limit)
        pruned = email_outbox_prune()
        pending = OutboxEmail.objects.filter(sent_at__isnull=True).count()
        self.stdout.write(f"{sent} sent, {pending} still pending, {pruned} old ones deleted.")
