import re
from collections import Counter
from datetime import UTC, datetime
from io import StringIO
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from accounts.models import User
from accounts.permissions import has_confirmed_email, is_jury_member, is_secretariat
from awards.models import (
    Category,
    Certificate,
    Edition,
    Project,
    ProjectStatus,
    Region,
    Score,
    Standing,
)
from awards.phases import PHASE_ORDER, Phase, closes_field, opens_field
from awards.selectors import edition_current_phase
from demo.seed import (
    COUNTRIES_BY_REGION,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DEMO_VOTERS,
    JURY_EMAIL,
    SECRETARIAT_EMAIL,
    demo_catalogue,
    demo_seed,
)
from tests.mfa import totp_code
from voting.fraud import fraud_flags
from voting.models import Vote, VoteEvent
from voting.selectors import tally_differences

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

STANDARD_ACTION_LINES = [
    "C1", "C2", "C3", "C4", "C5", "C6",
    "C7.1", "C7.2", "C7.3", "C7.4", "C7.5", "C7.6", "C7.7", "C7.8",
    "C8", "C9", "C10", "C11",
]  # fmt: skip


def seed(phase: str = "voting", nominees: int = 2) -> str:
    out = StringIO()
    call_command("seed_demo", phase=phase, nominees_per_category=nominees, stdout=out)
    return out.getvalue()


def demo_edition() -> Edition:
    return Edition.objects.get(year=2020)


def snapshot() -> dict[str, object]:
    return {
        "editions": list(Edition.objects.values_list("year", "title")),
        "categories": list(
            Category.objects.values_list("edition__year", "number", "action_line__code")
        ),
        "projects": sorted(
            Project.objects.values_list("category__number", "organisation_name", "title", "status")
        ),
        "users": list(
            User.objects.order_by("email", "groups__name").values_list(
                "email", "is_staff", "is_superuser", "groups__name"
            )
        ),
    }


# The statuses of each category's projects with seven nominees (and two rejected).
FIVE_CHAMPIONS_OF_SEVEN = {
    ProjectStatus.CHAMPION: 5,
    ProjectStatus.NOMINEE: 2,
    ProjectStatus.REJECTED: 2,
}
A_WINNER_AMONG_FIVE_OF_SEVEN = {
    ProjectStatus.WINNER: 1,
    ProjectStatus.CHAMPION: 4,
    ProjectStatus.NOMINEE: 2,
    ProjectStatus.REJECTED: 2,
}


def statuses_by_category() -> dict[int, Counter[str]]:
    counts: dict[int, Counter[str]] = {}
    for number, status in Project.objects.values_list("category__number", "status"):
        counts.setdefault(number, Counter())[status] += 1
    return counts


@pytest.mark.parametrize(
    ("option", "phase"),
    [
        ("submission", Phase.SUBMISSION),
        ("nomination", Phase.NOMINATION),
        ("jury", Phase.JURY),
    ],
)
def test_seed_demo_makes_the_named_phase_current(option, phase):
    seed(option, nominees=1)

    assert edition_current_phase(edition=demo_edition()) == phase


def test_seed_demo_moves_the_timeline_of_an_existing_edition():
    seed("submission", nominees=1)
    seed("jury", nominees=1)

    assert edition_current_phase(edition=demo_edition()) == Phase.JURY


def boundaries(edition: Edition) -> list[datetime]:
    fields = [f(phase) for phase in PHASE_ORDER for f in (opens_field, closes_field)]
    return [getattr(edition, field) for field in fields]


@pytest.mark.parametrize("option", ["voting", "champions", "ceremony"])
def test_seed_demo_puts_every_phase_boundary_on_a_whole_hour(option):
    seed(option, nominees=1)

    for moment in boundaries(demo_edition()):
        assert moment.astimezone(UTC).strftime("%M:%S.%f") == "00:00.000000", moment


