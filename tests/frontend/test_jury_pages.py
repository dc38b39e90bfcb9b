import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import (
    Category,
    ConflictOfInterest,
    Edition,
    JuryAssignment,
    Project,
    ProjectStatus,
    Score,
)
from awards.phases import Phase
from awards.workflow import CROWN, project_transition
from tests.awards.test_query_counts import with_details
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.frontend.html import attribute, error_summary, find, h1, page, text

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
MFA_ACTIVATE = reverse("mfa_activate_totp")
JURY = reverse("frontend:jury")
MARK_ERROR = "Mark it from 1 to 10."
_jurors = itertools.count()


@pytest.fixture
def edition() -> Edition:
    return EditionFactory(year=2034, phase=Phase.JURY, jury_quorum=2)


@pytest.fixture
def category(edition) -> Category:
    return CategoryFactory(edition=edition, number=1, title="Public governance")


def champion(category: Category, title: str, **fields) -> Project:
    return ProjectFactory(category=category, title=title, status=ProjectStatus.CHAMPION, **fields)


def make_juror(*categories: Category, **fields):
    # Not at example.org: the factories' projects have that website (a likely conflict).
    fields.setdefault("email", f"juror{next(_jurors)}@jury.test")
    juror = UserFactory(mfa=True, roles=["Jury"], email_confirmed=True, **fields)
    for category in categories:
        JuryAssignment.objects.create(category=category, juror=juror)
    return juror


@pytest.fixture
def juror(category):
    return make_juror(category)


@pytest.fixture
def signed_juror(client, juror):
    client.force_login(juror)
    return client


@pytest.fixture
def secretariat(client, admin_user):
    client.force_login(admin_user)
    return client


def champion_url(project: Project) -> str:
    return reverse("frontend:jury-champion", args=[project.pk])


def decisions_url(edition: Edition) -> str:
    return reverse("frontend:jury-decisions", args=[edition.year])


def marks(merit=7, originality=7, impact=7, sustainability=7, **extra) -> dict:
    return {
        "merit": merit,
        "originality": originality,
        "impact": impact,
        "sustainability": sustainability,
        **extra,
    }


def give_score(juror, project: Project, mark: int, *, submitted: bool = True) -> Score:
    return Score.objects.create(
        juror=juror,
        project=project,
        **marks(mark, mark, mark, mark),
        submitted_at=timezone.now() if submitted else None,
    )


def messages_shown(response) -> list[str]:
    return [text(item) for item in find(page(response), "li", class_="message")]


def field_errors(response, name: str) -> list[str]:
    return [text(item) for item in find(page(response), "ul", id=f"id_{name}_error")]


def states(response, category: Category) -> dict[str, str]:
    [section] = find(page(response), "section", id=f"category-{category.pk}")
    return {
        text(find(row, "th")[0]): text(find(row, "span", class_="jury-state")[0])
        for row in find(find(section, "tbody")[0], "tr")
    }


def ranking_rows(response, category: Category) -> list[tuple[str, ...]]:
    [section] = find(page(response), "section", id=f"category-{category.number}")
    return [
        tuple(text(cell) for cell in row.children if not isinstance(cell, str))
        for row in find(section, "tr", class_="ranking-row")
    ]


# --- Who may open the pages ----------------------------------------------------------


def _sign_in(client, who: str, category: Category) -> None:
    users = {
        "plain": lambda: UserFactory(email_confirmed=True, mfa=True),
        "jury_without_mfa": lambda: UserFactory(roles=["Jury"], email_confirmed=True),
        "juror": lambda: make_juror(category),
    }
    if who != "anonymous":
        client.force_login(users[who]())


JURY_REFUSED = ["anonymous", "plain", "jury_without_mfa"]


def _expect_jury_refusal(response, who: str, url: str) -> None:
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={url}"
    elif who == "jury_without_mfa":
        assert response.status_code == 302
        assert response["Location"] == MFA_ACTIVATE
    else:
        assert response.status_code == 403
        assert "This page is for members of the Expert Group." in text(page(response))


