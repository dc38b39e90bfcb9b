from django.core.management.base import BaseCommand, CommandError, CommandParser

from awards.models import ProjectStatus
from demo.seed import (
    DEFAULT_NOMINEES_PER_CATEGORY,
    DEFAULT_PHASE,
    DEMO_PHASES,
    DEMO_TOTP_SECRET,
    MAX_NOMINEES_PER_CATEGORY,
    MIN_NOMINEES_PER_CATEGORY,
    PUBLISHED,
    DemoSummary,
    demo_seed,
)

BASE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        'Create or update the "WSIS Prizes 2020" demo edition, its 18 categories, demo '
        "projects and accounts, with the timeline moved so that PHASE is current now. "
        "Safe to run again, with the same or another phase."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--phase",
            choices=DEMO_PHASES,
            default=DEFAULT_PHASE,
            help=(
                f'The phase to make current (default: {DEFAULT_PHASE}); "published" is '
                "the ceremony with the winners chosen."
            ),
        )
        parser.add_argument(
            "--nominees-per-category",
            type=int,
            default=DEFAULT_NOMINEES_PER_CATEGORY,
            metavar="N",
            help=(
                "Projects on the nominee track in each category "
                f"({MIN_NOMINEES_PER_CATEGORY}-{MAX_NOMINEES_PER_CATEGORY}, default: "
                f"{DEFAULT_NOMINEES_PER_CATEGORY}); a few rejected ones come on top."
            ),
        )

    def handle(
        self,
        *args: object,
        phase: str,
        nominees_per_category: int,
        verbosity: int = 1,
        **options: object,
    ) -> None:
        # call_command() with keyword options skips argparse's checks, so check again.
        if phase not in DEMO_PHASES:
            raise CommandError(f"--phase must be one of {', '.join(DEMO_PHASES)}, not {phase!r}.")
        if not MIN_NOMINEES_PER_CATEGORY <= nominees_per_category <= MAX_NOMINEES_PER_CATEGORY:
            raise CommandError(
                f"--nominees-per-category must be between {MIN_NOMINEES_PER_CATEGORY} and "
                f"{MAX_NOMINEES_PER_CATEGORY}, not {nominees_per_category}."
            )
        summary = demo_seed(phase=phase, nominees_per_category=nominees_per_category)
        if verbosity >= 1:
            self.stdout.write(self._report(summary))

    def _report(self, summary: DemoSummary) -> str:
        edition = summary.edition
        window = edition.window(summary.current_phase)
        phase = summary.current_phase.label
        if summary.phase == PUBLISHED:
            phase += " (results published)"
        statuses = ", ".join(
            f"{label.lower()} {count}"
            for value, label in ProjectStatus.choices
            if (count := summary.statuses[value])
        )
        width = max(len(account.email) for account in summary.accounts)
        lines = [
            self.style.SUCCESS(f"{edition.title}, current phase: {phase}"),
            f"  ({window.opens_at:%Y-%m-%d %H:%M} to {window.closes_at:%Y-%m-%d %H:%M %Z})",
            f"{summary.categories} categories; projects by status: {statuses}",
            f"  ({summary.projects_created} created, {summary.projects_updated} updated, "
            f"{summary.projects_removed} removed)",
            "",
            f"Accounts (password for all: {summary.password}):",
            *(f"  {account.email:<{width}}  {account.role}" for account in summary.accounts),
            "",
            "Two-factor authentication (secretariat and jury): add the secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app, or enter a recovery code:",
            *(
                f"  {account.email:<{width}}  {', '.join(account.recovery_codes)}"
                for account in summary.accounts
                if account.recovery_codes
            ),
            "",
            f"Site:     {BASE_URL}/",
            f"Admin:    {BASE_URL}/admin/",
            f"API docs: {BASE_URL}/api/v1/docs/",
        ]
        return "\n".join(lines)
