import opaque_keys.edx.django.models
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    # openedx-authz's scope tables have foreign keys to these models (swappable settings),
    # without a migration dependency on their app (edx-platform's apps migrate first there).
    run_before = [("openedx_authz", "0004_contentlibraryscope")]

    operations = [
        migrations.CreateModel(
            name="CourseOverview",
            fields=[
                (
                    "id",
                    opaque_keys.edx.django.models.CourseKeyField(
                        db_index=True, max_length=255, primary_key=True, serialize=False
                    ),
                ),
                ("org", models.TextField(default="outdated_entry", max_length=255)),
                ("display_name", models.TextField(blank=True, default="")),
            ],
        ),
        migrations.CreateModel(
            name="ContentLibrary",
            fields=[
                (
                    "id",
                    models.AutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("org", models.CharField(max_length=255)),
                ("slug", models.SlugField(allow_unicode=True)),
            ],
            options={"unique_together": {("org", "slug")}},
        ),
    ]
