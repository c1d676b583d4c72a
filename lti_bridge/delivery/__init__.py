"""Grades to the LMS: the outbox (rows written with the grade), the AGS client and the
delivery that Celery runs after commit."""
