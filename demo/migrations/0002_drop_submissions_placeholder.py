"""Drops the placeholder columns of 0001 once edx-submissions' 0006 has run."""

from django.db import migrations

MODELS = {
    "submissions_submission": "Submission",
    "submissions_studentitem": "StudentItem",
    "submissions_score": "Score",
}


def drop_placeholders(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "mysql" or not connection.mysql_is_mariadb:
        return
    with connection.cursor() as cursor:
        for table, model_name in MODELS.items():
            model = apps.get_model("submissions", model_name)
            if any(field.column == "uuid" for field in model._meta.concrete_fields):
                continue  # a real column of the model: keep it
            columns = connection.introspection.get_table_description(cursor, table)
            if "uuid" in {column.name for column in columns}:
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN uuid")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("demo", "0001_edx_submissions_on_mariadb"),
        ("submissions", "0006_mariadb_uuid_conversion"),
    ]
    operations = [migrations.RunPython(drop_placeholders, migrations.RunPython.noop)]