@pytest.mark.parametrize("who", JURY_REFUSED)
def test_jury_home_refuses_anyone_but_jurors_with_mfa(client, category, who):
    _sign_in(client, who, category)

    _expect_jury_refusal(client.get(JURY), who, JURY)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("who", JURY_REFUSED)
def test_champion_page_refuses_anyone_but_jurors_with_mfa(client, category, who, method):
    project = champion(category, "Radio lessons")
    _sign_in(client, who, category)
    url = champion_url(project)

    data = {"action": "submit", **marks()} if method == "post" else {}

    response = getattr(client, method)(url, data)

    _expect_jury_refusal(response, who, url)
    assert not Score.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("who", ["anonymous", "plain", "juror"])
def test_decisions_page_refuses_anyone_but_the_secretariat(client, category, who, method):
    project = champion(category, "Radio lessons")
    _sign_in(client, who, category)
    url = decisions_url(category.edition)

    data = {
        "category": category.pk,
        "action": "confirm",
        f"category-{category.pk}-winner": project.pk,
    }

    response = getattr(client, method)(url, data if method == "post" else {})

    if who == "anonymous":
        assert response["Location"] == f"{LOGIN}?next={url}"
    else:
        assert response.status_code == 403
        assert "This page is for the WSIS Prizes secretariat." in text(page(response))
    project.refresh_from_db()
    assert project.status == ProjectStatus.CHAMPION


def test_juror_sees_only_the_champions_of_assigned_categories(signed_juror, juror, category):
    other = CategoryFactory(edition=category.edition, number=2, title="Access")
    champion(category, "Radio lessons")
    hidden = champion(other, "Solar schools")

    response = signed_juror.get(JURY)

    assert h1(response) == "Expert Group"
    assert states(response, category) == {"Radio lessons": "Not scored"}
    assert "Solar schools" not in text(page(response))
    assert signed_juror.get(champion_url(hidden)).status_code == 404
    response = signed_juror.post(champion_url(hidden), {"action": "submit", **marks()})
    assert response.status_code == 404
    assert not Score.objects.exists()


def test_jury_home_without_assignment_says_categories_will_come(signed_juror):
    JuryAssignment.objects.all().delete()

    response = signed_juror.get(JURY)

    assert "Your assigned categories will appear here" in text(page(response))


def test_jury_home_shows_each_state(signed_juror, juror, category):
    projects = {
        title: champion(category, title)
        for title in ("A draft", "B submitted", "C conflict", "D likely", "E untouched")
    }
    give_score(juror, projects["A draft"], 6, submitted=False)
    give_score(juror, projects["B submitted"], 6)
    ConflictOfInterest.objects.create(juror=juror, project=projects["C conflict"])
    projects["D likely"].website = "https://www.jury.test/"
    projects["D likely"].save()

    response = signed_juror.get(JURY)

    assert states(response, category) == {
        "A draft": "Draft",
        "B submitted": "Submitted",
        "C conflict": "Conflict declared",
        "D likely": "Likely conflict",
        "E untouched": "Not scored",
    }


# --- Scoring ---------------------------------------------------------------------------


def test_champion_page_shows_the_project_and_the_forms(signed_juror, category):
    project = champion(category, "Radio lessons", organisation_name="Radio Kenya")

    response = signed_juror.get(champion_url(project))

    assert h1(response) == "Radio lessons"
    body = text(page(response))
    assert "Radio Kenya" in body
    assert "Twelve thousand people reached in two years." in body
    labels = [text(label) for label in find(page(response), "label")]
    for label in ("Merit", "Originality", "Impact", "Contribution to sustainable development"):
        assert label in labels
    buttons = [text(button) for button in find(page(response), "button")]
    assert "Save draft" in buttons
    assert "Submit (final)" in buttons
    assert "Declare a conflict of interest" in buttons


