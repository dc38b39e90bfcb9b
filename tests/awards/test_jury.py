import pytest

from accounts.errors import MfaRequired
from awards.models import ConflictOfInterest, ProjectStatus, Score
from awards.phases import Phase
from awards.ranking import category_ranking
from awards.services.jury import (
    ConflictedJuror,
    JuryClosed,
    QuorumMissing,
    ReasonRequired,
    ScoreInvalid,
    ScoreSubmitted,
    conflict_declare,
    jury_assign,
    score_save,
    winner_confirm,
)
from config.errors import NotAllowed, NotFound
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def juror(**fields):
    return UserFactory(mfa=True, roles=["Jury"], email_confirmed=True, **fields)


@pytest.fixture
def category():
    edition = EditionFactory(year=2020, phase=Phase.JURY, jury_quorum=2, weight_merit=2)
    return CategoryFactory(edition=edition, number=1)


@pytest.fixture
def champions(category):
    return {
        title: ProjectFactory(category=category, title=title, status=ProjectStatus.CHAMPION)
        for title in "ABC"
    }


@pytest.fixture
def jurors(category, admin_user):
    members = [juror(email=f"juror{n}@jury.example") for n in (1, 2)]
    for member in members:
        jury_assign(category=category, juror=member, by=admin_user)
    return members


def marks(m, o, i, s):
    return {"merit": m, "originality": o, "impact": i, "sustainability": s}


def score_all(jurors, champions, table):
    for member, row in zip(jurors, table, strict=True):
        for title, values in row.items():
            score_save(juror=member, project=champions[title], marks=marks(*values), submit=True)


WORKED_EXAMPLE = [
    # A harsh juror and a lenient one; merit weighs twice.
    {"A": (6, 5, 5, 5), "B": (4, 4, 4, 4), "C": (5, 5, 5, 5)},
    {"A": (9, 9, 9, 9), "B": (10, 10, 10, 9), "C": (8, 8, 8, 8)},
]


def test_ranking_worked_example_checked_by_hand(category, champions, jurors):
    score_all(jurors, champions, WORKED_EXAMPLE)

    ranking = category_ranking(category=category)

    # Weighted scores: juror 1 A 5.4, B 4.0, C 5.0 (mean 4.8, sd 0.58878);
    # juror 2 A 9.0, B 9.8, C 8.0 (mean 8.93333, sd 0.73636).
    by_title = {rank.project.title: rank for rank in ranking}
    assert [rank.project.title for rank in ranking] == ["A", "B", "C"]
    assert by_title["A"].raw_mean == pytest.approx(7.2)
    assert by_title["B"].raw_mean == pytest.approx(6.9)
    assert by_title["C"].raw_mean == pytest.approx(6.5)
    assert by_title["A"].normalised_mean == pytest.approx((1.01905 + 0.09054) / 2, abs=1e-4)
    assert by_title["B"].normalised_mean == pytest.approx((-1.35873 + 1.17696) / 2, abs=1e-4)
    assert by_title["C"].normalised_mean == pytest.approx((0.33968 - 1.26750) / 2, abs=1e-4)
    assert by_title["B"].spread == pytest.approx(5.8)
    assert all(rank.has_quorum for rank in ranking)


def test_drafts_do_not_count_until_submitted(category, champions, jurors):
    score_save(juror=jurors[0], project=champions["A"], marks=marks(9, 9, 9, 9))

    [a] = [r for r in category_ranking(category=category) if r.project.title == "A"]

    assert a.scores == 0
    assert not a.has_quorum


def test_submitted_score_is_final(category, champions, jurors):
    score_save(juror=jurors[0], project=champions["A"], marks=marks(5, 5, 5, 5), submit=True)

    with pytest.raises(ScoreSubmitted):
        score_save(juror=jurors[0], project=champions["A"], marks=marks(9, 9, 9, 9))
    assert Score.objects.get().merit == 5


def test_marks_outside_1_to_10_are_refused_by_criterion(category, champions, jurors):
    with pytest.raises(ScoreInvalid) as refused:
        score_save(juror=jurors[0], project=champions["A"], marks=marks(0, 5, 11, 5))

    assert set(refused.value.errors) == {"merit", "impact"}
    assert not Score.objects.exists()


def test_juror_sees_only_assigned_categories(category, champions, admin_user):
    outsider = juror()
    other = CategoryFactory(edition=category.edition, number=2)
    jury_assign(category=other, juror=outsider, by=admin_user)

    with pytest.raises(NotFound):
        score_save(juror=outsider, project=champions["A"], marks=marks(5, 5, 5, 5))


def test_declared_conflict_blocks_scoring(category, champions, jurors):
    conflict_declare(juror=jurors[0], project=champions["A"], note="I advised them in 2019.")

    with pytest.raises(ConflictedJuror):
        score_save(juror=jurors[0], project=champions["A"], marks=marks(5, 5, 5, 5))


