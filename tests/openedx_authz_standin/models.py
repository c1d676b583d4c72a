"""Stand-ins for the models openedx-authz's scopes refer to.

* ``CourseOverview``: openedx/core/djangoapps/content/course_overviews/models.py, keyed by
  the course key. ``get_from_id`` returns the overview of a published course and raises
  ``CourseOverview.DoesNotExist`` for a course that has none (edx-platform builds a missing
  overview from the modulestore and raises the same for a course not there); openedx-authz
  refuses a course-scoped role assignment for such a course.
* ``ContentLibrary``: openedx/core/djangoapps/content_libraries/models.py, only for the
  foreign key openedx-authz's library scopes have (libraries are not used here).
"""

from django.db import models
from opaque_keys.edx.django.models import CourseKeyField


class CourseOverview(models.Model):
    id = CourseKeyField(db_index=True, primary_key=True, max_length=255)
    org = models.TextField(max_length=255, default="outdated_entry")
    display_name = models.TextField(blank=True, default="")

    def __str__(self):
        return str(self.id)

    @classmethod
    def get_from_id(cls, course_id):
        return cls.objects.get(id=course_id)


class ContentLibraryManager(models.Manager):
    def get_by_key(self, library_key):
        return self.get(org=library_key.org, slug=library_key.slug)


class ContentLibrary(models.Model):
    org = models.CharField(max_length=255)
    slug = models.SlugField(allow_unicode=True)

    objects = ContentLibraryManager()

    class Meta:
        unique_together = ("org", "slug")

    def __str__(self):
        return f"lib:{self.org}:{self.slug}"
