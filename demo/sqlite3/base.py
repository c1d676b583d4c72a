"""SQLite for the demo and tests on Django < 5.1, behaving as the demo's settings make it
behave on 5.1+ (``transaction_mode="IMMEDIATE"`` and WAL): a transaction takes the write lock
when it begins, so concurrent requests (three unit frames launching at once, every request in
a transaction as under the LMS's ATOMIC_REQUESTS) wait for each other instead of failing with
"database is locked" when a deferred transaction cannot upgrade its lock."""

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.execute("PRAGMA journal_mode=WAL")
        return connection

    def _start_transaction_under_autocommit(self):
        self.cursor().execute("BEGIN IMMEDIATE")
