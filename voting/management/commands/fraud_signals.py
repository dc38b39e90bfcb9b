from django.core.management.base import BaseCommand, CommandError

from awards.selectors import edition_get
from voting.fraud import signals_compute
from voting.models import StoredSignal


class Command(BaseCommand):
    help = (
        "Compute an edition's fraud signals again from its stored votes, their history and "
        "the accounts, and store them for the fraud review page: the same computation as "
        "the background task that runs every few minutes while votes come in."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--edition", type=int, required=True, metavar="YEAR", help="The edition's year."
        )

    def handle(self, *args, edition: int, **options) -> None:
        found = edition_get(year=edition)
        if found is None:
            raise CommandError(f"There is no edition {edition}.")
        computation = signals_compute(edition=found)
        signals = StoredSignal.objects.filter(edition=found)
        count = signals.count()
        clusters = len(
            {row.get("cluster") for row in signals.values_list("facts", flat=True)} - {None}
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{found}: {count} signal{'s' if count != 1 else ''} in {clusters} "
                f"cluster{'s' if clusters != 1 else ''}, computed in {computation.seconds:.1f} s."
            )
        )
