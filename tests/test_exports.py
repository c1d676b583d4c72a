"""CSV exports and the LTI ID (seed 001): every column from real launches, the LTI ID
field renamed, the mentor-filtered export, formula injection, an empty class, a large
class through the streaming path, the roster and the assignment URLs."""

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from lti_bridge import exports
from lti_bridge.flows import grading
from lti_bridge.flows import work as work_flow
from lti_bridge.models import Account, Classroom, GradeDelivery, Link, ResourceLink, Work
from tests.support import INSTRUCTOR, LEARNER, LTI

pytestmark = pytest.mark.django_db
MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


@pytest.fixture
def lms(launch_as):
    """Launch as anyone (by name) from the scripted LMS of an organization whose LTI ID field
    is student_number; each person has their own browser."""
    launch_as.organization.lti_id_field = "student_number"
    launch_as.organization.save()

    def launch(sub, name, roles=(LEARNER,), custom=None, **claims):
        return launch_as(sub, roles, name=name, custom=custom or {}, **claims)

    return launch


def rows_of(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_every_column_of_the_unit_export_from_real_launches(lms):
    lms(
        "s-1",
        "Ada Lovelace",
        custom={"student_number": "A-0001"},
        **{AGS: {"scope": [], "lineitem": "https://lms.example.edu/lineitems/1"}},
    )
    lms("s-2", "Alan Turing", custom={"student_number": 4242})  # a number is text too
    teacher = lms("t-1", "Grace Hopper", roles=[INSTRUCTOR])
    link = ResourceLink.objects.get()
    ada = Work.objects.get(account__name="Ada Lovelace")
    work_flow.mark_complete(ada, "print(1)")
    grading.grade(ada, "80", "ok", Account.objects.get(name="Grace Hopper"))
    GradeDelivery.objects.create(
        work=ada,
        version=1,
        score_given=80,
        score_maximum=100,
        timestamp=timezone.now(),
        state="failed",
        last_error="HTTP 400: line item closed",
        next_attempt_at=timezone.now(),
    )

    header, *rows = rows_of(teacher.get(f"/lti-bridge/units/{link.pk}/export.csv"))
    assert header == exports.GRADE_COLUMNS == [
        "Learner name", "Email", "LTI ID", "LMS user ID", "Unit", "Status", "Completed at (UTC)",
        "Grade", "Maximum", "Percentage", "Released", "Delivery state", "Last delivery error",
    ]  # fmt: skip
    ada.refresh_from_db()
    assert rows == [
        [
            "Ada Lovelace", "s-1@example.edu", "A-0001", "s-1", "Hello, Python", "Completed",
            ada.completed_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "80", "100", "80", "no", "failed",
            "HTTP 400: line item closed",
        ],
        [
            "Alan Turing", "s-2@example.edu", "4242", "s-2", "Hello, Python", "Not started",
            "", "", "100", "", "", "", "",
        ],
    ]  # fmt: skip


def test_lti_id_is_updated_at_each_launch_and_a_renamed_field_applies_from_the_next(lms):
    lms("s-1", "Ada", custom={"student_number": "A-1"})
    link = Link.objects.get(sub="s-1")
    assert (link.lti_id, link.lti_id_field) == ("A-1", "student_number")
    lms("s-1", "Ada", custom={"student_number": "A-2"})  # changed in the LMS
    link.refresh_from_db()
    assert link.lti_id == "A-2"
    lms("s-1", "Ada")  # a launch without the field keeps the value
    link.refresh_from_db()
    assert link.lti_id == "A-2"

    organization = link.registration.organization
    organization.lti_id_field = "custom_sis_id"  # typed with LTI 1.1's prefix
    organization.save()
    link.refresh_from_db()
    assert link.lti_id == "A-2"  # until the next launch, the former field's value
    lms("s-1", "Ada", custom={"student_number": "A-2", "sis_id": "SIS-9"})
    link.refresh_from_db()
    assert (link.lti_id, link.lti_id_field) == ("SIS-9", "custom_sis_id")
    organization.lti_id_field = "other"
    organization.save()
    lms("s-1", "Ada")  # the new field is absent: no stale value from the old one
    link.refresh_from_db()
    assert (link.lti_id, link.lti_id_field) == ("", "other")


def test_mentor_export_holds_only_their_mentees(lms):
    lms("s-1", "Ada", custom={"student_number": "A-1"})
    lms("s-2", "Alan", custom={"student_number": "A-2"})
    Classroom.objects.update(filter_learners_for_mentors=True)
    mentor = lms("m-1", "Mentor", roles=[MENTOR], **{LTI + "role_scope_mentor": ["s-2"]})
    classroom = Classroom.objects.get()
    link = ResourceLink.objects.get()
    for url in (
        f"/lti-bridge/units/{link.pk}/export.csv",
        f"/lti-bridge/classes/{classroom.pk}/export.csv",
        f"/lti-bridge/classes/{classroom.pk}/roster.csv",
    ):
        _, *rows = rows_of(mentor.get(url))
        assert [row[0] for row in rows] == ["Alan"], url
    Classroom.objects.update(filter_learners_for_mentors=False)
    _, *rows = rows_of(mentor.get(f"/lti-bridge/classes/{classroom.pk}/roster.csv"))
    assert sorted(row[0] for row in rows) == ["Ada", "Alan"]


def test_learners_and_strangers_cannot_export(lms):
    learner = lms("s-1", "Ada")
    classroom = Classroom.objects.get()
    link = ResourceLink.objects.get()
    assert learner.get(f"/lti-bridge/units/{link.pk}/export.csv").status_code == 403
    for name in ("export", "roster", "assignments"):
        assert learner.get(f"/lti-bridge/classes/{classroom.pk}/{name}.csv").status_code == 404
        assert Client().get(f"/lti-bridge/classes/{classroom.pk}/{name}.csv").status_code == 404


def test_values_that_would_be_formulas_are_neutralised(lms):
    lms("s-1", '=HYPERLINK("http://evil.example","x")', custom={"student_number": "+1-2"})
    lms("s-2", "@SUM(A1)", custom={"student_number": "-3"})
    lms("s-3", "\tTabbed", custom={"student_number": "ok"})
    teacher = lms("t-1", "Teacher", roles=[INSTRUCTOR])
    _, *rows = rows_of(teacher.get(f"/lti-bridge/classes/{Classroom.objects.get().pk}/roster.csv"))
    cells = {(row[0], row[2]) for row in rows}
    assert cells == {
        ('\'=HYPERLINK("http://evil.example","x")', "'+1-2"),
        ("'@SUM(A1)", "'-3"),
        ("Tabbed", "ok"),  # names lose control characters at the launch already
    }
    assert exports.neutralise("\tx") == "'\tx" and exports.neutralise("a=b") == "a=b"


def test_empty_class_exports_the_header_only_and_bom_on_request(lms):
    teacher = lms("t-1", "Teacher", roles=[INSTRUCTOR])
    classroom = Classroom.objects.get()
    response = teacher.get(f"/lti-bridge/classes/{classroom.pk}/export.csv")
    assert rows_of(response) == [exports.GRADE_COLUMNS]
    assert response["Content-Disposition"] == 'attachment; filename="course-1-grades.csv"'
    plain = b"".join(teacher.get(f"/lti-bridge/classes/{classroom.pk}/roster.csv"))
    with_bom = b"".join(teacher.get(f"/lti-bridge/classes/{classroom.pk}/roster.csv?bom=1"))
    assert not plain.startswith(b"\xef\xbb\xbf") and with_bom == b"\xef\xbb\xbf" + plain


def test_non_ascii_names_survive(lms):
    lms("s-1", "Zoë Ñúñez 李雷", custom={"student_number": "Ü-1"})
    Classroom.objects.update(title="Программирование")
    teacher = lms("t-1", "Teacher", roles=[INSTRUCTOR])
    response = teacher.get(f"/lti-bridge/classes/{Classroom.objects.get().pk}/roster.csv?bom=1")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Zoë Ñúñez 李雷,s-1@example.edu,Ü-1,Scripted LMS,s-1" in text
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%D0%BF%D1%80%D0%BE%D0%B3%D1%80%D0%B0%D0%BC%D0%BC%D0%B8"
        "%D1%80%D0%BE%D0%B2%D0%B0%D0%BD%D0%B8%D0%B5-roster.csv"
    )