def test_likely_conflict_from_the_organisation_blocks_scoring(category, champions, admin_user):
    insider = juror(organisation=champions["B"].organisation_name.upper())
    jury_assign(category=category, juror=insider, by=admin_user)

    with pytest.raises(ConflictedJuror):
        score_save(juror=insider, project=champions["B"], marks=marks(5, 5, 5, 5))


def test_likely_conflict_from_the_email_domain_blocks_scoring(category, champions, admin_user):
    champions["C"].website = "https://www.lab.example.org/project"
    champions["C"].save()
    insider = juror(email="someone@lab.example.org")
    jury_assign(category=category, juror=insider, by=admin_user)

    with pytest.raises(ConflictedJuror):
        score_save(juror=insider, project=champions["C"], marks=marks(5, 5, 5, 5))


def test_conflicted_scores_leave_the_quorum_short(category, champions, jurors):
    score_all(jurors, champions, WORKED_EXAMPLE)
    third = champions["A"]
    Score.objects.filter(project=third, juror=jurors[1]).delete()
    conflict_declare(juror=jurors[1], project=third)

    [a] = [r for r in category_ranking(category=category) if r.project == third]

    assert a.scores == 1
    assert not a.has_quorum


def test_scores_only_during_winner_selection(champions, jurors):
    edition = champions["A"].edition
    with pytest.raises(JuryClosed):
        score_save(
            juror=jurors[0],
            project=champions["A"],
            marks=marks(5, 5, 5, 5),
            at=edition.jury_closes_at,
        )


def test_only_jury_members_with_mfa_score(category, champions, admin_user):
    no_mfa = UserFactory(roles=["Jury"])
    with pytest.raises(MfaRequired):
        score_save(juror=no_mfa, project=champions["A"], marks=marks(5, 5, 5, 5))
    with pytest.raises(NotAllowed):
        score_save(juror=UserFactory(mfa=True), project=champions["A"], marks=marks(5, 5, 5, 5))


def test_winner_is_the_top_of_the_ranking_by_default(category, champions, jurors, admin_user):
    score_all(jurors, champions, WORKED_EXAMPLE)

    winner_confirm(category=category, project=champions["A"], by=admin_user)

    champions["A"].refresh_from_db()
    assert champions["A"].status == ProjectStatus.WINNER
    assert champions["A"].events.last().note == "The top of the jury's ranking."


def test_another_winner_needs_a_written_reason(category, champions, jurors, admin_user):
    score_all(jurors, champions, WORKED_EXAMPLE)

    with pytest.raises(ReasonRequired):
        winner_confirm(category=category, project=champions["B"], by=admin_user)
    winner_confirm(
        category=category, project=champions["B"], by=admin_user, reason="Greater reach."
    )

    champions["B"].refresh_from_db()
    assert champions["B"].status == ProjectStatus.WINNER
    assert champions["B"].events.last().note == "Greater reach."


def test_no_winner_before_the_quorum(category, champions, jurors, admin_user):
    score_save(juror=jurors[0], project=champions["A"], marks=marks(9, 9, 9, 9), submit=True)

    with pytest.raises(QuorumMissing):
        winner_confirm(category=category, project=champions["A"], by=admin_user)


def test_only_the_secretariat_assigns_and_confirms(category, champions):
    member = juror()
    with pytest.raises(NotAllowed):
        jury_assign(category=category, juror=member, by=member)
    with pytest.raises(NotAllowed):
        winner_confirm(category=category, project=champions["A"], by=member)


def test_a_conflict_is_declared_during_winner_selection_only(champions, jurors):
    edition = champions["A"].edition

    with pytest.raises(JuryClosed):
        conflict_declare(juror=jurors[0], project=champions["A"], at=edition.jury_closes_at)

    assert not ConflictOfInterest.objects.exists()


def test_a_submitted_score_is_final_and_no_conflict_sets_it_aside(category, champions, jurors):
    score_save(juror=jurors[0], project=champions["A"], marks=marks(7, 7, 7, 7), submit=True)

    with pytest.raises(ScoreSubmitted):
        conflict_declare(juror=jurors[0], project=champions["A"], note="Thought again.")

    assert not ConflictOfInterest.objects.exists()
    [a] = [r for r in category_ranking(category=category) if r.project == champions["A"]]
    assert a.scores == 1


def test_declaring_a_conflict_removes_the_draft_and_again_changes_nothing(champions, jurors):
    score_save(juror=jurors[0], project=champions["A"], marks=marks(7, 7, 7, 7))
    first = conflict_declare(juror=jurors[0], project=champions["A"], note="I advised them.")

    again = conflict_declare(juror=jurors[0], project=champions["A"], note="Also a friend.")

    assert again == first
    assert ConflictOfInterest.objects.get().note == "I advised them."
    assert not Score.objects.exists()
