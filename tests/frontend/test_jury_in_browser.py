"""A juror's two acts that cannot be undone, in Chromium: submitting a score and
declaring a conflict of interest each ask first, and nothing happens when the juror
answers no.

No database access while Chromium runs (Playwright's event loop keeps Django from the
database in this thread)."""

import pytest
from django.urls import reverse

from awards.models import ConflictOfInterest, Score
from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS, session_of
from tests.frontend.test_jury_pages import champion, make_juror

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def sync_api():
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def test_submitting_a_score_and_declaring_a_conflict_ask_first(sync_api, live_server):
    edition = EditionFactory(year=2034, phase=Phase.JURY, jury_quorum=2)
    category = CategoryFactory(edition=edition, number=1, title="Public governance")
    scored, declared = champion(category, "Solar schools"), champion(category, "Radio")
    juror = make_juror(category)
    session = session_of(juror)
    questions = []

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            page.set_default_timeout(10_000)
            answers = iter([False, True, False, True])

            def answer(dialog):
                questions.append(dialog.message)
                dialog.accept() if next(answers) else dialog.dismiss()

            page.on("dialog", answer)
            posts = []
            page.on("request", lambda request: request.method == "POST" and posts.append(1))
            page.goto(live_server.url + reverse("frontend:jury-champion", args=[scored.pk]))
            for criterion in ("merit", "originality", "impact", "sustainability"):
                page.select_option(f"select[name={criterion}]", "8")
            submit = page.get_by_role("button", name="Submit (final)")
            submit.click()  # answered no: the page stays as it was
            page.wait_for_timeout(300)
            posted_after_no = len(posts)
            with page.expect_navigation():
                submit.click()  # answered yes
            page.goto(live_server.url + reverse("frontend:jury-champion", args=[declared.pk]))
            declare = page.get_by_role("button", name="Declare a conflict of interest")
            declare.click()
            page.wait_for_timeout(300)
            declared_after_no = len(posts)
            with page.expect_navigation():
                declare.click()
        finally:
            browser.close()

    assert questions == [
        "Submit this score? It is final: you cannot change it afterwards.",
        "Submit this score? It is final: you cannot change it afterwards.",
        "Declare a conflict of interest with this project? You will not score it, and this "
        "cannot be undone.",
        "Declare a conflict of interest with this project? You will not score it, and this "
        "cannot be undone.",
    ]
    # Answered no: nothing sent. Answered yes: sent once.
    assert (posted_after_no, declared_after_no, len(posts)) == (0, 1, 2)
    [score] = Score.objects.filter(juror=juror)
    assert score.project == scored and score.submitted_at is not None
    assert list(ConflictOfInterest.objects.values_list("project", flat=True)) == [declared.pk]
