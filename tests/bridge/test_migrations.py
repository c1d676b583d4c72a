"""The bridge's schema is one initial migration (squashed before the first release) that
matches its models; the platform's is checked in tests/test_migrations.py."""

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

pytestmark = [pytest.mark.bridge_alone, pytest.mark.django_db]


def test_one_initial_migration_that_matches_the_models():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert sorted(name for app, name in loader.disk_migrations if app == "lti_bridge") == [
        "0001_initial"
    ]
    call_command("makemigrations", "lti_bridge", "--check", "--dry-run", verbosity=0)
