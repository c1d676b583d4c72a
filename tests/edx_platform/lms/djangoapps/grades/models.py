"""Stand-in for lms/djangoapps/grades/models.py: persisted subsection grades and the blocks
(``BlockRecord``: locator, weight, raw_possible, graded) each was computed over. The tables
live in the ``tests.openedx_standin`` app."""

from tests.openedx_standin.models import (  # noqa: F401
    BlockRecord,
    BlockRecordList,
    PersistentSubsectionGrade,
    VisibleBlocks,
)
