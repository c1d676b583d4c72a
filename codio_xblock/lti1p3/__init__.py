"""Pure LTI 1.3 platform-side protocol code.

Takes plain values and returns plain values (dicts, strings, dataclasses). It must not
import Django, XBlock or edx-platform: ``tests/test_protocol_purity.py`` imports it with
no Django settings configured to keep that promise honest.
"""
