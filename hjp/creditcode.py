"""统一社会信用代码 (unified social credit code) under GB 32100-2015: structure and check character.

The code has 18 characters: 登记管理部门码 (1), 机构类别码 (1), 登记管理机关行政区划码 (6 digits,
GB/T 2260), 主体标识码 (9, the 组织机构代码 of GB 11714) and the check character (1). Every character
is one of the 31 of the code's character set, the digits and the capital letters without I, O, S,
V, Z (so they are never read as 1, 0, 5, U, 2). Character i (1-based, i = 1..17) has the value of
its place in that set and the weight 3^(i-1) mod 31; the check character is the one whose value is
31 - (sum of value x weight mod 31), where 31 counts as 0.

Only the check character is checked, not the 组织机构代码's own GB 11714 check digit inside it: the
standard makes the 18th character the code's check, and the clerk copies the code from a licence.
Standard library only, and the message catalog (the rules, the demo and ``hjp new unit`` use it).
"""

from __future__ import annotations

from hjp.messages import Part, part

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, ...
LENGTH = 18
NEVER_USED = "IOSVZ"


def check_character(body: str) -> str:
    """The check character of a code's first 17 characters (all from ``CHARSET``)."""
    total = sum(VALUE[c] * w for c, w in zip(body, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def problem(code: str) -> Part | None:
    """What is wrong with the code's structure, a fragment of HJP250 (None when its structure is right).

    The check character is ``check_character``'s business: call it once this returns None.
    """
    if len(code) != LENGTH:
        return part("HJP250.length", want=LENGTH, length=len(code))
    lower = [c for c in code if c.isascii() and c.islower()]
    if lower:
        shown = "".join(dict.fromkeys(lower))
        return part("HJP250.lower", lower=shown, upper=shown.upper())
    unused = [c for c in code if c in NEVER_USED]
    if unused:
        return part("HJP250.unused", never=tuple(NEVER_USED), found=tuple(dict.fromkeys(unused)))
    other = [c for c in code if c not in VALUE]
    if other:
        return part("HJP250.other", found=tuple(repr(c) for c in dict.fromkeys(other)))
    if not code[2:8].isdigit():
        return part("HJP250.region", region=code[2:8])
    return None


def expected_check(code: str) -> str | None:
    """The check character ``code`` should end with, when it differs from its 18th (else None).

    Only for a code whose ``problem`` is None.
    """
    want = check_character(code[:17])
    return want if code[17] != want else None