def test_seed_demo_rounds_to_the_utc_hour_from_any_zone():
    # 14:37 in India (UTC+05:30) is 09:07 UTC: the timeline is halfway at 09:00 UTC.
    now = datetime.fromisoformat("2020-07-30T14:37:12.5+05:30")

    demo_seed(phase="voting", nominees_per_category=1, now=now)

    edition = demo_edition()
    assert edition_current_phase(edition=edition, at=now) == Phase.VOTING
    assert edition.voting_opens_at == datetime(2020, 7, 7, 21, 0, tzinfo=UTC)
    assert edition.voting_closes_at == datetime(2020, 8, 21, 21, 0, tzinfo=UTC)
    for moment in boundaries(edition):
        assert moment.astimezone(UTC).strftime("%M:%S.%f") == "00:00.000000", moment


def test_seed_demo_in_submission_has_only_drafts_and_submitted_projects():
    # Three projects a category (one nominee's and two more): every third is a draft.
    seed("submission", nominees=1)

    for counts in statuses_by_category().values():
        assert set(counts) == {ProjectStatus.DRAFT, ProjectStatus.SUBMITTED}
    assert not Project.objects.filter(status=ProjectStatus.DRAFT, submitted_at__isnull=False)
    assert not Project.objects.exclude(status=ProjectStatus.DRAFT).filter(submitted_at=None)


def test_seed_demo_in_nomination_has_nominees_rejected_and_submissions_under_review():
    # Three projects a category: a nominee, one awaiting its review, one rejected.
    seed("nomination", nominees=1)

    for counts in statuses_by_category().values():
        assert set(counts) == {
            ProjectStatus.SUBMITTED,
            ProjectStatus.NOMINEE,
            ProjectStatus.REJECTED,
        }


def test_demo_catalogue_descriptions_count_150_to_200_words():
    projects = [project for projects in demo_catalogue().values() for project in projects]

    assert len(projects) == 18 * 42
    for project in projects:
        assert 150 <= len(project.short_description.split()) <= 200, project.title


def test_demo_catalogue_keeps_organisations_and_titles_unique():
    titles = []
    for projects in demo_catalogue().values():
        # The database compares organisations trimmed and ignoring case.
        names = [project.organisation.name.strip().casefold() for project in projects]
        assert len(set(names)) == len(names)
        titles += [project.title for project in projects]

    # Unique across the catalogue, hence for each organisation.
    assert len(set(titles)) == len(titles)


def test_demo_countries_are_in_their_itu_region():
    region_of = {code: region for region, codes in COUNTRIES_BY_REGION.items() for code in codes}

    assert len(region_of) == sum(len(codes) for codes in COUNTRIES_BY_REGION.values())
    # ITU counts North Africa among the Arab States and Central Asia in the CIS.
    assert region_of["EG"] == region_of["MA"] == Region.ARAB_STATES
    assert region_of["KZ"] == region_of["UZ"] == Region.CIS
    assert region_of["KE"] == region_of["ZA"] == Region.AFRICA
    assert region_of["FJ"] == Region.ASIA_PACIFIC


@pytest.mark.parametrize("nominees", [0, 41, -1])
def test_seed_demo_refuses_nominees_out_of_bounds(nominees):
    with pytest.raises(CommandError, match="between 1 and 40"):
        call_command("seed_demo", nominees_per_category=nominees, stdout=StringIO())

    assert not Edition.objects.exists()


def test_seed_demo_refuses_an_unknown_phase():
    with pytest.raises(CommandError, match="phase"):
        call_command("seed_demo", "--phase", "results", stdout=StringIO())
    with pytest.raises(CommandError, match="phase"):
        call_command("seed_demo", phase="results", stdout=StringIO())


