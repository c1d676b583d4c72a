"""The unit as course staff see it while viewing the course as a specific learner (Open edX
masquerade, lms/djangoapps/courseware/masquerade.py): read-only. It says whose view it is
and shows that learner's grade as the LMS's grades show it; it has no launch, because a
launch would act in the tool as the learner (or as the staff member, in the learner's
place), and the block's launch handler refuses one."""

from web_fragments.fragment import Fragment
from xblock.utils.resources import ResourceLoader

loader = ResourceLoader(__name__)


def read_only_view(block, learner, grade):
    """The read-only student view of ``block`` for ``learner`` (a PlatformUser); ``grade`` is
    the learner's ("earned", "possible") text or None. Every value is escaped by the
    template."""
    name = learner.full_name or learner.username
    if learner.full_name and learner.username:
        name = f"{learner.full_name} ({learner.username})"
    html = loader.render_django_template(
        "templates/codio_xblock/read_only_view.html",
        {"block": block, "learner_name": name, "grade": grade},
        i18n_service=block.runtime.service(block, "i18n"),
    )
    frag = Fragment(html)
    frag.add_css(loader.load_unicode("static/css/codio_unit.css"))
    return frag
