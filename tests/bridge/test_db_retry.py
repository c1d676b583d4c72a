"""The retry of a transaction the database rolled back (deadlock, lock wait timeout)."""

import pytest
from django.db import OperationalError, transaction

from lti_bridge.db import retry_transaction

pytestmark = pytest.mark.django_db(transaction=True)


def flaky(errors):
    calls = []

    @retry_transaction
    def work():
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return "done"

    return work, calls


def test_deadlock_is_retried_until_it_succeeds():
    work, calls = flaky(
        [
            OperationalError(1213, "Deadlock found"),
            OperationalError(1205, "Lock wait timeout exceeded"),
        ]
    )
    assert work() == "done" and len(calls) == 3


def test_sqlite_lock_is_retried():
    work, calls = flaky([OperationalError("database is locked")])
    assert work() == "done" and len(calls) == 2


def test_other_errors_are_not_retried():
    work, calls = flaky([OperationalError(1054, "Unknown column")])
    with pytest.raises(OperationalError):
        work()
    assert len(calls) == 1


def test_gives_up_after_the_last_attempt():
    work, calls = flaky([OperationalError(1213, "Deadlock found") for _ in range(10)])
    with pytest.raises(OperationalError):
        work()
    assert len(calls) == 5


def test_never_retries_inside_an_outer_transaction():
    work, calls = flaky([OperationalError(1213, "Deadlock found")])
    with pytest.raises(OperationalError), transaction.atomic():
        work()
    assert len(calls) == 1
