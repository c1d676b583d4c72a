"""Stand-in for lms/djangoapps/grades/signals/signals.py: the grades app's signals (the
names and the order they fire in; edx-platform documents their arguments in comments)."""

from django.dispatch import Signal

# A user's raw score for a problem changed (score_published_handler sends it).
PROBLEM_RAW_SCORE_CHANGED = Signal()

# A user's weighted score for a problem changed (problem_raw_score_changed_handler and the
# submissions handlers send it). edx-completion's scorable_block_completion listens to it,
# connected by the plugin machinery (completion/apps.py signals_config).
PROBLEM_WEIGHTED_SCORE_CHANGED = Signal()

# A block's score was published (runtime.publish "grade", lti-consumer's compat.publish_grade).
SCORE_PUBLISHED = Signal()

# A subsection grade was recalculated (tasks._update_subsection_grades sends it).
SUBSECTION_SCORE_CHANGED = Signal()

# A subsection grade override changed.
SUBSECTION_OVERRIDE_CHANGED = Signal()