def test_assignment_urls(lms):
    lms("s-1", "Ada", custom={"codio_send_grade": "changed"})
    teacher = lms("t-1", "Teacher", roles=[INSTRUCTOR], custom={"codio_send_grade": "changed"})
    header, *rows = rows_of(
        teacher.get(f"/lti-bridge/classes/{Classroom.objects.get().pk}/assignments.csv")
    )
    assert header == exports.ASSIGNMENT_COLUMNS
    assert rows == [
        [
            "Hello, Python",
            "hello-python",
            "Hello",
            "rl-1",
            "http://codio.test/lti-bridge/lti/launch",
            "http://codio.test/lti-bridge/lti/login",
            "codio_unit=hello-python\ncodio_send_grade=CHANGED",
            "CHANGED",
            "100",
            "",
        ]
    ]


def test_large_class_streams_in_batches(lms, settings, django_assert_max_num_queries):
    """2,500 learners and two units through the streaming path, 200 learners a batch: the
    queries grow with the batches, not the rows (benchmarks/export_large_class.py measures
    memory and time for 50,000)."""
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "EXPORT_CHUNK_SIZE": 200}
    teacher = lms("t-1", "Teacher", roles=[INSTRUCTOR])
    classroom = Classroom.objects.get()
    link = ResourceLink.objects.get()
    second = ResourceLink.objects.create(
        classroom=classroom, unit=link.unit, resource_link_id="rl-2", title="Again"
    )
    from benchmarks.export_large_class import add_learners

    add_learners(classroom, [link, second], 2500)
    response = teacher.get(f"/lti-bridge/classes/{classroom.pk}/export.csv")
    assert response.streaming
    with django_assert_max_num_queries(13 * 4 + 5):  # 13 batches, 4 queries each
        header, *rows = rows_of(response)
    assert len(rows) == 5000 and rows[0][4] in ("Hello, Python",)
    assert {row[2] for row in rows[:4]} == {"L-000001", "L-000002"}
    graded = [row for row in rows if row[7]]
    assert graded and all(row[8] == "100" and row[10] == "yes" for row in graded)