def test_juror_saves_a_draft_then_submits_and_it_is_final(signed_juror, juror, category):
    project = champion(category, "Radio lessons")
    url = champion_url(project)

    response = signed_juror.post(url, {"action": "draft", **marks(comment="Good.")}, follow=True)

    assert messages_shown(response) == [
        "Your draft score for “Radio lessons” is saved. Submit it when final."
    ]
    score = Score.objects.get(juror=juror, project=project)
    assert not score.is_submitted
    [merit] = find(page(response), "select", name="merit")
    [chosen] = find(merit, "option", selected=None)
    assert attribute(chosen, "value") == "7"

    response = signed_juror.post(url, {"action": "submit", **marks(merit=9)}, follow=True)

    assert messages_shown(response) == ["Your score for “Radio lessons” is submitted."]
    score.refresh_from_db()
    assert score.is_submitted and score.merit == 9
    assert not find(page(response), "select")
    assert "it is final" in text(page(response))
    assert "9 / 10" in text(page(response))

    response = signed_juror.post(url, {"action": "draft", **marks(merit=1)}, follow=True)

    assert messages_shown(response) == ["This score is submitted: it can no longer change."]
    score.refresh_from_db()
    assert score.merit == 9


def test_bad_marks_are_errors_on_their_criteria(signed_juror, category):
    project = champion(category, "Radio lessons")

    response = signed_juror.post(
        champion_url(project), {"action": "submit", **marks(merit=0, impact=11, originality="")}
    )

    assert response.status_code == 200
    assert field_errors(response, "merit") == [f"Error: {MARK_ERROR}"]
    assert field_errors(response, "impact") == [f"Error: {MARK_ERROR}"]
    assert field_errors(response, "originality") == [f"Error: {MARK_ERROR}"]
    assert field_errors(response, "sustainability") == []
    assert "There is a problem" in error_summary(response)
    assert not Score.objects.exists()


def test_declaring_a_conflict_blocks_scoring(signed_juror, juror, category):
    project = champion(category, "Radio lessons")
    give_score(juror, project, 5, submitted=False)
    url = champion_url(project)

    response = signed_juror.post(url, {"action": "conflict", "note": "I advise them."}, follow=True)

    assert messages_shown(response) == [
        "Your conflict of interest with “Radio lessons” is recorded: you do not score it."
    ]
    assert ConflictOfInterest.objects.get(juror=juror, project=project).note == "I advise them."
    assert not Score.objects.exists()
    assert not find(page(response), "select")
    assert "I advise them." in text(page(response))

    response = signed_juror.post(url, {"action": "submit", **marks()}, follow=True)

    assert messages_shown(response) == [
        "You have a conflict of interest with this project: you do not score it."
    ]
    assert not Score.objects.exists()


def test_scoring_outside_the_jury_phase_is_refused(client, category):
    edition = category.edition
    later = EditionFactory(year=2035, phase=Phase.VOTING)
    other = CategoryFactory(edition=later, number=1)
    juror = make_juror(other)
    project = champion(other, "Radio lessons")
    client.force_login(juror)

    get = client.get(champion_url(project))
    response = client.post(champion_url(project), {"action": "submit", **marks()}, follow=True)

    assert edition.year != later.year
    assert "Scores are given during the winner selection phase only." in text(page(get))
    assert not find(page(get), "select")
    assert messages_shown(response) == ["Scores are given during the winner selection phase only."]
    assert not Score.objects.exists()


# --- Decisions -------------------------------------------------------------------------


@pytest.fixture
def ranked(category):
    """Two Champions, each with the quorum: Radio lessons ahead of Solar schools."""
    radio = champion(category, "Radio lessons")
    solar = champion(category, "Solar schools")
    first, second = make_juror(category), make_juror(category)
    give_score(first, radio, 8)
    give_score(first, solar, 5)
    give_score(second, radio, 7)
    give_score(second, solar, 6)
    return radio, solar


def confirm(client, category: Category, project: Project, reason: str = "", *, step="yes"):
    """Choose the Winner on the decisions page, then (``step="yes"``) press the
    confirmation page's button; ``step=""`` stops at the confirmation page."""
    prefix = f"category-{category.pk}"
    return client.post(
        decisions_url(category.edition),
        {
            "category": category.pk,
            "action": "confirm",
            "confirmed": step,
            f"{prefix}-winner": project.pk,
            f"{prefix}-reason": reason,
        },
        follow=True,
    )


