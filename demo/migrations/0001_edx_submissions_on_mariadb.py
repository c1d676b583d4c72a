"""Lets edx-submissions migrate on a new MariaDB database (demo and tests only).

edx-submissions 4.0's migration 0006 ("MariaDB UUID conversion") alters a ``uuid`` column
of three tables, but only ``submissions_submission`` has one, so it fails on MariaDB. This
migration gives the other tables a placeholder column just before 0006 runs, and the next
one drops it again. Nothing happens on other databases. (Open edX itself runs on MySQL,
where 0006 does nothing.)
"""

from django.db import migrations

TABLES = ("submissions_submission", "submissions_studentitem", "submissions_score")


def tables_without_uuid(connection):
    if connection.vendor != "mysql" or not connection.mysql_is_mariadb:
        return []
    missing = []
    with connection.cursor() as cursor:
        for table in TABLES:
            columns = connection.introspection.get_table_description(cursor, table)
            if "uuid" not in {column.name for column in columns}:
                missing.append(table)
    return missing


def add_placeholders(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in tables_without_uuid(connection):
            cursor.execute(f"ALTER TABLE {table} ADD COLUMN uuid char(32) NULL")


class Migration(migrations.Migration):
    atomic = False  # DDL, run outside a transaction as 0006 itself is
    dependencies = [("submissions", "0005_CreateTeamModel")]
    run_before = [("submissions", "0006_mariadb_uuid_conversion")]
    operations = [migrations.RunPython(add_placeholders, migrations.RunPython.noop)]