def test_lti_id_through_the_xblock_from_a_substitution_variable(as_user, users, outbound):
    """The demo course sends student_id=$User.username; the organization's LTI ID field is
    student_id: Open edX's username becomes the LTI ID column."""
    from tests.support import launch_through_xblock

    learner = as_user("learner")
    launch_through_xblock(learner)
    assert Link.objects.get(account__email="learner@example.edu").lti_id == "learner"
    teacher = as_user("instructor")
    launch_through_xblock(teacher)
    link = ResourceLink.objects.get()
    header, *rows = rows_of(teacher.get(f"/lti-bridge/units/{link.pk}/export.csv"))
    assert [(row[0], row[2]) for row in rows] == [("Ada Lovelace", "learner")]


def test_unshared_variables_are_not_taken_for_an_lti_id(lms):
    lms("s-1", "Ada", custom={"student_number": "$User.username"})  # not substituted
    assert Link.objects.get(sub="s-1").lti_id == ""


def test_class_and_unit_pages_are_paginated(lms, settings):
    """A large class's pages list a page of learners at a time (the exports have them all)."""
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "PAGE_SIZE": 40}
    teacher = lms("t-1", "Teacher", roles=[INSTRUCTOR])
    classroom = Classroom.objects.get()
    link = ResourceLink.objects.get()
    from benchmarks.export_large_class import add_learners

    add_learners(classroom, [link], 90)  # 60 of them have work on the unit
    page = teacher.get(f"/lti-bridge/classes/{classroom.pk}/").content.decode()
    assert "90 learners" in page and page.count("<li>Learner ") == 40
    assert "Page 1 of 3" in page and '?page=2" rel="next"' in page
    last = teacher.get(f"/lti-bridge/classes/{classroom.pk}/?page=3").content.decode()
    assert last.count("<li>Learner ") == 10 and "Page 3 of 3" in last
    # The teacher view lists every learner of the class, "Not started" where there is no work.
    units = [
        teacher.get(f"/lti-bridge/units/{link.pk}/?page={n}").content.decode() for n in (1, 2, 3)
    ]
    assert 'data-testid="learner-count">90<' in units[1] and "Page 2 of 3" in units[1]
    assert [u.count(f"/lti-bridge/units/{link.pk}/learners/") for u in units] == [40, 40, 10]
    assert sum(u.count('data-testid="status">Not started<') for u in units) == 30