def test_seed_demo_sends_no_mail(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seed("voting", nominees=1)

    assert mailoutbox == []


def test_seed_demo_published_makes_the_certificates(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seed("published", nominees=2)

    edition = demo_edition()
    shortlisted = Project.objects.filter(
        edition=edition, status__in=[ProjectStatus.WINNER, ProjectStatus.CHAMPION]
    )
    assert Certificate.objects.filter(kind="certificate").count() == shortlisted.count()


def demo_for_the_class(phase: str, nominees: int):
    """A fixture: one demo, seeded once for a class of tests that read it. It is seeded
    in a transaction of its own, each test runs in a savepoint inside it (as Django's
    TestCase runs a test inside ``setUpTestData``), and it is rolled back after the
    class, so no other test sees it. The fixture's value is what the command printed."""

    @pytest.fixture(scope="class")
    def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
        with (
            django_db_blocker.unblock(),
            override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            ),
            transaction.atomic(),
        ):
            yield seed(phase, nominees)
            transaction.set_rollback(True)

    return seeded


voting_demo = demo_for_the_class("voting", nominees=2)
champions_demo = demo_for_the_class("champions", nominees=7)
ceremony_demo = demo_for_the_class("ceremony", nominees=7)
published_demo = demo_for_the_class("published", nominees=2)


class TestTheVotingDemo:
    """``seed_demo --phase voting`` with two nominees per category."""

    def test_it_makes_the_voting_phase_current(self, voting_demo):
        assert edition_current_phase(edition=demo_edition()) == Phase.VOTING

    def test_seeding_twice_duplicates_nothing(self, voting_demo):
        first = snapshot()
        seed()

        assert snapshot() == first
        assert Edition.objects.count() == 1
        assert Category.objects.count() == 18
        # 2 nominees and 2 rejected projects per category.
        assert Project.objects.count() == 18 * 4

    def test_seeding_fewer_nominees_removes_the_surplus(self, voting_demo):
        seed("voting", nominees=1)

        assert Project.objects.count() == 18 * 3
        assert Project.objects.filter(status=ProjectStatus.NOMINEE).count() == 18 * 1

    def test_switching_phase_back_keeps_one_row_per_project(self, voting_demo):
        voting = snapshot()
        ids = set(Project.objects.values_list("pk", flat=True))

        seed("published", nominees=2)
        assert Project.objects.filter(status=ProjectStatus.WINNER).count() == 18
        seed("voting", nominees=2)

        assert snapshot() == voting
        # Projects that had moved on are made again from their drafts (their history
        # only runs forward), so ids may change; there is still exactly one row per
        # project.
        keys = list(Project.objects.values_list("category_id", "organisation_name"))
        assert len(keys) == len(set(keys)) == len(ids)

    def test_it_creates_the_18_categories_on_their_action_lines(self, voting_demo):
        categories = Category.objects.filter(edition=demo_edition()).order_by("number")
        assert [(c.number, c.action_line.code) for c in categories] == list(
            enumerate(STANDARD_ACTION_LINES, start=1)
        )
        assert categories.get(number=10).title == "E-health"

    def test_it_has_only_nominees_and_rejected_projects(self, voting_demo):
        for counts in statuses_by_category().values():
            assert counts == {ProjectStatus.NOMINEE: 2, ProjectStatus.REJECTED: 2}
        assert not Project.objects.filter(submitted_at=None)

    def test_moving_on_leaves_projects_of_other_accounts_alone(self, voting_demo):
        other = User.objects.create_user("someone@example.org", "pw", name="Someone")
        project = Project.objects.filter(status=ProjectStatus.NOMINEE).first()
        project.pk = None
        project.organisation_name = "Another Organisation"
        project.submitted_by = other
        project.save()

        seed("published", nominees=1)

        kept = Project.objects.get(submitted_by=other)
        assert (kept.pk, kept.title, kept.organisation_name) == (
            project.pk,
            project.title,
            "Another Organisation",
        )
        # The Champions come from the real count, which includes every nominee: with
        # fewer nominees than places, this one is shortlisted too.
        assert kept.status == ProjectStatus.CHAMPION
        assert not kept.votes.exists()

    def test_it_prints_credentials_that_log_in(self, voting_demo, client):
        output = voting_demo

        assert SECRETARIAT_EMAIL in output
        assert JURY_EMAIL in output
        assert DEMO_PASSWORD in output
        for url in ("http://127.0.0.1:8000/", "/admin/", "/api/v1/docs/"):
            assert url in output
        assert client.login(email=SECRETARIAT_EMAIL, password=DEMO_PASSWORD)
        assert client.login(email=JURY_EMAIL, password=DEMO_PASSWORD)

    def test_it_gives_the_secretariat_and_the_jury_their_roles(self, voting_demo):
        secretariat = authenticate(email=SECRETARIAT_EMAIL, password=DEMO_PASSWORD)
        jury = authenticate(email=JURY_EMAIL, password=DEMO_PASSWORD)
        assert is_secretariat(secretariat)
        assert secretariat.is_staff
        assert secretariat.groups.filter(name="Secretariat").exists()
        assert is_jury_member(jury)
        assert not is_secretariat(jury)
        assert not jury.is_staff

    def test_its_accounts_have_confirmed_addresses(self, voting_demo):
        demo_accounts = User.objects.filter(email__endswith="wsis.example")
        # 2 role accounts, 2 more jurors, 6 submitters, the voters, 53 fraud example voters.
        assert demo_accounts.count() == 10 + DEMO_VOTERS + 53
        assert all(has_confirmed_email(user) for user in demo_accounts)

    def test_its_role_accounts_pass_two_factor_with_the_printed_code(self, voting_demo, client):
        code = re.search(rf"{re.escape(SECRETARIAT_EMAIL)}\s+(\d{{8}}),", voting_demo).group(1)

        logged_in = client.post(
            "/accounts/login/", {"login": SECRETARIAT_EMAIL, "password": DEMO_PASSWORD}
        )
        assert logged_in["Location"] == "/accounts/2fa/authenticate/"
        authenticated = client.post("/accounts/2fa/authenticate/", {"code": code})

        assert authenticated.status_code == 302
        assert client.get("/admin/").status_code == 200

    def test_its_role_accounts_accept_the_printed_authenticator_secret(self, voting_demo):
        assert DEMO_TOTP_SECRET in voting_demo
        jury = User.objects.get(email=JURY_EMAIL)
        totp = Authenticator.objects.get(user=jury, type=Authenticator.Type.TOTP).wrap()
        assert totp.validate_code(totp_code(DEMO_TOTP_SECRET))

    def test_seeding_again_restores_a_changed_demo_password(self, voting_demo):
        jury = User.objects.get(email=JURY_EMAIL)
        jury.set_password("something else entirely")
        jury.is_active = False
        jury.save()

        seed()

        assert authenticate(email=JURY_EMAIL, password=DEMO_PASSWORD) is not None

    def test_its_projects_have_complete_realistic_fields(self, voting_demo):
        for project in Project.objects.prefetch_related("sdgs"):
            assert 150 <= len(project.short_description.split()) <= 200
            assert 1 <= len(project.sdgs.all()) <= 3
            assert project.country.code in COUNTRIES_BY_REGION[project.region]
            assert project.stakeholder_type
            assert project.submitted_by is not None
            assert urlsplit(project.website).hostname.endswith(".example")
            assert all((project.linkage, project.impact, project.partnerships, project.challenges))
            assert project.outlook

    def test_it_votes_through_the_voting_service_with_fraud_examples(self, voting_demo):
        edition = demo_edition()
        votes = Vote.objects.filter(edition=edition)
        assert 1000 < votes.count() < 10000
        assert VoteEvent.objects.filter(edition=edition, action="cast").count() == votes.count()
        assert tally_differences(edition=edition) == {}
        flags = fraud_flags(edition=edition)
        flagged = User.objects.filter(pk__in={pk for flag in flags for pk in flag.voter_ids})
        assert (
            not flagged.filter(email__endswith="@voters.wsis.example")
            .exclude(email__startswith="kofi.mensah")
            .exclude(email="fast.voter@voters.wsis.example")
        ), "the ordinary voters are not flagged"
        kinds = {flag.kind for flag in flags}
        assert kinds == {
            "new_accounts_one_network",
            "mailbox_variants",
            "burst",
            "lockstep_ballots",
            "vote_rhythm",
            "signup_rhythm",
            "concentration",
        }

    def test_seeding_again_adds_no_votes(self, voting_demo):
        before = (Vote.objects.count(), VoteEvent.objects.count())

        seed("voting", nominees=2)

        assert (Vote.objects.count(), VoteEvent.objects.count()) == before


class TestTheChampionsDemo:
    """``seed_demo --phase champions`` with seven nominees per category."""

    def test_it_makes_the_champions_phase_current(self, champions_demo):
        assert edition_current_phase(edition=demo_edition()) == Phase.CHAMPIONS

    def test_it_shortlists_five_champions_per_category(self, champions_demo):
        for counts in statuses_by_category().values():
            assert counts == FIVE_CHAMPIONS_OF_SEVEN

    def test_its_champions_come_from_the_recorded_count(self, champions_demo):
        edition = demo_edition()
        assert edition.standings_recorded_at is not None
        champions = Standing.objects.filter(edition=edition, is_champion=True)
        assert champions.count() == 18 * 5
        assert set(champions.values_list("nominee__status", flat=True)) == {ProjectStatus.CHAMPION}

    def test_moving_on_to_the_jury_keeps_the_five_champions(self, champions_demo):
        seed("jury", nominees=7)

        assert edition_current_phase(edition=demo_edition()) == Phase.JURY
        for counts in statuses_by_category().values():
            assert counts == FIVE_CHAMPIONS_OF_SEVEN

    def test_going_back_before_voting_leaves_no_votes_or_standings(self, champions_demo):
        seed("nomination", nominees=2)

        assert not Vote.objects.exists()
        assert not Standing.objects.exists()


class TestTheCeremonyDemo:
    """``seed_demo --phase ceremony`` with seven nominees per category."""

    def test_it_makes_the_ceremony_phase_current(self, ceremony_demo):
        assert edition_current_phase(edition=demo_edition()) == Phase.CEREMONY

    def test_it_has_a_confirmed_winner_per_category(self, ceremony_demo):
        for counts in statuses_by_category().values():
            assert counts == A_WINNER_AMONG_FIVE_OF_SEVEN
        edition = demo_edition()
        assert edition.results_published_at is None
        assert not edition.categories.filter(revealed_at__isnull=False).exists()

    def test_publishing_keeps_one_winner_among_five_champions_per_category(self, ceremony_demo):
        seed("published", nominees=7)

        edition = demo_edition()
        assert edition.results_published_at is not None
        for counts in statuses_by_category().values():
            assert counts == A_WINNER_AMONG_FIVE_OF_SEVEN


class TestThePublishedDemo:
    """``seed_demo --phase published`` with two nominees per category."""

    def test_it_stays_in_the_ceremony_phase(self, published_demo):
        assert edition_current_phase(edition=demo_edition()) == Phase.CEREMONY

    def test_it_is_scored_revealed_and_published(self, published_demo):
        edition = demo_edition()
        assert edition.results_published_at is not None
        assert not edition.categories.filter(revealed_at__isnull=True).exists()
        # Each of the three jurors scored both Champions of every category.
        assert Score.objects.filter(
            project__edition=edition, submitted_at__isnull=False
        ).count() == (18 * 2 * 3)

    def test_it_shortlists_every_nominee_when_there_are_fewer_than_five(self, published_demo):
        for counts in statuses_by_category().values():
            assert counts == {
                ProjectStatus.WINNER: 1,
                ProjectStatus.CHAMPION: 1,
                ProjectStatus.REJECTED: 2,
            }

    def test_its_projects_went_through_the_services(self, published_demo):
        edition = demo_edition()
        rejected = Project.objects.filter(edition=edition, status=ProjectStatus.REJECTED)
        winners = Project.objects.filter(edition=edition, status=ProjectStatus.WINNER)
        assert all(p.decision_reason for p in rejected)
        for project in winners:
            kinds = list(project.events.values_list("kind", flat=True))
            assert kinds == ["drafted", "submitted", "accepted", "champion", "winner"]
            assert project.events.get(kind="accepted").actor.email == SECRETARIAT_EMAIL
            assert project.logo.name.endswith(".png")
        assert all(p.submitted_at for p in Project.objects.exclude(status=ProjectStatus.DRAFT))
