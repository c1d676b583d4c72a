"""Stand-in for lms/djangoapps/courseware/model_data.py ``set_score`` / ``get_score``: the
CSM row of (user, block) keeps the raw grade and max_grade."""

from django.db import IntegrityError, transaction

from tests.openedx_standin.models import StudentModule


def set_score(user_id, usage_key, score, max_score):
    created = False
    kwargs = {
        "student_id": user_id,
        "module_state_key": str(usage_key),
        "course_id": str(usage_key.context_key),
    }
    try:
        with transaction.atomic():
            module, created = StudentModule.objects.get_or_create(
                defaults={
                    "grade": score,
                    "max_grade": max_score,
                    "module_type": usage_key.block_type,
                },
                **kwargs,
            )
    except IntegrityError:
        module = StudentModule.objects.get(**kwargs)
    if not created:
        module.grade = score
        module.max_grade = max_score
        module.save()
    return module.modified


def get_score(user_id, usage_key):
    return StudentModule.objects.filter(
        student_id=user_id,
        module_state_key=str(usage_key),
        course_id=str(usage_key.context_key),
    ).first()
