"""The draft's page in real Chromium: what the submitter typed survives an upload, and
the short description's word count follows the typing."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from awards.models import ProjectStatus
from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS, session_of

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def sync_api():
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture
def draft():
    edition = EditionFactory(year=2020, phase=Phase.SUBMISSION)
    return ProjectFactory(
        category=CategoryFactory(edition=edition, number=3),
        submitted_by=UserFactory(email_confirmed=True),
        status=ProjectStatus.DRAFT,
        title="Open data",
    )


@pytest.fixture
def draft_page(sync_api, live_server, draft):
    """The draft's page, opened by its submitter (Chromium starts once the data is made:
    Playwright's event loop, started in the test's thread, keeps Django from the
    database there)."""
    session = session_of(draft.submitted_by)
    console: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url)
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda message: console.append(message.text))
        page.goto(reverse("frontend:my-project", args=[2020, draft.pk]))
        page.console = console
        yield page
        browser.close()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_text_typed_before_uploading_a_logo_is_still_there_after(draft_page):
    page = draft_page
    page.locator("#id_title").fill("Open data, renamed before the upload")
    page.locator("#id_impact").fill("Typed, never saved by hand.")

    page.locator("#id_logo").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": png()}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Upload the logo").click()

    # The page after the upload is drawn afresh from what the server saved.
    messages = page.locator(".message").all_inner_texts()
    assert any("The logo is saved." in message for message in messages)
    assert page.locator("#id_title").input_value() == "Open data, renamed before the upload"
    assert page.locator("#id_impact").input_value() == "Typed, never saved by hand."
    assert page.locator("img.file-block__logo").count() == 1
    assert page.get_by_role("button", name="Replace the logo").count() == 1
    assert [line for line in page.console if "Content Security Policy" in line] == []


def test_each_languages_description_counts_its_own_words(draft_page):
    page = draft_page
    spanish = page.locator("#id_short_description_es_helptext [data-word-count]")
    original = page.locator("#id_short_description_helptext [data-word-count]")
    assert spanish.inner_text() == "It has 0 words now."

    page.locator("#id_short_description_es").press_sequentially("Clases de radio")

    assert spanish.inner_text() == "It has 3 words now."
    assert "word-count--outside" in spanish.get_attribute("class")
    assert original.inner_text() == "It has 160 words now."


def test_the_word_count_follows_the_typing(draft_page):
    page = draft_page
    count = page.locator("#id_short_description_helptext [data-word-count]")
    assert count.inner_text() == "It has 160 words now."

    description = page.locator("#id_short_description")
    description.fill("")
    assert count.inner_text() == "It has 0 words now."
    # Counted as the server counts: a no-break space separates words, as in Python.
    description.press_sequentially("Radio\u00a0lessons  for\n")
    assert count.inner_text() == "It has 3 words now."
    assert "word-count--outside" in count.get_attribute("class")
    description.press_sequentially("every village")
    assert count.inner_text() == "It has 5 words now."

    # Screen readers are told once typing pauses, politely, not at every key.
    status = page.locator("#id_short_description_helptext + [data-word-count-status]")
    assert status.get_attribute("aria-live") == "polite"
    page.wait_for_function(
        "() => document.querySelector('[data-word-count-status]').textContent"
        " === 'It has 5 words now.'"
    )
    assert [line for line in page.console if "Content Security Policy" in line] == []