def test_teacher_view_queries_do_not_grow_with_learners(lms, django_assert_max_num_queries):
    """Each row shows its latest delivery: prefetched, not one query per learner."""
    teacher = lms("t-1", "Teacher", roles=[INSTRUCTOR])
    classroom = Classroom.objects.get()
    link = ResourceLink.objects.get()
    from benchmarks.export_large_class import add_learners

    add_learners(classroom, [link], 30)
    for work in Work.objects.filter(points__isnull=False):
        GradeDelivery.objects.create(
            work=work,
            version=1,
            score_given=87.5,
            score_maximum=100,
            timestamp=timezone.now(),
            next_attempt_at=timezone.now(),
            state="sent",
        )
    with django_assert_max_num_queries(20):
        page = teacher.get(f"/lti-bridge/units/{link.pk}/").content.decode()
    assert page.count(">Sent<") == Work.objects.filter(points__isnull=False).count() == 10


@pytest.mark.parametrize(
    "custom, expected",
    [
        ({"student_number": ["A-1"]}, ""),  # a list is not an identifier
        ({"student_number": {"id": "A-1"}}, ""),
        ({"student_number": True}, ""),
        ({"student_number": "   "}, ""),
        ({"student_number": "A\u0000-1\n"}, "A-1"),  # control characters dropped
        ({"student_number": "x" * 300}, "x" * 255),  # capped
        ({"custom_student_number": "P-7"}, "P-7"),  # LTI 1.1-style key
    ],
)
def test_malformed_lti_id_values_are_not_stored(lms, custom, expected):
    lms("s-1", "Ada", custom=custom)
    assert Link.objects.get(sub="s-1").lti_id == expected


def test_lti_id_when_the_custom_claim_is_not_an_object():
    from lti_bridge.identity import lti_id_from_custom

    assert lti_id_from_custom("student_number=1", "student_number") == (False, "")
    assert lti_id_from_custom({"s": "1"}, "") == (False, "")


def test_bad_page_numbers_show_a_real_page(lms, settings):
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "PAGE_SIZE": 40}
    teacher = lms("t-1", "Teacher", roles=[INSTRUCTOR])
    classroom = Classroom.objects.get()
    from benchmarks.export_large_class import add_learners

    add_learners(classroom, [ResourceLink.objects.get()], 50)
    for page, shown in (("abc", "Page 1 of 2"), ("999", "Page 2 of 2"), ("-1", "Page 2 of 2")):
        response = teacher.get(f"/lti-bridge/classes/{classroom.pk}/?page={page}")
        assert response.status_code == 200 and shown in response.content.decode(), page
