"""Stand-in for lms/djangoapps/courseware/block_render.py: how the LMS binds a block to the
request's user and renders it. ``get_block_by_usage_id`` binds it to ``setup_masquerade``'s
user (the learner, under a specific learner's masquerade, whose settings it carries); the
runtime ``get_module_system_for_user`` builds wraps every fragment the block renders, first
with ``filter_displayed_blocks`` when that user is masquerading as a specific student
(xmodule's runtime ``wrap_xblock`` applies the wrappers in order). Handlers
(``_invoke_xblock_handler``) run on the same bound block, with no wrapper.

Left out: the other wrappers (license, the LmsRuntime div, static URLs, staff debug info),
which change nothing the plugin relies on."""

from lms.djangoapps.courseware.masquerade import (
    filter_displayed_blocks,
    is_masquerading_as_specific_student,
    setup_masquerade,
)


def block_wrappers(user, course_id):
    """The wrappers ``get_module_system_for_user`` starts its list with."""
    wrappers = []
    if is_masquerading_as_specific_student(user, course_id):
        wrappers.append(filter_displayed_blocks)
    return wrappers


def bound_user(request, course_key, staff_access):
    """The user ``get_block_by_usage_id`` binds the block to."""
    _, user = setup_masquerade(request, course_key, staff_access)
    return user


def render_block(block, user, view_name="student_view", context=None):
    """``block`` (bound to ``user``) rendered as the LMS runtime renders it: the view, then
    each wrapper."""
    frag = getattr(block, view_name)(context)
    for wrapper in block_wrappers(user, block.scope_ids.usage_id.context_key):
        frag = wrapper(block, view_name, frag, context)
    return frag
