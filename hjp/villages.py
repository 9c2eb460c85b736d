"""The one reading of ``--village``: a village's directory name (slug) or its Chinese name.

Every command with ``--village`` (new, list, show, overdue, report, export, import …) resolves it
here, so ``--village hejiapan``, ``--village 何家畔村`` and ``--village 何家畔`` mean the same, and a
value that names no village gets the same message everywhere, listing the villages there are.
Stdlib only (the message's did-you-mean is looked up lazily): cheap to import from the CLI.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Mapping

from hjp.errors import UsageError

SUFFIX = "村"  # 何家畔 names 何家畔村 when no other village reads so


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def listing(villages: Mapping[str, Any]) -> str:
    """``hejiapan（何家畔村）、huangzhai（黄寨村）`` — the villages as a message lists them."""
    if not villages:
        return "（台账中还没有村）"
    return "、".join(f"{slug}（{name}）" if (name := _name(v)) and name != slug else slug
                    for slug, v in sorted(villages.items()))


def _name(village: Any) -> str:
    return str(getattr(village, "name", "") or "")


def resolve(villages: Mapping[str, Any], given: str, *, option: str = "--village") -> str:
    """The slug of the village ``given`` names: its slug, its name (何家畔村), or its name without
    the trailing 村 (何家畔); case and full-width letters do not matter. UsageError (exit 2) when
    none or several match, listing the villages. ``villages``: slug → anything with a ``name``."""
    if given in villages:
        return given
    want = _norm(given)
    if not want:
        raise UsageError(f"{option} 不能为空；台账中的村：{listing(villages)}")
    for match in (lambda slug, name: _norm(slug) == want,
                  lambda slug, name: _norm(name) == want,
                  lambda slug, name: _norm(name) == want + SUFFIX or _norm(name).removesuffix(SUFFIX) == want):
        hits = sorted(slug for slug, v in villages.items() if match(slug, _name(v)))
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise UsageError(f"{option} {given} 对应多个村：{'、'.join(hits)}；请改用村目录名")
    from hjp.schema_errors import did_you_mean

    names = [*villages, *(n for v in villages.values() if (n := _name(v)))]
    hint = did_you_mean(given, names)
    raise UsageError(f"台账中没有村 {given}{hint or '；'}{option} 可写村目录名或村名，台账中的村：{listing(villages)}")
