"""A graded unit gets its completion checkmark in Open edX: the tool's AGS score reaches the
grades app's signals (tests/edx_platform/lms/djangoapps/grades/signals/, mirroring
edx-platform's chain) and edx-completion's own handler (the installed package, connected
as edx-platform's plugin machinery connects it) records the BlockCompletion."""

import pytest
from waffle.testutils import override_switch
from xblock.completable import XBlockCompletionMode

from codio_xblock.block import CodioUnitBlock
from tests.test_openedx_adapter import _graded_by_the_tool, _item_for
from tests.test_platform_ags import post_score, score

pytestmark = pytest.mark.django_db(transaction=True)  # the gradebook is written on commit
SWITCH = "completion.enable_completion_tracking"  # completion/waffle.py


def completions(learner, block):
    from completion.models import BlockCompletion

    return list(
        BlockCompletion.objects.filter(
            user=learner, block_key=block.scope_ids.usage_id
        ).values_list("completion", flat=True)
    )


def test_the_unit_declares_it_is_completable_by_its_score():
    assert XBlockCompletionMode.get_mode(CodioUnitBlock) == XBlockCompletionMode.COMPLETABLE
    assert CodioUnitBlock.completion_mode == XBlockCompletionMode.COMPLETABLE
    assert not getattr(CodioUnitBlock, "has_custom_completion", False)


@override_switch(SWITCH, active=True)
def test_a_graded_unit_is_complete_once_the_tool_scores_it_with_a_comment(openedx):
    learner = openedx.user("ada")
    block = openedx.block(user=learner, weight=2.0)
    _graded_by_the_tool(openedx, block, learner, 3, 4, comment="Well done, see the hints.")
    assert completions(learner, block) == [1.0]
    other = openedx.user("bob")  # nobody else's unit is marked
    assert completions(other, block) == []


@override_switch(SWITCH, active=False)
def test_no_completion_is_recorded_while_the_switch_is_off(openedx):
    learner = openedx.user("ada")
    block = openedx.block(user=learner)
    _graded_by_the_tool(openedx, block, learner, 3, 4, comment="Well done")
    assert completions(learner, block) == []


@override_switch(SWITCH, active=True)
def test_a_cleared_score_makes_the_unit_incomplete_again(openedx, client):
    """AGS 2.0, 3.4.5: a score without scoreGiven clears the grade; the grades app sends it
    with score_deleted, which edx-completion records as 0.0."""
    learner = openedx.user("ada")
    block = openedx.block(user=learner)
    tool, item, subject = _item_for(openedx, block, learner)
    token = tool.token(client)
    assert post_score(client, item, token, score(subject, 1, 1)).status_code == 200
    assert completions(learner, block) == [1.0]
    cleared = score(subject, None, 1)
    del cleared["scoreGiven"]
    assert post_score(client, item, token, cleared).status_code == 200
    assert completions(learner, block) == [0.0]
