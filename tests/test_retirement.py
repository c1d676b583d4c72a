"""When the LMS retires a user, nothing personal of theirs survives on either side."""

import pytest
from django.apps import apps

from codio_xblock.models import AgsScore, BlockLaunch, PlatformSubject, StandaloneScore
from lti_bridge.models import (
    Account,
    Link,
    MentorScope,
    OrganizationChange,
    ResourceLink,
    SyncConflict,
    Work,
)
from tests.support import DjangoClientAdapter, launch_through_xblock

pytestmark = pytest.mark.django_db(transaction=True)  # the bridge hears it after commit


@pytest.fixture
def platform_http(course):
    from codio_xblock import ags

    ags.session.mount("http://codio.test/", DjangoClientAdapter())
    yield
    ags.session.adapters.pop("http://codio.test/", None)


def rows_mentioning(*needles, apps_=("codio_xblock", "lti_bridge")):
    """Every row of the plugin's tables (both apps) whose values contain a needle."""
    found = []
    for app in apps_:
        for model in apps.get_app_config(app).get_models():
            for row in model.objects.all().values():
                text = " ".join(str(v) for v in row.values()).lower()
                if any(needle.lower() in text for needle in needles if needle):
                    found.append((model.__name__, row))
    return found


@pytest.fixture
def graded_learner(as_user, users, platform_http, outbound):
    """The demo learner launched (name and email shared), worked, was graded and the grade
    released to the gradebook; a mentor scope, a sync conflict and a settings change name
    them too."""
    learner = as_user("learner")
    launch_through_xblock(learner)
    link = ResourceLink.objects.get()
    learner.post(
        f"/lti-bridge/units/{link.pk}/work/", {"answer": "secret code", "action": "complete"}
    )
    teacher = as_user("instructor")
    launch_through_xblock(teacher)
    work = Work.objects.get()
    teacher.post(
        f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/grade/",
        {"points": "70", "comment": "about secret code"},
    )
    teacher.post(f"/lti-bridge/units/{link.pk}/release/")
    account = work.account
    sub = Link.objects.get(account=account).sub
    mentor = Account.objects.exclude(pk=account.pk).first()
    MentorScope.objects.create(
        classroom=link.classroom, mentor=mentor, learner_ref=account.email, source="teacher"
    )
    MentorScope.objects.create(
        classroom=link.classroom, mentor=mentor, learner_ref=sub, source="claim"
    )
    SyncConflict.objects.create(
        account=account,
        registration=Link.objects.get(account=account).registration,
        field="email",
        value=account.email,
        reason="test",
    )
    OrganizationChange.objects.create(
        organization=link.classroom.organization,
        changed_by=account,
        changed_by_name=account.name,
        field="lti_id_field",
    )
    user = users["learner"]
    assert StandaloneScore.objects.filter(user_key=str(user.pk)).exists()
    assert AgsScore.objects.filter(user_key=str(user.pk)).exists()
    return user, account, sub


def assert_nothing_personal_left(user, account, sub):
    key = str(user.pk)
    assert not PlatformSubject.objects.filter(user_key=key).exists()
    assert not BlockLaunch.objects.filter(user_key=key).exists()
    assert not AgsScore.objects.filter(user_key=key).exists()
    assert not StandaloneScore.objects.filter(user_key=key).exists()
    assert not Account.objects.filter(pk=account.pk).exists()
    assert rows_mentioning(sub, account.email, account.name, "secret code") == []


def test_deleting_the_user_outside_open_edx_erases_both_sides(graded_learner):
    user, account, sub = graded_learner
    user.delete()
    assert_nothing_personal_left(user, account, sub)
    assert OrganizationChange.objects.filter(field="lti_id_field", changed_by=None).exists()


def test_open_edx_retirement_signal_erases_both_sides(graded_learner, openedx):
    """The LMS retirement pipeline sends USER_RETIRE_LMS_CRITICAL(user=...)."""
    from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_CRITICAL

    from codio_xblock import adapter

    user, account, sub = graded_learner
    adapter.get().connect_signals()
    USER_RETIRE_LMS_CRITICAL.send(sender=None, user=user)
    assert_nothing_personal_left(user, account, sub)


def test_an_account_used_from_another_lms_keeps_only_its_other_link(graded_learner):
    from lti_bridge.models import Organization, Registration

    user, account, sub = graded_learner
    other = Registration.objects.create(
        organization=Organization.objects.first(),
        name="Moodle",
        issuer="https://moodle.example.edu",
        client_id="m1",
        auth_login_url="https://moodle.example.edu/auth",
    )
    Link.objects.create(registration=other, sub="moodle-7", account=account)
    user.delete()
    assert Account.objects.filter(pk=account.pk).exists()
    assert list(account.links.values_list("sub", flat=True)) == ["moodle-7"]
    assert not Link.objects.filter(sub=sub).exists()


def test_admin_deletes_an_account_with_everything_personal(graded_learner, django_user_model):
    from tests.conftest import client_for

    user, account, sub = graded_learner
    operator = django_user_model.objects.create_superuser("operator", "op@example.edu", "pw")
    admin_client = client_for(operator)
    response = admin_client.post(f"/admin/lti_bridge/account/{account.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Account.objects.filter(pk=account.pk).exists()
    # the bridge forgot them; the LMS (still holding its user) keeps its own gradebook
    assert rows_mentioning(account.email, account.name, "secret code", apps_=["lti_bridge"]) == []
