"""What a returning learner's launch reads and writes (issue 15: "duplicate lookups"): each
of the launch's rows is read once, and the link is written once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lti_bridge.models import Link

pytestmark = pytest.mark.django_db


def _statements(queries, table, verb):
    table_re = re.compile(rf"\b{verb}\b.*?[`\"]?{table}[`\"]?(\s|$)", re.S)
    found = []
    for q in queries:
        sql = q["sql"]
        if not sql.lstrip().upper().startswith(verb):
            continue
        head = sql.split(" WHERE ")[0]
        if verb == "SELECT":  # the table the statement reads FROM, not a JOINed one
            if re.search(rf"FROM [`\"]?{table}[`\"]?(\s|$)", head):
                found.append(sql)
        elif table_re.search(head):
            found.append(sql)
    return found


def test_a_returning_launch_reads_each_row_once_and_writes_the_link_once(bridge_setup):
    first = bridge_setup.full_launch(sub="returning-1")
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = bridge_setup.full_launch(sub="returning-1")
    assert again.status_code == 200, again.content[:300]
    # the resource link is read once, with its class and unit
    assert len(_statements(queries, "lti_bridge_resourcelink", "SELECT")) == 1
    assert _statements(queries, "lti_bridge_classroom", "SELECT") == []
    assert _statements(queries, "lti_bridge_unit", "SELECT") == []
    # the link is read once (with its account) and written once
    assert len(_statements(queries, "lti_bridge_link", "SELECT")) == 1
    assert len(_statements(queries, "lti_bridge_link", "UPDATE")) == 1
    # a name-or-login-time update of the account needs no savepoint (only an email can clash)
    assert not [q for q in queries if "SAVEPOINT" in q["sql"] and "account" in q["sql"]]


def test_a_changed_lti_id_goes_in_the_same_write_as_the_launch_time(bridge_setup):
    org = bridge_setup.registration.organization
    org.lti_id_field = "student_id"
    org.save()
    custom = {"codio_unit": "hello-python", "student_id": "S-1"}
    assert (
        bridge_setup.full_launch(
            sub="lti-id-1", **{"https://purl.imsglobal.org/spec/lti/claim/custom": custom}
        ).status_code
        == 200
    )
    assert Link.objects.get(sub="lti-id-1").lti_id == "S-1"
    custom = {**custom, "student_id": "S-2"}
    with CaptureQueriesContext(connection) as queries:
        response = bridge_setup.full_launch(
            sub="lti-id-1", **{"https://purl.imsglobal.org/spec/lti/claim/custom": custom}
        )
    assert response.status_code == 200
    link = Link.objects.get(sub="lti-id-1")
    assert (link.lti_id, link.lti_id_field) == ("S-2", "student_id")
    updates = _statements(queries, "lti_bridge_link", "UPDATE")
    assert len(updates) == 1 and "lti_id" in updates[0]


def test_a_launch_does_not_read_the_tools_private_key(bridge_setup):
    """A launch signs nothing: the tool key is read only when pylti1p3 asks for it."""
    from lti_bridge import keys
    from lti_bridge.launch.tool_conf import DatabaseToolConf

    assert bridge_setup.full_launch(sub="keyless-1").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert bridge_setup.full_launch(sub="keyless-1").status_code == 200
    assert _statements(queries, "lti_bridge_toolkey", "SELECT") == []

    registration = bridge_setup.registration
    found = DatabaseToolConf().find_registration_by_params(
        registration.issuer, registration.client_id
    )
    assert found.get_tool_private_key() == keys.signing_key().private_pem
