"""Tables edx-platform keeps and the plugin reads, with the columns the real ones have."""

import json
from base64 import b64encode
from collections import namedtuple
from hashlib import sha1

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


# ---- lms/djangoapps/grades/models.py: persisted subsection grades ----------------------

BlockRecord = namedtuple("BlockRecord", ["locator", "weight", "raw_possible", "graded"])


class BlockRecordList:
    """lms/djangoapps/grades/models.py BlockRecordList: the blocks a subsection grade was
    computed over, each with the weight, raw_possible and graded of that moment; stored as
    stable JSON, found by its hash."""

    def __init__(self, blocks, course_key, version=None):
        self.blocks = tuple(blocks)
        self.course_key = course_key
        self.version = version or 1

    def __iter__(self):
        return iter(self.blocks)

    @property
    def json_value(self):
        blocks = [dict(block._asdict(), locator=str(block.locator)) for block in self.blocks]
        data = {"blocks": blocks, "course_key": str(self.course_key), "version": self.version}
        return json.dumps(data, separators=(",", ":"), sort_keys=True)

    @property
    def hash_value(self):
        return b64encode(sha1(self.json_value.encode("utf-8")).digest()).decode("utf-8")  # noqa: S324

    @classmethod
    def from_json(cls, blockrecord_json):
        from opaque_keys.edx.keys import CourseKey, UsageKey

        data = json.loads(blockrecord_json)
        course_key = CourseKey.from_string(data["course_key"])
        return cls(
            (
                BlockRecord(
                    locator=UsageKey.from_string(block["locator"]).replace(course_key=course_key),
                    weight=block["weight"],
                    raw_possible=block["raw_possible"],
                    graded=block["graded"],
                )
                for block in data["blocks"]
            ),
            course_key,
            version=data["version"],
        )


class VisibleBlocks(models.Model):
    """lms/djangoapps/grades/models.py VisibleBlocks."""

    blocks_json = models.TextField()
    hashed = models.CharField(max_length=100, unique=True)
    course_id = models.CharField(max_length=255, db_index=True)

    @property
    def blocks(self):
        return BlockRecordList.from_json(self.blocks_json)

    @classmethod
    def cached_get_or_create(cls, user_id, blocks):
        model, _ = cls.objects.get_or_create(
            hashed=blocks.hash_value,
            defaults={"blocks_json": blocks.json_value, "course_id": str(blocks.course_key)},
        )
        return model


class PersistentSubsectionGrade(models.Model):
    """lms/djangoapps/grades/models.py PersistentSubsectionGrade (a TimeStampedModel)."""

    user_id = models.IntegerField()
    course_id = models.CharField(max_length=255)
    usage_key = models.CharField(max_length=255)
    earned_all = models.FloatField()
    possible_all = models.FloatField()
    earned_graded = models.FloatField()
    possible_graded = models.FloatField()
    first_attempted = models.DateTimeField(null=True, blank=True)
    visible_blocks = models.ForeignKey(
        VisibleBlocks, db_column="visible_blocks_hash", to_field="hashed", on_delete=models.CASCADE
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = (("course_id", "user_id", "usage_key"),)

    @classmethod
    def read_grade(cls, user_id, usage_key):
        return cls.objects.select_related("visible_blocks").get(
            user_id=user_id, course_id=str(usage_key.course_key), usage_key=str(usage_key)
        )

    @classmethod
    def update_or_create_grade(cls, **params):
        """Saves the grade with its visible blocks (``visible_blocks``: BlockRecords)."""
        user_id, usage_key = params.pop("user_id"), params.pop("usage_key")
        blocks = BlockRecordList(params.pop("visible_blocks"), usage_key.course_key)
        params["visible_blocks"] = VisibleBlocks.cached_get_or_create(user_id, blocks)
        grade, _ = cls.objects.update_or_create(
            user_id=user_id,
            course_id=str(usage_key.course_key),
            usage_key=str(usage_key),
            defaults=params,
        )
        return grade
