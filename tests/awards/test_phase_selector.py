from datetime import timedelta

import pytest

from awards.phases import PHASE_ORDER, Phase, closes_field, opens_field
from awards.selectors import edition_current_phase, edition_timeline_state
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


@pytest.mark.parametrize("phase", PHASE_ORDER)
def test_phase_is_current_from_its_opening_moment(phase):
    edition = EditionFactory()
    opens_at = getattr(edition, opens_field(phase))

    assert edition_current_phase(edition=edition, at=opens_at) == phase
    assert edition_current_phase(edition=edition, at=opens_at + SECOND) == phase


@pytest.mark.parametrize("phase", PHASE_ORDER)
def test_phase_is_over_at_its_closing_moment(phase):
    edition = EditionFactory()
    closes_at = getattr(edition, closes_field(phase))
    following = PHASE_ORDER.index(phase) + 1
    expected_next = PHASE_ORDER[following] if following < len(PHASE_ORDER) else None

    assert edition_current_phase(edition=edition, at=closes_at - SECOND) == phase
    assert edition_current_phase(edition=edition, at=closes_at) == expected_next


def test_no_phase_before_submission_opens():
    edition = EditionFactory()
    state = edition_timeline_state(edition=edition, at=edition.submission_opens_at - SECOND)

    assert state.phase is None
    assert not state.has_started
    assert state.next.phase == Phase.SUBMISSION


def test_no_phase_after_ceremony_closes():
    edition = EditionFactory()
    state = edition_timeline_state(edition=edition, at=edition.ceremony_closes_at)

    assert state.phase is None
    assert state.has_finished
    assert state.previous.phase == Phase.CEREMONY


def test_no_phase_in_a_gap_between_phases():
    edition = EditionFactory()
    edition.voting_opens_at = edition.nomination_closes_at + timedelta(days=2)
    edition.save()

    state = edition_timeline_state(edition=edition, at=edition.nomination_closes_at + SECOND)

    assert state.phase is None
    assert state.previous.phase == Phase.NOMINATION
    assert state.next.phase == Phase.VOTING
    assert not state.has_finished


@pytest.mark.parametrize("phase", PHASE_ORDER)
def test_factory_timeline_puts_the_named_phase_now(phase):
    assert edition_current_phase(edition=EditionFactory(phase=phase)) == phase
