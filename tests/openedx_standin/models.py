"""Tables edx-platform keeps and the plugin reads, with the columns the real ones have."""

from django.conf import settings
from django.db import models


class CourseAccessRole(models.Model):
    """common/djangoapps/student/models.py CourseAccessRole (course_id empty for org roles)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    org = models.CharField(max_length=64, db_index=True, blank=True)
    course_id = models.CharField(max_length=255, db_index=True, blank=True)
    role = models.CharField(max_length=64, db_index=True)


class CourseEnrollment(models.Model):
    """common/djangoapps/student/models/course_enrollment.py CourseEnrollment: the real one's
    ``course`` is a foreign key to CourseOverview stored in the ``course_id`` column (filtered
    as ``course_id=<CourseKey>``); ``is_active`` False means unenrolled."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course_id = models.CharField(max_length=255, db_index=True)
    created = models.DateTimeField(auto_now_add=True, null=True, db_index=True)
    is_active = models.BooleanField(default=True)
    mode = models.CharField(default="audit", max_length=100)

    class Meta:
        unique_together = (("user", "course_id"),)
        ordering = ("user", "course_id")


class UserProfile(models.Model):
    """common/djangoapps/student/models.py UserProfile: the learner's full name."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    name = models.CharField(max_length=255, blank=True, db_index=True)


class ForumRole(models.Model):
    """openedx/core/djangoapps/django_comment_common/models.py Role."""

    name = models.CharField(max_length=30)
    course_id = models.CharField(max_length=255, blank=True, db_index=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="forum_roles")


class StudentModule(models.Model):
    """lms/djangoapps/courseware/models.py StudentModule (the CSM): raw grade and max_grade."""

    module_type = models.CharField(max_length=32, default="problem")
    module_state_key = models.CharField(max_length=255)
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course_id = models.CharField(max_length=255)
    state = models.TextField(null=True, blank=True)
    grade = models.FloatField(null=True, blank=True)
    max_grade = models.FloatField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = (("student", "module_state_key", "course_id"),)


class UserPreference(models.Model):
    """openedx/core/djangoapps/user_api/models.py UserPreference: one key and value per user
    (``time_zone`` holds an IANA name, ``pref-lang`` a language code)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    key = models.CharField(max_length=255, db_index=True)
    value = models.TextField()

    class Meta:
        unique_together = (("user", "key"),)
