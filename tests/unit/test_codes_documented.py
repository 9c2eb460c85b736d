"""Every diagnostic code hjp can emit is documented in docs/codes.md (with an example and the fix)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


def test_every_emitted_code_has_a_section_in_codes_md():
    emitted = set()
    for path in (REPO / "hjp").rglob("*.py"):
        emitted |= set(re.findall(r'"(HJP\d{3})"', path.read_text(encoding="utf-8")))
    documented = set(re.findall(r"^#{2,3} (HJP\d{3})", (REPO / "docs" / "codes.md").read_text(encoding="utf-8"), re.M))
    assert sorted(emitted - documented) == []
