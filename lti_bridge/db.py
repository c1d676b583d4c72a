"""Retrying a transaction the database gave up on.

InnoDB resolves a deadlock by rolling back one of the transactions ("Deadlock found when
trying to get lock; try restarting transaction"); concurrent first launches of a class
insert the same rows at once and meet exactly that. The remedy is the one the error names:
run the whole transaction again. Only outside an outer transaction, which is already lost.
"""

import logging
import random
import time
from functools import wraps

from django.db import OperationalError, connection

log = logging.getLogger(__name__)

RETRYABLE_MYSQL_CODES = {1213, 1205}  # deadlock, lock wait timeout
ATTEMPTS = 5


def is_retryable(exc):
    code = exc.args[0] if exc.args else None
    if code in RETRYABLE_MYSQL_CODES:
        return True
    return "database is locked" in str(exc)  # SQLite


def retry_transaction(func):
    """Run ``func`` (which opens its own transaction) again on a deadlock or lock timeout."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return func(*args, **kwargs)
            except OperationalError as exc:
                if connection.in_atomic_block or attempt == ATTEMPTS or not is_retryable(exc):
                    raise
                log.info("%s: %s; retrying (attempt %d)", func.__name__, exc, attempt + 1)
                time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311 - jitter only
        raise AssertionError("unreachable")

    return wrapper


def insert_statement(model, columns):
    """``INSERT INTO <model's table> (<columns>) VALUES (%s, ...)`` for ``executemany``: the
    release's rows (delivery/outbox.py says why not bulk_create)."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    # names from the model and the caller's constants, quoted; every value is a parameter
    return f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
