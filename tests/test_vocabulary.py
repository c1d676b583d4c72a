"""Issue 16: the LTI vocabulary is written once, in lti_bridge/protocol/vocabulary.py.

Every claim name, role URI (full, sub-role and LTI 1.1 forms), context type and service
scope is spelt out there and nowhere else in the code, so a typo in one place cannot make
the two sides disagree.
"""

import re
from pathlib import Path

from lti_bridge.protocol import vocabulary
from lti_bridge.protocol.vocabulary import Claim, ContextRole, Scope

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = ROOT / "lti_bridge" / "protocol" / "vocabulary.py"
URI = re.compile(r"""["'](?:https?://purl\.imsglobal\.org|urn:lti:)[^"']*["']""")


def _code():
    for package in ("codio_xblock", "lti_bridge", "demo"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts and path != VOCABULARY:
                yield path


def test_no_lti_uri_is_spelt_out_outside_the_vocabulary():
    found = [
        f"{path.relative_to(ROOT)}:{n}: {m.group(0)}"
        for path in _code()
        for n, line in enumerate(path.read_text().splitlines(), 1)
        for m in URI.finditer(line)
    ]
    assert found == []


def test_the_scan_would_see_a_uri_spelt_out():
    assert URI.search('x = "https://purl.imsglobal.org/spec/lti/claim/custom"')
    assert URI.search("ROLE = 'urn:lti:role:ims/lis/Instructor'")


def test_each_uri_is_defined_once_in_the_vocabulary():
    values = [m.value for enum in (Claim, Scope, ContextRole) for m in enum]
    assert len(values) == len(set(values))
    assert Claim.CUSTOM == "https://purl.imsglobal.org/spec/lti/claim/custom"
    assert Claim.AGS_ENDPOINT == "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
    assert Scope.SCORE == "https://purl.imsglobal.org/spec/lti-ags/scope/score"
    assert (
        ContextRole.TEACHING_ASSISTANT
        == "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
    )
    assert vocabulary.LEGACY_CONTEXT + "Instructor" == "urn:lti:role:ims/lis/Instructor"
    assert "urn:lti:instrole:ims/lis/Administrator" in vocabulary.ADMINISTRATOR_ROLES
