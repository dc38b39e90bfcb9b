"""The embargo sweep: every output the public and the submitters can reach, at every
step from winner selection to publication.

Two categories each hold a pair of twin Champions: the same texts, votes and scores,
submitted, accepted and shortlisted at the same moments, under different titles,
organisations and ids, by different submitters. One twin of each pair becomes its
category's Winner. Until its category is revealed or the results are published, every
output of the Winner (pages, API, the personal data export, e-mails, PDFs, file names,
headers, timestamps, orderings) must read byte for byte as its twin's once the twins'
own names and ids are set aside, and confirming Winners must change nothing anyone
outside the secretariat and the jury can see. Once the embargo lifts, the Winner must
show as such: the sweep proves it looks.
"""

import difflib
import io
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from awards.models import Edition, Project
from awards.phases import Phase, timeline_around
from awards.services import (
    ceremony_reveal_next,
    nomination_accept,
    project_create,
    project_submit,
    results_publish,
    standings_record,
)
from awards.services.jury import jury_assign, score_save, winner_confirm
from tests.factories import PASSWORD, CategoryFactory, EditionFactory, UserFactory, words

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

YEAR = 2020
# The pairs of twins: category -> its two submitters' sides, the Winner's first. Each
# side's name is in its submitter's name and address, its project's title and its
# organisation: the part set aside when comparing twins.
PAIRS = {1: ("atlas", "boreal"), 2: ("dune", "cedar")}
WINNERS = {number: sides[0] for number, sides in PAIRS.items()}
# Category 3: each submitter of the first pair also has a Champion there (submitted
# before their twin, so that their list of projects, newest change first, would show
# any change of the twin's time); its Winner is someone else's.
SIBLINGS = 3
THEMES = {1: "Schools", 2: "Clinics", SIBLINGS: "Archives"}


@dataclass(frozen=True)
class Step:
    """A step of the walk: what is done, from the jury phase with every Champion scored
    and no Winner; when the baseline is taken (how many actions are done by then), from
    which, outside the secretariat and the jury, nothing may differ; and the categories
    whose Winner may show."""

    actions: tuple[str, ...]
    baseline_after: int | None = None
    public: frozenset[int] = frozenset()


CONFIRMED = ("confirm_1", "confirm_rest")
STEPS = {
    "jury_no_winner": Step(()),
    "winner_confirmed": Step(("confirm_1",), baseline_after=0),
    "all_winners_confirmed": Step(CONFIRMED, baseline_after=0),
    # Winners may still be confirmed once the ceremony phase has opened.
    "ceremony_before_reveal": Step(("to_ceremony", *CONFIRMED), baseline_after=1),
    "category_1_revealed_category_2_not": Step(
        (*CONFIRMED, "to_ceremony", "reveal"), public=frozenset({1})
    ),
    # Category 2 is never revealed: the publication alone lifts its embargo.
    "published": Step((*CONFIRMED, "to_ceremony", "reveal", "publish"), public=frozenset({1, 2})),
}

# The answer's parts that tell something; Expires and Date only tell when it was made.
HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Location",
    "Cache-Control",
    "Vary",
    "ETag",
    "Last-Modified",
)
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@dataclass
class Contest:
    edition: Edition
    secretariat: User
    owners: dict[str, User]
    projects: dict[tuple[int, str], Project]  # (category number, side)
    clients: dict[str, Client]  # by side; "public" is anonymous


def _side_title(side: str, number: int) -> str:
    return f"{side.title()} {THEMES[number]}"


def _create(edition, category, owner, *, title: str, organisation: str, at) -> Project:
    project = project_create(
        edition=edition,
        category=category,
        by=owner,
        data={
            "title": title,
            "organisation_name": organisation,
            "stakeholder_type": "civil_society",
            "country": "KE",
            "region": "africa",
            "website": "https://example.net/",
            "short_description": words(160),
            "linkage": "It serves Action Line C3 and SDG 9.",
            "impact": "Twelve thousand people reached in two years.",
            "partnerships": "The ministry of education and three universities.",
            "challenges": "Connectivity in rural districts.",
            "outlook": "Extension to two neighbouring countries.",
            "stage": "operational",
        },
        sdgs=[9],
        at=at,
    )
    return project_submit(project=project, by=owner, at=at)


