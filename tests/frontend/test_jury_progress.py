"""The secretariat's view of each juror's progress, the reminders (by hand and
scheduled) and the exports of scores and ranking."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import OutboxEmail
from awards.models import AuditAction, AuditEntry, ConflictOfInterest, JuryReminder
from awards.phases import Phase
from awards.tasks import jury_reminders_when_due
from tests.factories import CategoryFactory, EditionFactory
from tests.frontend.html import find, page, text
from tests.frontend.test_jury_pages import _sign_in, champion, give_score, make_juror

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    edition = EditionFactory(year=2034, phase=Phase.JURY, jury_quorum=2)
    return CategoryFactory(edition=edition, number=1, title="Public governance")


@pytest.fixture
def secretariat(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def panel(category):
    """Ada scored one, drafted one, declared a conflict with the third; Bo did nothing."""
    radio, solar, wind = (champion(category, t) for t in ("=Radio", "Solar", "Wind"))
    ada = make_juror(category, name="Ada", language="fr")
    bo = make_juror(category, name="Bo")
    give_score(ada, radio, 8)
    give_score(ada, solar, 6, submitted=False)
    ConflictOfInterest.objects.create(juror=ada, project=wind)
    give_score(bo, radio, 7)
    give_score(bo, solar, 7)
    give_score(bo, wind, 7)
    return ada, bo


def progress_url(category) -> str:
    return reverse("frontend:jury-progress", args=[category.edition.year])


def test_progress_shows_each_jurors_counts(secretariat, category, panel):
    response = secretariat.get(progress_url(category))

    rows = [
        [text(cell) for cell in row.children if not isinstance(cell, str)]
        for row in find(page(response), "tr", class_="progress-row")
    ]
    ada, bo = panel
    # Named, and told apart by their addresses (two jurors may share a name).
    assert rows == [
        ["1. Public governance", f"Ada ({ada.email})", "1 / 3", "1", "1", "1"],
        ["1. Public governance", f"Bo ({bo.email})", "3 / 3", "0", "0", "0"],
    ]


def test_reminder_asks_first_then_mails_the_pending_juror_in_their_language(
    secretariat, category, panel, admin_user
):
    ada, _bo = panel
    response = secretariat.post(progress_url(category), {"action": "remind"})

    [step] = find(page(response), "div", class_="confirm-step")
    assert [text(li) for li in find(step, "li")] == ["Ada: 1 pending"]
    assert not OutboxEmail.objects.exists()

    response = secretariat.post(progress_url(category), {"confirmed": "yes"}, follow=True)

    assert "A reminder is on its way to 1 juror." in text(page(response))
    [mail] = OutboxEmail.objects.all()
    assert mail.to == [ada.email]
    # In Ada's language, French.
    title = category.edition.title
    assert mail.subject == f"[Prix du SMSI] {title}\u00a0: 1 Champion reste à noter"
    [entry] = AuditEntry.objects.filter(action=AuditAction.JURY_REMINDED)
    assert (entry.actor, entry.subject, entry.details) == (
        admin_user,
        ada,
        {"pending": 1, "slot": ""},
    )


def test_scheduled_reminder_goes_once_per_slot(category, panel):
    edition = category.edition
    now = timezone.now()

    assert jury_reminders_when_due.delay().get() == 0  # the deadline is far off
    edition.jury_closes_at = now + timedelta(days=2, hours=12)
    edition.save()
    assert jury_reminders_when_due.delay().get() == 1
    assert jury_reminders_when_due.delay().get() == 0
    edition.jury_closes_at = now + timedelta(hours=20)
    edition.save()
    assert jury_reminders_when_due.delay().get() == 1
    assert jury_reminders_when_due.delay().get() == 0

    assert sorted(JuryReminder.objects.values_list("juror__name", "slot")) == [
        ("Ada", "1d"),
        ("Ada", "3d"),
    ]
    assert OutboxEmail.objects.count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.JURY_REMINDED, actor=None).count() == 2


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_scores_and_ranking_export_with_formulas_defused(secretariat, category, panel, kind):
    year = category.edition.year
    tables = {}
    for table in ("scores", "ranking"):
        response = secretariat.get(reverse("frontend:jury-export", args=[year, table, kind]))
        assert response.status_code == 200
        assert f"wsis-prizes-{year}-jury-{table}.{kind}" in response["Content-Disposition"]
        if kind == "csv":
            tables[table] = list(csv.reader(io.StringIO(response.content.decode())))
        else:
            sheet = load_workbook(io.BytesIO(response.content)).active
            tables[table] = [list(row) for row in sheet.iter_rows(values_only=True)]
    scores = tables["scores"]
    assert scores[0][:5] == ["category", "title", "organisation", "juror", "juror e-mail"]
    assert len(scores) == 1 + 5  # Ada's two (one a draft) and Bo's three
    assert {row[1] for row in scores[1:]} == {"'=Radio", "Solar", "Wind"}
    assert "draft" in [row[10] for row in scores[1:]]
    ranking = tables["ranking"]
    assert ranking[0][:3] == ["category", "rank", "title"]
    assert [row[2] for row in ranking[1:]] == ["'=Radio", "Solar", "Wind"]


def test_unknown_export_is_not_found(secretariat, category):
    url = reverse("frontend:jury-export", args=[category.edition.year, "votes", "csv"])
    assert secretariat.get(url).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "plain", "juror"])
def test_progress_and_exports_refuse_anyone_but_the_secretariat(client, category, panel, who):
    _sign_in(client, who, category)
    year = category.edition.year
    for url in (
        progress_url(category),
        reverse("frontend:jury-export", args=[year, "scores", "csv"]),
    ):
        assert client.get(url).status_code in ((302,) if who == "anonymous" else (403,))
    response = client.post(progress_url(category), {"confirmed": "yes"})
    assert response.status_code in (302, 403)
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize("jurors", [1, 4])
@pytest.mark.parametrize("champions", [1, 5])
def test_progress_query_count_does_not_grow(
    secretariat, category, django_assert_max_num_queries, jurors, champions
):
    other = CategoryFactory(edition=category.edition, number=2)
    projects = [
        champion(c, f"C{c.number}-{n}") for c in (category, other) for n in range(champions)
    ]
    for _ in range(jurors):
        member = make_juror(category, other)
        for project in projects[::2]:
            give_score(member, project, 6)

    with django_assert_max_num_queries(12):
        response = secretariat.get(progress_url(category))

    assert len(find(page(response), "tr", class_="progress-row")) == 2 * jurors