def test_secretariat_dashboard_links_to_the_jury_decisions(secretariat, edition):
    response = secretariat.get(reverse("frontend:secretariat"))

    [link] = find(page(response), "a", href=decisions_url(edition))
    assert text(link) == "Jury decisions"


def test_decisions_show_the_ranking_in_order_with_the_numbers(secretariat, category, ranked):
    response = secretariat.get(decisions_url(category.edition))

    assert h1(response) == f"Jury decisions {category.edition.title}"
    assert ranking_rows(response, category) == [
        (
            "1",
            "Radio lessons Organisation " + ranked[0].organisation_name.split()[-1],
            "2 / 2",
            "7.50",
            "1.00",
            "1.00",
            "Quorum",
        ),
        (
            "2",
            "Solar schools Organisation " + ranked[1].organisation_name.split()[-1],
            "2 / 2",
            "5.50",
            "-1.00",
            "1.00",
            "Quorum",
        ),
    ]
    [top] = find(page(response), "input", type="radio", checked=None)
    assert attribute(top, "value") == str(ranked[0].pk)
    [section] = find(page(response), "section", id="category-1")
    assert len(find(find(section, "ul", class_="jury-jurors")[0], "li")) == 2


def test_missing_quorum_is_said_and_the_confirm_refused(secretariat, category):
    radio = champion(category, "Radio lessons")
    give_score(make_juror(category), radio, 8)

    response = secretariat.get(decisions_url(category.edition))

    [notice] = find(page(response), "p", class_="jury-quorum-missing")
    assert "The Winner cannot be confirmed yet" in text(notice)
    assert "“Radio lessons”: 1" in text(notice)
    assert ranking_rows(response, category)[0][-1] == "Missing"

    response = confirm(secretariat, category, radio)

    assert messages_shown(response) == [
        "1. Public governance: Some Champions of this category lack the scores the quorum asks for."
    ]
    radio.refresh_from_db()
    assert radio.status == ProjectStatus.CHAMPION


def test_a_quorum_that_conflicts_keep_out_of_reach_says_so(secretariat, category):
    """Two jurors for a quorum of two: once one declares a conflict with a Champion,
    only another juror can bring it to the quorum, and the page says so."""
    radio, solar = champion(category, "Radio lessons"), champion(category, "Solar schools")
    ada, bo = make_juror(category), make_juror(category)
    give_score(ada, radio, 8)
    give_score(bo, solar, 7)
    ConflictOfInterest.objects.create(juror=bo, project=radio)

    response = secretariat.get(decisions_url(category.edition))

    [notice] = find(page(response), "p", class_="jury-quorum-out-of-reach")
    assert text(notice) == (
        "“Radio lessons” can get at most 1 submitted score: 1 of the jurors assigned "
        "declared a conflict of interest with it. Assign another juror to this category."
    )
    # Solar schools lacks a score too, but Ada can still give it.
    assert "Solar schools" not in text(notice)


def test_confirming_the_top_makes_it_the_winner(secretariat, category, ranked):
    response = confirm(secretariat, category, ranked[0])

    assert messages_shown(response) == ["“Radio lessons” is the Winner of 1. Public governance."]
    ranked[0].refresh_from_db()
    assert ranked[0].status == ProjectStatus.WINNER
    [winner] = find(page(response), "div", class_="jury-winner")
    assert "Winner: Radio lessons" in text(winner)
    assert not find(page(response), "input", type="radio")


def test_another_champion_needs_a_reason(secretariat, category, ranked):
    solar = ranked[1]

    response = confirm(secretariat, category, solar)

    assert response.status_code == 200
    errors = find(page(response), "ul", id=f"id_category-{category.pk}-reason_error")
    assert [text(e) for e in errors] == [
        "Error: Choosing a Winner other than the top of the ranking needs a reason."
    ]
    solar.refresh_from_db()
    assert solar.status == ProjectStatus.CHAMPION

    response = confirm(secretariat, category, solar, reason="Wider reach in rural areas.")

    solar.refresh_from_db()
    assert solar.status == ProjectStatus.WINNER
    [winner] = find(page(response), "div", class_="jury-winner")
    assert "Wider reach in rural areas." in text(winner)