def build(admin_user, capture) -> Contest:
    """The contest in its jury phase: Champions recorded, every one scored, no Winner."""
    edition = EditionFactory(year=YEAR, phase=Phase.JURY, champions_per_category=3, jury_quorum=1)
    categories = {
        number: CategoryFactory(edition=edition, number=number, title=f"Theme {number}")
        for number in (1, 2, SIBLINGS)
    }
    submitted = edition.submission_opens_at + timedelta(hours=1)
    accepted = edition.nomination_opens_at + timedelta(hours=1)
    counted = edition.champions_opens_at + timedelta(hours=1)
    scored = edition.jury_opens_at + timedelta(hours=1)
    joined = edition.submission_opens_at - timedelta(days=30)

    sides = [side for pair in PAIRS.values() for side in pair]
    owners = {
        side: UserFactory(email=f"{side}@example.org", name=f"Ada {side.title()}")
        for side in [*sides, "evergreen"]
    }
    for owner in owners.values():
        owner.emailaddress_set.create(email=owner.email, verified=True, primary=True)
    projects: dict[tuple[int, str], Project] = {}
    with capture(execute=True):
        for number, side in [
            *((SIBLINGS, side) for side in (*PAIRS[1], "evergreen")),
            *((number, side) for number, pair in PAIRS.items() for side in pair),
        ]:
            projects[(number, side)] = _create(
                edition,
                categories[number],
                owners[side],
                title=_side_title(side, number),
                organisation=f"{side.title()} Foundation",
                at=submitted,
            )
        for project in projects.values():
            nomination_accept(project=project, by=admin_user, at=accepted)
    Project.objects.filter(edition=edition).update(created_at=submitted)
    standings_record(
        edition=edition,
        votes={project.pk: 10 for project in projects.values()},
        exclusions={},
        voters=12,
        at=counted,
    )
    juror = UserFactory(email="juror@jury.example.com", mfa=True, roles=["Jury"])
    for category in categories.values():
        jury_assign(category=category, juror=juror, by=admin_user)
    for (number, side), project in projects.items():
        mark = 9 if side in (WINNERS.get(number), "evergreen") else 6
        score_save(
            juror=juror,
            project=project,
            marks=dict.fromkeys(("merit", "originality", "impact", "sustainability"), mark),
            submit=True,
            at=scored,
        )

    clients = {"public": Client()}
    for side in sides:
        client = Client()
        client.force_login(owners[side])
        # Downloading one's data asks for the password again.
        assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
        clients[side] = client
    User.objects.filter(pk__in=[o.pk for o in owners.values()]).update(
        date_joined=joined, last_login=joined
    )
    return Contest(
        edition=edition,
        secretariat=admin_user,
        owners=owners,
        projects={key: Project.objects.get(pk=p.pk) for key, p in projects.items()},
        clients=clients,
    )


def act(contest: Contest, action: str) -> None:
    edition, by = contest.edition, contest.secretariat
    if action == "confirm_1":
        winner = contest.projects[(1, WINNERS[1])]
        winner_confirm(category=winner.category, project=winner, by=by)
    elif action == "confirm_rest":
        for number, side in [*((n, WINNERS[n]) for n in PAIRS if n != 1), (SIBLINGS, "evergreen")]:
            winner = contest.projects[(number, side)]
            winner_confirm(category=winner.category, project=winner, by=by)
    elif action == "to_ceremony":
        Edition.objects.filter(pk=edition.pk).update(
            **timeline_around(current=Phase.CEREMONY, at=timezone.now())
        )
        edition.refresh_from_db()
    elif action == "reveal":
        ceremony_reveal_next(edition=edition, by=by)
    elif action == "publish":
        # With categories still unrevealed: the secretariat ticks the box that says so.
        results_publish(edition=edition, by=by, unrevealed_confirmed=True)
    else:
        raise AssertionError(action)


# --- What they see ---------------------------------------------------------------------


