from django.core.management.base import BaseCommand, CommandError

from awards.selectors import edition_get
from voting.fraud import signals_compute


class Command(BaseCommand):
    help = (
        "Compute an edition's fraud signals from its votes and store them for the fraud "
        "review page (the beat task does it every few minutes while votes come in)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("year", type=int, help="The edition's year.")

    def handle(self, *args, year: int, **options) -> None:
        edition = edition_get(year=year)
        if edition is None:
            raise CommandError(f"There is no edition {year}.")
        computation = signals_compute(edition=edition)
        self.stdout.write(
            self.style.SUCCESS(f"{edition}: signals computed in {computation.seconds:.1f} s.")
        )
