"""Launches shaped as real LMSs send them (LTI 1.3): their issuers, client and deployment id
patterns, role URIs (full, institution and system, sub-roles, LTI 1.1 URNs), custom and
vendor claims, AGS/NRPS/deep-linking claims and lis claims, and where each serves its
services (token, AGS), which is often not the host of its login or key set URLs.

Each entry: the registration to make on the bridge, the claims of a learner's and an
instructor's launch (``{sub}``, ``{course}`` and ``{link}`` filled in), and the URLs a grade
delivery uses. Documented per LMS in docs/lms-setup.md.
"""

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INST = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
SYS = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"

LMS = {
    "moodle": {
        "registration": {
            "issuer": "https://moodle.example.edu",
            "client_id": "kW3oZ2mFq7SxR1t",
            "auth_login_url": "https://moodle.example.edu/mod/lti/auth.php",
            "auth_token_url": "https://moodle.example.edu/mod/lti/token.php",
            "key_set_url": "https://moodle.example.edu/mod/lti/certs.php",
        },
        "deployment_id": "3",
        "sub": "42",
        "learner_roles": [M + "Learner"],
        "instructor_roles": [INST + "Administrator", M + "Instructor", SYS + "Administrator"],
        "lineitem": "https://moodle.example.edu/mod/lti/services.php/7/lineitems/12/lineitem?type_id=3",
        "lineitems": "https://moodle.example.edu/mod/lti/services.php/7/lineitems?type_id=3",
        "claims": {
            LTI + "context": {
                "id": "7",
                "label": "CS101",
                "title": "Introduction to Programming",
                "type": [COURSE_OFFERING],
            },
            LTI + "resource_link": {"id": "15", "title": "Hello, Python", "description": ""},
            LTI + "tool_platform": {
                "product_family_code": "moodle",
                "version": "2024100700",
                "guid": "moodle.example.edu",
                "name": "Example University",
                "description": "Example University Moodle",
            },
            LTI + "launch_presentation": {
                "locale": "en",
                "document_target": "iframe",
                "return_url": "https://moodle.example.edu/mod/lti/return.php?course=7&launch_container=3",
            },
            LTI + "lis": {"person_sourcedid": "", "course_section_sourcedid": ""},
            LTI + "ext": {"user_username": "ada", "lms": "moodle-2"},
            LTI + "custom": {"codio_unit": "hello-python", "student_id": "s1234"},
            NRPS: {
                "context_memberships_url": "https://moodle.example.edu/mod/lti/services.php/CourseSection/7/bindings/3/memberships",
                "service_versions": ["1.0", "2.0"],
            },
        },
    },
    "canvas": {
        "registration": {
            "issuer": "https://canvas.instructure.com",
            "client_id": "10000000000042",
            "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
            "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
            "key_set_url": "https://sso.canvaslms.com/api/lti/security/jwks",
            "service_hosts": "*.instructure.com",
        },
        "deployment_id": "87:8865aa05b4b79b64a91a86042e43af5ea8ae79eb",
        "sub": "535fa085-f58b-4a6d-8b3c-8d3a7c1b6f1e",
        "learner_roles": [INST + "Student", M + "Learner", SYS + "User"],
        "instructor_roles": [INST + "Instructor", M + "Instructor", SYS + "User"],
        "lineitem": "https://school.instructure.com/api/lti/courses/3304/line_items/81",
        "claims": {
            LTI + "context": {
                "id": "4dde05e8ca1973bcca9bffc13e1548820eee93a3",
                "label": "CS101",
                "title": "Introduction to Programming",
                "type": [COURSE_OFFERING],
            },
            LTI + "resource_link": {
                "id": "b8e3f9d4-3c2b-4a1e-9f8d-2e7c6b5a4d3c",
                "title": "Hello, Python",
                "description": None,
                "validation_context": None,
                "errors": {"errors": {}},
            },
            LTI + "tool_platform": {
                "guid": "VCsXb3Ip8zCp6Ze9gIMxMQsNpK1RxHpD7QmeH3Yv:canvas-lms",
                "name": "Example University",
                "version": "cloud",
                "product_family_code": "canvas",
                "validation_context": None,
                "errors": {"errors": {}},
            },
            LTI + "launch_presentation": {
                "document_target": "iframe",
                "return_url": "https://school.instructure.com/courses/3304/external_content/success/external_tool_redirect",
                "locale": "en",
                "height": 400,
                "width": 800,
                "validation_context": None,
                "errors": {"errors": {}},
            },
            LTI + "lis": {
                "person_sourcedid": "s1234",
                "course_offering_sourcedid": "CS101-2026",
                "validation_context": None,
                "errors": {"errors": {}},
            },
            LTI + "custom": {"codio_unit": "hello-python", "canvas_user_login_id": "ada"},
            LTI + "lti11_legacy_user_id": "b6ea1d8e2a8a5c5b5c1b0f6c1c1b5b2b0b8f5e1d",
            LTI + "lti1p1": {"user_id": "b6ea1d8e2a8a5c5b5c1b0f6c1c1b5b2b0b8f5e1d"},
            "https://www.instructure.com/placement": "assignment_selection",
            "locale": "en",
            "picture": "https://canvas.instructure.com/images/messages/avatar-50.png",
            "errors": {"errors": {}},
            NRPS: {
                "context_memberships_url": "https://school.instructure.com/api/lti/courses/3304/names_and_roles",
                "service_versions": ["2.0"],
                "validation_context": None,
                "errors": {"errors": {}},
            },
        },
    },
    "blackboard": {
        "registration": {
            "issuer": "https://blackboard.com",
            "client_id": "b1f9e8c2-44d1-4c6b-9f1e-2d2b8e7a6c51",
            "auth_login_url": "https://developer.blackboard.com/api/v1/gateway/oidcauth",
            "auth_token_url": "https://developer.blackboard.com/api/v1/gateway/oauth2/jwttoken",
            "key_set_url": "https://developer.blackboard.com/api/v1/management/applications/b1f9e8c2-44d1-4c6b-9f1e-2d2b8e7a6c51/jwks.json",
            "service_hosts": "school.blackboard.com",
        },
        "deployment_id": "3c5a8e6d-8f7e-4b2a-a1c3-2e9f0b4d7c68",
        "sub": "c2a0d7b3d4d6464e9a6e3ab1c34f0c39",
        "learner_roles": [M + "Learner", INST + "Student", SYS + "User"],
        "instructor_roles": [M + "Instructor", INST + "Faculty", SYS + "User"],
        "lineitem": "https://school.blackboard.com/learn/api/v1/lti/courses/_123_1/lineItems/_45_1",
        "claims": {
            LTI + "context": {
                "id": "b8b2a4c8d7e84d3a9c1f3e2d1a0b9c8d",
                "label": "CS101",
                "title": "Introduction to Programming",
                "type": [COURSE_OFFERING],
            },
            LTI + "resource_link": {"id": "_2222_1", "title": "Hello, Python"},
            LTI + "tool_platform": {
                "guid": "a4b1c6f2e8d94d3ab0e7c5f9d2e1a3b4",
                "product_family_code": "BlackboardLearn",
                "version": "3900.84.0-rel.23+8a2b3c4",
                "name": "Example University",
            },
            LTI + "launch_presentation": {
                "locale": "en-US",
                "document_target": "window",
                "return_url": "https://school.blackboard.com/webapps/blackboard/execute/blti/launchReturn?course_id=_123_1",
            },
            LTI + "lis": {
                "person_sourcedid": "s1234",
                "course_offering_sourcedid": "CS101-2026",
                "course_section_sourcedid": "CS101-2026",
            },
            LTI + "custom": {"codio_unit": "hello-python"},
            NRPS: {
                "context_memberships_url": "https://school.blackboard.com/learn/api/v1/lti/courses/_123_1/memberships",
                "service_versions": ["2.0"],
            },
        },
    },
    "brightspace": {
        "registration": {
            "issuer": "https://school.brightspace.com",
            "client_id": "6b8a2e41-94c3-4f5d-8a1b-0c7e9d2f3a4b",
            "auth_login_url": "https://school.brightspace.com/d2l/lti/authenticate",
            "auth_token_url": "https://auth.brightspace.com/core/connect/token",
            "auth_audience": "https://api.brightspace.com/auth/token",
            "key_set_url": "https://school.brightspace.com/d2l/.well-known/jwks",
            "service_hosts": "auth.brightspace.com",
        },
        "deployment_id": "9e7d5c3b-1a2f-4e6d-8c0b-3a5f7e9d1c2b",
        "sub": "8c1f3e1b-6f2c-4d8a-9b0e-5d7a3c2e1f40_6606",
        "learner_roles": [M + "Learner", INST + "Student", "urn:lti:instrole:ims/lis/Student"],
        "instructor_roles": [
            M + "Instructor",
            INST + "Instructor",
            "urn:lti:role:ims/lis/Instructor",
        ],
        "lineitem": "https://school.brightspace.com/d2l/api/lti/ags/2.0/deployment/9e7d5c3b-1a2f-4e6d-8c0b-3a5f7e9d1c2b/orgunit/6606/lineitems/1d4e6f8a-2b3c-4d5e-8f9a-0b1c2d3e4f5a",
        "claims": {
            LTI + "context": {
                "id": "6606",
                "label": "CS101",
                "title": "Introduction to Programming",
                "type": [COURSE_OFFERING],
            },
            LTI + "resource_link": {
                "id": "0f4e2c6a-8b1d-4e3f-9a5c-7d2b1e0f3a6c",
                "title": "Hello, Python",
                "description": "",
            },
            LTI + "tool_platform": {
                "guid": "3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9",
                "product_family_code": "desire2learn",
                "version": "20.25.1",
                "name": "Example University",
            },
            LTI + "launch_presentation": {
                "locale": "en-US",
                "document_target": "iframe",
                "return_url": "https://school.brightspace.com/d2l/le/content/6606/Home",
            },
            LTI + "lis": {"person_sourcedid": "s1234", "course_section_sourcedid": "CS101"},
            LTI + "custom": {"codio_unit": "hello-python", "orgdefinedid": "s1234"},
            "http://www.brightspace.com": {
                "tenant_id": "4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d",
                "org_defined_id": "s1234",
                "user_id": 1234,
                "username": "ada",
                "Context.id.history": "",
                "ResourceLink.id.history": "",
            },
            NRPS: {
                "context_memberships_url": "https://school.brightspace.com/d2l/api/lti/nrps/2.0/deployment/9e7d5c3b-1a2f-4e6d-8c0b-3a5f7e9d1c2b/orgunit/6606/memberships",
                "service_versions": ["2.0"],
            },
        },
    },
    "sakai": {
        "registration": {
            "issuer": "https://sakai.example.edu",
            "client_id": "0a6e5b8f-2c1d-4e3a-9f7b-6d5c4b3a2e1f",
            "auth_login_url": "https://sakai.example.edu/imsoidc/lti13/oidc_auth",
            "auth_token_url": "https://sakai.example.edu/imsblis/lti13/token/7",
            "key_set_url": "https://sakai.example.edu/imsblis/lti13/keyset/7",
        },
        "deployment_id": "1",
        "sub": "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b",
        "learner_roles": [M + "Learner"],
        "instructor_roles": [M + "Instructor", "urn:lti:role:ims/lis/Instructor"],
        "lineitem": "https://sakai.example.edu/imsblis/lti13/lineitems/0ab1c2d3-site/12",
        "claims": {
            LTI + "context": {
                "id": "0ab1c2d3-site",
                "label": "CS101",
                "title": "Introduction to Programming",
                "type": [COURSE_OFFERING],
            },
            LTI + "resource_link": {"id": "content:12", "title": "Hello, Python"},
            LTI + "tool_platform": {
                "product_family_code": "sakai",
                "version": "23.2",
                "name": "Example University Sakai",
                "url": "https://sakai.example.edu/portal",
                "guid": "sakai.example.edu",
            },
            LTI + "launch_presentation": {
                "document_target": "iframe",
                "return_url": "https://sakai.example.edu/imsblis/service/return-url/site/0ab1c2d3-site",
                "css_url": "https://sakai.example.edu/library/skin/tool_base.css",
                "locale": "en_US",
            },
            LTI + "lis": {"person_sourcedid": "ada", "course_offering_sourcedid": "CS101-2026"},
            LTI + "custom": {"codio_unit": "hello-python"},
            "https://www.sakailms.org/spec/lti/claim/extension": {
                "sakai_launch_presentation_css_url_list": "https://sakai.example.edu/library/skin/tool_base.css",
                "sakai_academic_session": "OTHER",
                "sakai_role": "access",
                "sakai_server": "https://sakai.example.edu",
                "sakai_serverid": "sakai1",
            },
            NRPS: {
                "context_memberships_url": "https://sakai.example.edu/imsblis/lti13/namesandroles/0ab1c2d3-site",
                "service_versions": ["2.0"],
            },
        },
    },
    "schoology": {
        "registration": {
            "issuer": "https://schoology.schoology.com",
            "client_id": "7152349301",
            "auth_login_url": "https://lti-service.svc.schoology.com/lti-service/authorize-redirect",
            "auth_token_url": "https://lti-service.svc.schoology.com/lti-service/access-token",
            "key_set_url": "https://lti-service.svc.schoology.com/lti-service/.well-known/jwks",
        },
        "deployment_id": "7152349301-2519867203",
        "sub": "61846210",
        "learner_roles": [M + "Learner", INST + "Student"],
        "instructor_roles": [M + "Instructor", INST + "Faculty"],
        "lineitem": "https://lti-service.svc.schoology.com/lti-service/tool/7152349301/services/ags/v1/courses/2519867203/lineitems/3948571",
        "claims": {
            LTI + "context": {
                "id": "2519867203",
                "label": "CS101",
                "title": "Introduction to Programming: Section 1",
                "type": [COURSE_OFFERING],
            },
            LTI + "resource_link": {"id": "3948571", "title": "Hello, Python"},
            LTI + "tool_platform": {
                "guid": "schoology.schoology.com",
                "name": "Schoology",
                "product_family_code": "schoology",
                "version": "2.0",
            },
            LTI + "launch_presentation": {"document_target": "iframe", "locale": "en-US"},
            LTI + "custom": {"codio_unit": "hello-python"},
            NRPS: {
                "context_memberships_url": "https://lti-service.svc.schoology.com/lti-service/tool/7152349301/services/names-roles/v2p0/membership/2519867203",
                "service_versions": ["2.0"],
            },
        },
    },
}


def launch_claims(lms, *, sub, roles, nonce, target, now, person):
    """The id_token claims ``lms`` sends for a person with ``roles``."""
    entry = LMS[lms]
    registration = entry["registration"]
    return {
        "iss": registration["issuer"],
        "aud": registration["client_id"] if lms != "sakai" else [registration["client_id"]],
        "azp": registration["client_id"],
        "sub": sub,
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        "name": person["name"],
        "given_name": person["given"],
        "family_name": person["family"],
        "email": person["email"],
        LTI + "version": "1.3.0",
        LTI + "message_type": "LtiResourceLinkRequest",
        LTI + "deployment_id": entry["deployment_id"],
        LTI + "target_link_uri": target,
        LTI + "roles": roles,
        AGS: {
            "scope": SCOPES,
            "lineitems": entry.get("lineitems") or entry["lineitem"].rsplit("/", 1)[0],
            "lineitem": entry["lineitem"],
        },
        **entry["claims"],
    }