def fetch(client: Client, path: str) -> str:
    """An answer as text: its status, the headers that tell something and its body (a
    PDF's text). ``path`` may start with the method: "POST /path"."""
    method, _, path = path.rpartition(" ")
    if method:  # a change the submitter tries, refused: with what words?
        response = getattr(client, method.lower())(path, {}, content_type="application/json")
    else:
        response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type") == "application/pdf":
        content = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    else:
        content = body.decode()
    headers = [f"{name}: {response[name]}" for name in HEADERS if response.has_header(name)]
    content = CSRF_TOKEN.sub('name="csrfmiddlewaretoken" value=""', content)
    return "\n".join([str(response.status_code), *headers, "", content])


PUBLIC_PATHS = [
    "/",
    f"/editions/{YEAR}/",
    *(f"/editions/{YEAR}/categories/{n}/" for n in (1, 2, SIBLINGS)),
    *(f"/editions/{YEAR}/search/?q={theme}" for theme in THEMES.values()),
    f"/editions/{YEAR}/search/?q=people",
    f"/editions/{YEAR}/standings/",
    f"/editions/{YEAR}/results/",
    f"/editions/{YEAR}/results.csv",
    f"/editions/{YEAR}/ceremony/",
    f"/editions/{YEAR}/ceremony.json",
    f"/editions/{YEAR}/success-stories.pdf",
    "/api/v1/editions/",
    f"/api/v1/editions/{YEAR}/",
    f"/api/v1/editions/{YEAR}/categories/",
    f"/api/v1/editions/{YEAR}/nominees/",
    *(f"/api/v1/editions/{YEAR}/nominees/?category={n}" for n in (1, 2, SIBLINGS)),
    f"/api/v1/editions/{YEAR}/results/",
    f"/api/v1/editions/{YEAR}/ceremony/",
]
OWNER_PATHS = [
    "/",
    f"/editions/{YEAR}/my-projects/",
    f"/api/v1/editions/{YEAR}/my-projects/",
    "/profile/data.json",
    "/api/v1/me/",
    f"/editions/{YEAR}/vote/",
]


def project_paths(project: Project) -> list[str]:
    """A project's own outputs: its public page and record, and for its submitter its
    page, its record, its documents and the refusals of changes."""
    mine = f"/editions/{YEAR}/my-projects/{project.pk}/"
    record = f"/api/v1/editions/{YEAR}/my-projects/{project.pk}/"
    return [
        f"/editions/{YEAR}/nominees/{project.pk}/",
        f"/api/v1/editions/{YEAR}/nominees/{project.pk}/",
        mine,
        record,
        f"{mine}certificate.pdf",
        f"{mine}champion_letter.pdf",
        f"{mine}vote-for-us.pdf",
        f"/n/{project.pk}/",
        f"PATCH {record}",
        f"POST {record}submit/",
        f"DELETE {record}",
    ]


def mails_to(user: User) -> str:
    parts = []
    for message in mail.outbox:
        if user.email in message.to:
            html = [content for content, _ in getattr(message, "alternatives", [])]
            parts.append("\n".join([message.subject, message.body, *html]))
    return "\n-----\n".join(parts)


def snapshot(contest: Contest) -> dict[str, str]:
    """Everything the public and each submitter can reach, by what it is."""
    seen = {f"public {path}": fetch(contest.clients["public"], path) for path in PUBLIC_PATHS}
    for pair in PAIRS.values():
        for side in pair:
            client = contest.clients[side]
            seen |= {f"{side} {path}": fetch(client, path) for path in OWNER_PATHS}
            seen[f"{side} e-mails"] = mails_to(contest.owners[side])
            own = [p for (n, s), p in contest.projects.items() if s == side]
            for project in own:
                for path in project_paths(project):
                    # The public pages through the public's eyes, the rest the owner's.
                    viewer = "public" if "/nominees/" in path else side
                    seen[f"{side} {path}"] = fetch(contest.clients[viewer], path)
    return seen