def test_secretariat_assigns_a_juror(secretariat, category):
    juror = make_juror(name="Ada Lovelace")

    response = secretariat.post(
        decisions_url(category.edition),
        {"category": category.pk, "action": "assign", f"assign-{category.pk}-juror": juror.pk},
        follow=True,
    )

    assert messages_shown(response) == ["Ada Lovelace is assigned to 1. Public governance."]
    assert JuryAssignment.objects.filter(category=category, juror=juror).exists()


def test_a_juror_already_assigned_is_not_offered_again_and_is_told_so(secretariat, category):
    juror = make_juror(name="Ada Lovelace")
    other = make_juror(name="Bo Chen")
    assign = {"category": category.pk, "action": "assign", f"assign-{category.pk}-juror": juror.pk}
    secretariat.post(decisions_url(category.edition), assign, follow=True)

    response = secretariat.post(decisions_url(category.edition), assign, follow=True)

    assert messages_shown(response) == ["Ada Lovelace is already assigned to 1. Public governance."]
    assert JuryAssignment.objects.filter(category=category).count() == 1
    [select] = find(page(response), "select", name=f"assign-{category.pk}-juror")
    offered = [attribute(option, "value") for option in find(select, "option")]
    assert offered == ["", str(other.pk)]


def test_assigning_someone_outside_the_jury_is_an_error(secretariat, category):
    make_juror()
    outsider = UserFactory()

    response = secretariat.post(
        decisions_url(category.edition),
        {"category": category.pk, "action": "assign", f"assign-{category.pk}-juror": outsider.pk},
    )

    assert response.status_code == 200
    assert "Choose a member of the Expert Group." in error_summary(response)
    assert not JuryAssignment.objects.exists()


def test_decisions_of_an_unknown_edition_are_not_found(secretariat, edition):
    assert secretariat.get(reverse("frontend:jury-decisions", args=[1999])).status_code == 404


# --- Query counts -----------------------------------------------------------------------


@pytest.mark.parametrize("champions", [1, 6])
def test_jury_home_query_count_does_not_grow_with_champions(
    signed_juror, juror, category, django_assert_num_queries, champions
):
    other = CategoryFactory(edition=category.edition, number=2)
    JuryAssignment.objects.create(category=other, juror=juror)
    for number in range(champions):
        project = champion(category, f"Champion {number:02}")
        champion(other, f"Other {number:02}")
        give_score(juror, project, 6, submitted=number % 2 == 0)

    # The gate's three; assignments; champions; scores; conflicts; the header's two.
    with django_assert_num_queries(9):
        response = signed_juror.get(JURY)

    assert len(states(response, category)) == champions


@pytest.mark.parametrize("champions", [1, 6])
def test_decisions_query_count_does_not_grow_with_champions(
    secretariat, category, django_assert_num_queries, champions
):
    jurors = [make_juror(category) for _ in range(2)]
    for number in range(champions):
        project = champion(category, f"Champion {number:02}")
        for juror in jurors:
            give_score(juror, project, 5 + number % 4)

    with django_assert_num_queries(12):
        response = secretariat.get(decisions_url(category.edition))

    assert len(ranking_rows(response, category)) == champions


@pytest.mark.parametrize("categories", [1, 4])
@pytest.mark.parametrize("champions", [1, 5])
def test_jury_home_query_count_does_not_grow_with_categories_or_champions(
    signed_juror, juror, category, django_assert_num_queries, categories, champions
):
    assigned = [category]
    for number in range(2, categories + 1):
        assigned.append(CategoryFactory(edition=category.edition, number=number))
        JuryAssignment.objects.create(category=assigned[-1], juror=juror)
    for shortlist in assigned:
        for number in range(champions):
            project = champion(shortlist, f"Champion {shortlist.number}-{number}")
            if number % 3 == 1:
                ConflictOfInterest.objects.create(juror=juror, project=project)
            elif number % 3 == 2:
                give_score(juror, project, 6, submitted=False)

    with django_assert_num_queries(9):
        response = signed_juror.get(JURY)

    assert all(len(states(response, shortlist)) == champions for shortlist in assigned)


