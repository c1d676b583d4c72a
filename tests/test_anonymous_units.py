"""An anonymous unit (its LMS shares no name or email) shows nobody's name, to the learner
or to teachers, even for learners whose names another unit of the class shared."""

import re

import pytest

from lti_bridge.models import Account, ResourceLink
from tests.support import launch_through_xblock

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_anonymous_unit_names_nobody_and_says_so(course, as_user):
    learner = as_user("learner")
    launch_through_xblock(learner, index=0)  # "Hello, Python" shares name and email
    anonymous, _steps = launch_through_xblock(learner, index=1)  # "Loops" shares nothing
    ada = Account.objects.get(email="learner@example.edu")
    assert ada.name == "Ada Lovelace"  # known from the named unit
    page = anonymous.content.decode()
    assert f"Anonymous learner {ada.pk}" in page and "Ada Lovelace" not in page
    assert 'data-testid="anonymous-unit"' in page

    teacher = as_user("instructor")
    launch_through_xblock(teacher, index=0)
    loops = ResourceLink.objects.get(unit__code="loops")
    hello = ResourceLink.objects.get(unit__code="hello-python")
    assert (loops.shares_identity, hello.shares_identity) == (False, True)
    view = teacher.get(f"/lti-bridge/units/{loops.pk}/").content.decode()
    rows = view[view.index('data-testid="learners"') :]
    assert "Ada Lovelace" not in rows and "learner@example.edu" not in rows
    assert f"Anonymous learner {ada.pk}" in rows and 'data-testid="anonymous-unit"' in view
    work = teacher.get(f"/lti-bridge/units/{loops.pk}/learners/{ada.pk}/").content.decode()
    assert "Ada Lovelace" not in work and f"Work of Anonymous learner {ada.pk}" in work

    named = teacher.get(f"/lti-bridge/units/{hello.pk}/").content.decode()
    assert "Ada Lovelace" in named and 'data-testid="anonymous-unit"' not in named


def test_a_teacher_whose_lms_shared_no_name_is_not_called_a_learner(course, as_user):
    """A teacher's first launch is the anonymous unit: the top bar says no name was shared,
    not "Anonymous learner N"."""
    teacher = as_user("instructor")
    page, _steps = launch_through_xblock(teacher, index=1)  # "Loops" shares nothing
    who = page.content.decode().split('data-testid="who">', 1)[1].split("</span>", 1)[0]
    found = re.match(r"Signed in; your LMS shared no name \(account (\d+)\) · ", who)
    assert found, who
    account = Account.objects.get(pk=found.group(1))
    assert account.name == "" and account.class_memberships.get().role == "teacher"
    assert "Anonymous learner" not in who


def test_the_signed_in_name_is_escaped():
    """The top bar's name is the LMS's: rendered as text, never as markup."""
    from django.template import Context, Template

    from lti_bridge.models import Account

    html = Template("{% load lti_bridge_tags %}{% signed_in account %}").render(
        Context({"account": Account(pk=7, name='<img src=x onerror="alert(1)">')})
    )
    assert html == "Signed in as &lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