def as_twin(text: str, contest: Contest, side: str) -> str:
    """``text`` with what tells ``side`` apart from its twin set aside: its name (in
    the person's name and address, the project's title and organisation) and its
    projects' ids."""
    for (number, owner_side), project in contest.projects.items():
        if owner_side != side:
            continue
        label = f"«project {number}»"
        pk = project.pk
        for context in (
            rf"(?<=/my-projects/){pk}(?=/)",
            rf"(?<=/nominees/){pk}(?=/)",
            rf"(?<=/n/){pk}(?=/)",
            rf'(?<="id":){pk}\b',
            rf'(?<="id": ){pk}\b',
            rf"(?<=prizes-{YEAR}-){pk}(?=-)",
        ):
            text = re.sub(context, label, text)
    return re.sub(side, "twin", text, flags=re.IGNORECASE)


def keyed_as_twin(seen: dict[str, str], contest: Contest, side: str) -> dict[str, str]:
    """The outputs of one side, keyed and worded as its twin's would be."""
    prefix = f"{side} "
    return {
        as_twin(key.removeprefix(prefix), contest, side): as_twin(value, contest, side)
        for key, value in seen.items()
        if key.startswith(prefix)
    }


def differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    found = []
    for key in sorted(expected.keys() | actual.keys()):
        if expected.get(key) != actual.get(key):
            diff = difflib.unified_diff(
                (expected.get(key) or "<missing>").splitlines(),
                (actual.get(key) or "<missing>").splitlines(),
                lineterm="",
                n=1,
            )
            found.append(f"{key}:\n" + "\n".join(list(diff)[2:14]))
    return found


# --- The sweep -------------------------------------------------------------------------


def winner_shown(seen: dict[str, str], contest: Contest, number: int, step: Step) -> None:
    """Once its embargo lifts, the Winner of category ``number`` shows as such to its
    submitter, and to everyone in the ceremony or the published results."""
    winner_side, twin_side = PAIRS[number]
    winner, twin = contest.projects[(number, winner_side)], contest.projects[(number, twin_side)]
    api = f"/api/v1/editions/{YEAR}/my-projects/"
    record = seen[f"{winner_side} {api}{winner.pk}/"]
    assert '"status":"winner"' in record and '"kind":"winner"' in record
    assert '"status":"champion"' in seen[f"{twin_side} {api}{twin.pk}/"]
    assert '"status": "winner"' in seen[f"{winner_side} /profile/data.json"]
    page = f"/editions/{YEAR}/my-projects/{winner.pk}/"
    assert "status-badge--winner" in seen[f"{winner_side} {page}"]
    assert "Became the Winner" in seen[f"{winner_side} {page}"]
    if "publish" in step.actions:
        assert (
            f'"winner":{{"id":{winner.pk},"title":"{winner.title}"'
            in seen[f"public /api/v1/editions/{YEAR}/results/"]
        )
        certificate = seen[f"{winner_side} {page}certificate.pdf"]
        assert "Winner" in certificate and winner.title in certificate
        assert (
            "Champion"
            in seen[f"{twin_side} /editions/{YEAR}/my-projects/{twin.pk}/certificate.pdf"]
        )
    else:
        assert f'"title":"{winner.title}"' in seen[f"public /api/v1/editions/{YEAR}/ceremony/"]
        assert f'"title":"{winner.title}"' in seen[f"public /editions/{YEAR}/ceremony.json"]


@pytest.mark.parametrize("name", list(STEPS))
def test_no_output_tells_a_winner_before_its_reveal_or_the_publication(
    name, admin_user, django_capture_on_commit_callbacks
):
    step = STEPS[name]
    contest = build(admin_user, django_capture_on_commit_callbacks)
    baseline = None
    for done, action in enumerate(step.actions):
        if done == step.baseline_after:
            baseline = snapshot(contest)
        with django_capture_on_commit_callbacks(execute=True):
            act(contest, action)
    seen = snapshot(contest)

    problems = []
    if baseline is not None:
        problems += [
            f"[{name}] changed when Winners were confirmed: {d}"
            for d in differences(baseline, seen)
        ]
    for number, (winner, twin) in PAIRS.items():
        if number not in step.public:
            # The pair's own outputs: its projects', and its submitters' (whose other
            # projects are in no public category).
            problems += [
                f"[{name}] the Winner's {d}"
                for d in differences(
                    keyed_as_twin(seen, contest, twin), keyed_as_twin(seen, contest, winner)
                )
            ]
    assert not problems, "\n\n".join(problems)

    for number in step.public:
        winner_shown(seen, contest, number, step)
