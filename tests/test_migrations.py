"""The platform's schema is one initial migration (squashed before the first release) that
matches its models, and depends on nothing of the bridge's."""

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

pytestmark = pytest.mark.django_db


def test_one_initial_migration_that_matches_the_models():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert sorted(name for app, name in loader.disk_migrations if app == "codio_xblock") == [
        "0001_initial"
    ]
    initial = loader.disk_migrations[("codio_xblock", "0001_initial")]
    assert not [dep for dep in initial.dependencies if dep[0] == "lti_bridge"]
    call_command("makemigrations", "codio_xblock", "--check", "--dry-run", verbosity=0)
