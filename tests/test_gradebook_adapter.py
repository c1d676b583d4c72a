"""The standalone adapter's gradebook (workbench, demo): raw scores kept as Open edX's CSM
keeps them, read back unchanged; blocks are the workbench's own."""

import pytest

from codio_xblock import adapter
from codio_xblock.standalone import StandaloneAdapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def standalone():
    return StandaloneAdapter()


def test_chosen_outside_open_edx(settings):
    assert not adapter.in_openedx()
    assert adapter.get().name == "standalone"
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "ADAPTER": "codio_xblock.conf.get"}
    with pytest.raises(TypeError):
        adapter.get()


def test_fractional_raw_score_round_trips(standalone):
    standalone.publish_grade(usage_id="b1", user_key="7", raw_earned=2.1875, raw_possible=2.5)
    assert standalone.current_grade(usage_id="b1", user_key="7") == (2.1875, 2.5)


def test_latest_score_wins_and_zero_is_a_grade(standalone):
    for earned in (0.5, 0.0):
        standalone.publish_grade(usage_id="b1", user_key="7", raw_earned=earned, raw_possible=1)
    assert standalone.current_grade(usage_id="b1", user_key="7") == (0.0, 1.0)
    assert standalone.current_grade(usage_id="b1", user_key="8") is None


def test_unknown_block_is_gone(standalone):
    assert standalone.block_grading("no-such-block.codio_unit.d0.u0") is None


@pytest.mark.parametrize(
    "raw, weight, weighted",
    [
        ((1, 2), 1.0, (0.5, 1.0)),
        ((1, 2), 0.0, (0.0, 0.0)),
        ((3, 4), 2.5, (1.875, 2.5)),
        ((1, 0), 5.0, (1, 0)),
        ((1, 2), None, (1, 2)),
    ],
)
def test_weighted_score_is_open_edx_arithmetic(raw, weight, weighted):
    assert adapter.weighted_score(*raw, weight) == weighted


def test_shown_grade_is_the_demo_gradebooks_arithmetic(standalone):
    """Outside Open edX the gradebook (the demo's /gradebook/) weights the stored raw score by
    the block's weight of the day; the unit shows the same."""
    standalone.publish_grade(usage_id="b1", user_key="7", raw_earned=3, raw_possible=4)
    for weight in (2.5, 10.0, None):
        assert standalone.shown_grade(
            usage_id="b1", user_key="7", weight=weight
        ) == adapter.weighted_score(3, 4, weight)
    assert standalone.shown_grade(usage_id="b1", user_key="8", weight=1.0) is None
