from django.core.management.base import BaseCommand, CommandError

from awards.selectors import edition_get
from voting.selectors import tally_differences


class Command(BaseCommand):
    help = (
        "Recount an edition's valid votes from the votes themselves and compare with the "
        "tallies; exits with an error if any nominee differs."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("year", type=int, help="The edition's year.")

    def handle(self, *args, year: int, **options) -> None:
        edition = edition_get(year=year)
        if edition is None:
            raise CommandError(f"There is no edition {year}.")
        differences = tally_differences(edition=edition)
        if differences:
            for nominee, (tallied, counted) in sorted(differences.items()):
                self.stderr.write(f"nominee {nominee}: tally {tallied}, recount {counted}")
            raise CommandError(f"{len(differences)} nominee(s) differ from the recount.")
        self.stdout.write(self.style.SUCCESS(f"{edition}: every tally equals the recount."))
