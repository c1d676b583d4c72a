"""lti_bridge: an LTI 1.3 tool (on pylti1p3) that applies Codio's rules to LMS launches."""
