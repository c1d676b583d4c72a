"""Tables of the edx-platform stand-ins (tests/edx_platform/), with the real columns."""