@pytest.mark.parametrize("categories", [1, 4])
@pytest.mark.parametrize("champions", [1, 5])
@pytest.mark.parametrize("jurors", [1, 3])
def test_decisions_query_count_does_not_grow_with_categories_champions_or_jurors(
    secretariat, category, django_assert_num_queries, categories, champions, jurors
):
    shortlisted = [category] + [
        CategoryFactory(edition=category.edition, number=number)
        for number in range(2, categories + 1)
    ]
    panel = [make_juror(*shortlisted) for _ in range(jurors)]
    make_juror()  # in the Expert Group, assigned nowhere: offered in every form
    for shortlist in shortlisted:
        for number in range(champions):
            project = champion(shortlist, f"Champion {shortlist.number}-{number}")
            for position, member in enumerate(panel):
                if (number + position) % 4 == 3:
                    ConflictOfInterest.objects.create(juror=member, project=project)
                else:
                    give_score(member, project, 4 + (number + position) % 5)
    # One juror cannot make the quorum of two: one more query reads the conflicts that
    # may keep the Champions from it, however many there are.
    quorum_missing = jurors == 1

    with django_assert_num_queries(13 if quorum_missing else 12):
        response = secretariat.get(decisions_url(category.edition))

    assert all(len(ranking_rows(response, shortlist)) == champions for shortlist in shortlisted)


@pytest.mark.parametrize("categories", [1, 4])
def test_decisions_query_count_does_not_grow_with_confirmed_winners(
    secretariat, admin_user, category, django_assert_num_queries, categories
):
    crowned = [category] + [
        CategoryFactory(edition=category.edition, number=number)
        for number in range(2, categories + 1)
    ]
    member = make_juror(*crowned)
    for shortlist in crowned:
        winner = champion(shortlist, f"Winner {shortlist.number}")
        champion(shortlist, f"Runner-up {shortlist.number}")
        project_transition(
            project=winner,
            transition=CROWN,
            actor=admin_user,
            at=timezone.now(),
            note="Clear best.",
        )
        give_score(member, winner, 9)

    with django_assert_num_queries(10):
        response = secretariat.get(decisions_url(category.edition))

    assert response.status_code == 200
    assert text(page(response)).count("Clear best.") == categories


@pytest.mark.parametrize("sdgs, images", [(1, 0), (5, 4)])
def test_champion_page_query_count_does_not_grow_with_its_details(
    signed_juror, juror, category, admin_user, django_assert_num_queries, sdgs, images
):
    project = with_details(
        champion(category, "Radio lessons"), sdgs=sdgs, images=images, events=0, actor=admin_user
    )
    give_score(juror, project, 6, submitted=False)

    # The gate's four; the Champion, its SDGs and images; the juror's score and conflict;
    # the header's two.
    with django_assert_num_queries(11):
        response = signed_juror.get(champion_url(project))

    assert h1(response) == "Radio lessons"


@pytest.mark.parametrize("posted", [{"action": "confirm"}, {"action": "nonsense"}, {}])
def test_odd_decision_posts_are_refused_with_a_message(secretariat, category, posted):
    response = secretariat.post(
        decisions_url(category.edition), {"category": category.pk, **posted}, follow=True
    )

    assert response.status_code == 200
    assert len(messages_shown(response)) == 1


def test_unknown_category_or_action_on_the_champion_page_is_a_message(signed_juror, category):
    project = champion(category, "Radio lessons")

    response = signed_juror.post(champion_url(project), {"action": "nonsense"}, follow=True)

    assert messages_shown(response) == [
        "Choose to save a draft, to submit or to declare a conflict."
    ]
    response = signed_juror.post(
        decisions_url(category.edition), {"category": "x", "action": "confirm"}
    )
    assert response.status_code == 403


def test_a_likely_conflict_is_said_and_not_scored(signed_juror, category):
    project = champion(category, "Radio lessons", website="https://jury.test/")

    response = signed_juror.get(champion_url(project))

    assert "the platform treats it as a conflict of interest" in text(page(response))
    assert not find(page(response), "select")
    buttons = [text(button) for button in find(page(response), "button")]
    assert "Declare a conflict of interest" in buttons
