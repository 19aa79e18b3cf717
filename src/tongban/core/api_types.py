"""Checked input types for the API's schemas: what the database would choke on is refused once, here, and
flags and numbers are taken only as JSON's true/false and numbers (strict: no coercion).

NUL and other control characters (PostgreSQL refuses NUL in text and JSON), non-finite numbers (JSON has no
Infinity) and unbounded sizes; an application form as a bounded dict of scalar values.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field
from pydantic import AfterValidator, Strict, StringConstraints


def _surrogate(c: str) -> bool:
    return 0xD800 <= ord(c) <= 0xDFFF


def _single_line(value: str) -> str:
    if any(ord(c) < 32 or c in "\x7f\u2028\u2029" or _surrogate(c) for c in value):
        raise ValueError("不能包含换行符、控制字符或无效字符")
    return value


def _text(value: str) -> str:
    if any((ord(c) < 32 and c not in "\n\r\t") or c == "\x7f" or _surrogate(c) for c in value):
        raise ValueError("不能包含控制字符或无效字符")
    return value


def checked_password(value: str) -> str:
    # Hashers encode the password as UTF-8: a lone surrogate could never have been set as one.
    if "\x00" in value or any(_surrogate(c) for c in value):
        raise ValueError("包含无效字符")
    return value


_LINE = AfterValidator(_single_line)
_TEXT = AfterValidator(_text)
Line50 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50), _LINE]
Line60 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60), _LINE]
Line150 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=150), _LINE]
Line200 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), _LINE]
Text1000 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000), _TEXT]
Text2000 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), _TEXT]
Text5000 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000), _TEXT]

FormKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
FormScalar = (
    bool
    | Annotated[int, Field(ge=-(10**15), le=10**15)]
    | Annotated[float, Field(allow_inf_nan=False)]
    | Text5000
    | None
)
FormValue = FormScalar | Annotated[list[Line200], Field(max_length=100)]
FormData = Annotated[dict[FormKey, FormValue], Field(max_length=200)]
Revision = Annotated[int, Strict(), Field(ge=0, le=2_147_483_647, description="客户端所见的办件修订号（乐观并发控制）")]
# JSON bodies carry their own types: true is a flag and 3 a number; "yes", 1 or "3" are refused, not coerced.
Flag = Annotated[bool, Strict()]
WholeNumber = Annotated[int, Strict()]

Password = Annotated[str, StringConstraints(min_length=1, max_length=4096), AfterValidator(checked_password)]
