"""Custom parameters an author types as ``key=value`` lines (LTI Core 1.3, 5.4.6)."""

import re
from collections.abc import Container, Mapping
from typing import Final

KEY_RE: Final = re.compile(r"^[A-Za-z0-9_]{1,64}$")
MAX_VALUE_LENGTH: Final = 1024
MAX_PARAMETERS: Final = 50


class CustomParameterError(ValueError):
    """A line that is not a valid ``key=value``; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def parse_custom_parameters(text: str | None, reserved: Container[str] = ()) -> dict[str, str]:
    """Parse ``key=value`` lines into a dict; blank lines and ``#`` comments are skipped."""
    params: dict[str, str] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise CustomParameterError(number, "expected key=value")
        key, value = (part.strip() for part in line.split("=", 1))
        if not KEY_RE.match(key):
            raise CustomParameterError(
                number, "keys use letters, digits and underscores only (at most 64)"
            )
        if key in reserved:
            raise CustomParameterError(number, f"'{key}' is set by the block itself")
        if key in params:
            raise CustomParameterError(number, f"'{key}' is given twice")
        if len(value) > MAX_VALUE_LENGTH:
            raise CustomParameterError(number, "value is too long")
        if any(ord(ch) < 32 for ch in value):
            raise CustomParameterError(number, "value has control characters")
        params[key] = value
        if len(params) > MAX_PARAMETERS:
            raise CustomParameterError(number, f"at most {MAX_PARAMETERS} parameters")
    return params


def substitute(params: Mapping[str, str], variables: Mapping[str, str]) -> dict[str, str]:
    """Replace each value that is exactly a substitution variable (LTI Core 1.3, 5.4.7 and
    Appendix C, e.g. ``$User.username``) by its value. An unsupported variable, or one the
    block may not share, is sent unchanged, as the specification says."""
    return {
        key: variables.get(value, value) if value.startswith("$") else value
        for key, value in params.items()
    }
