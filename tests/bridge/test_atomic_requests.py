"""The LMS runs every view in one transaction (ATOMIC_REQUESTS); the bridge's views that
manage their own transactions opt out, or their retries and after-commit work break."""

import pytest
from django.db import OperationalError, connection
from django.urls import resolve

pytestmark = pytest.mark.django_db(transaction=True)


def test_tests_run_with_the_lms_setting():
    assert connection.settings_dict["ATOMIC_REQUESTS"] is True


@pytest.mark.parametrize(
    "path",
    [
        "/lti-bridge/lti/login",
        "/lti-bridge/lti/launch",
        "/lti-bridge/units/1/work/",
        "/lti-bridge/units/1/learners/2/grade/",
        "/lti-bridge/units/1/learners/2/completion/",
        "/lti-bridge/units/1/release/",
        "/lti-bridge/units/1/deliveries/retry/",
    ],
)
def test_views_managing_their_own_transactions_are_non_atomic(path):
    assert "default" in getattr(resolve(path).func, "_non_atomic_requests", set()), path


def test_a_deadlocked_launch_is_retried_under_atomic_requests(bridge_setup, monkeypatch):
    """InnoDB rolls back a deadlocked transaction; the launch runs it again, which it can
    only do outside the request's transaction."""
    from lti_bridge.flows import linking

    real = linking.account_for_launch
    failures = [OperationalError(1213, "Deadlock found when trying to get lock")]

    def deadlock_once(*args, **kwargs):
        if failures:
            raise failures.pop()
        return real(*args, **kwargs)

    monkeypatch.setattr(linking, "account_for_launch", deadlock_once)
    response = bridge_setup.full_launch()
    assert response.status_code == 200, response.content[:300]
    assert not failures
