"""Dates at the edge: the only place hjp asks the clock (today in the ledger's time zone), the ledger's
time zone itself, and strict parsing of the dates the clerk types."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path

DEFAULT_TZ = "Asia/Shanghai"

# Dates outside these years are typos (0001-01-01, 20245-01-01 cut short), not ledger dates: refused
# in records (HJP104) and in --as-of, before "（2024年3月31日至1年1月1日）" reaches a report.
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)

# Pins "today" for a whole process tree (tests, reproducing yesterday's CI run): YYYY-MM-DD.
TODAY_ENV = "HJP_TODAY"


def pinned_today() -> date | None:
    """The day ``HJP_TODAY`` pins, or None when unset. Raises ValueError when it is not YYYY-MM-DD."""
    value = os.environ.get(TODAY_ENV)
    return iso_date(value) if value else None


def today(tz_name: str = DEFAULT_TZ, *, now: datetime | None = None) -> date:
    """Today in ``tz_name`` (not the machine's zone): 20:00 UTC is already tomorrow in Beijing.

    ``HJP_TODAY`` overrides the clock (not an explicit ``now``)."""
    if now is None:
        pinned = pinned_today()
        if pinned is not None:
            return pinned
    now = now or datetime.now(timezone.utc)
    return now.astimezone(zone(tz_name)).date()


_BEIJING = timezone(timedelta(hours=8), "CST")


def zone(tz_name: str) -> tzinfo:
    """The time zone named ``tz_name``; UTC when the name is unknown (validation reports it, HJP219).

    Beijing time is UTC+8 all year (China has had no daylight saving since 1991): that needs no tz
    database, which Windows may lack, and no ``zoneinfo`` import, which costs ``hjp log`` ~5 %.
    """
    if tz_name == DEFAULT_TZ:
        return _BEIJING
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(tz_name)
    except Exception:  # an unknown name, or no tz database on the machine
        return timezone.utc


def day_of(timestamp: int, tz_name: str) -> date:
    """The day a Unix time falls on in ``tz_name`` (a commit's date, in the ledger's zone)."""
    return datetime.fromtimestamp(timestamp, zone(tz_name)).date()


def in_ci() -> bool:
    """Whether this run is a CI job (GitHub Actions, GitLab CI and most others set ``CI``; Jenkins
    sets ``JENKINS_URL``): there the commits audited were just pushed, and the clock is the CI's."""
    value = os.environ.get("CI", "").strip().lower()
    return value not in ("", "0", "false", "no") or bool(os.environ.get("JENKINS_URL"))


def iso_date(text: str) -> date:
    """A date written YYYY-MM-DD, and nothing else.

    ``date.fromisoformat`` also takes ``20261130`` and ``2026-W48-1`` since Python 3.11; the ledger
    format and the CLI accept only the form the clerk sees everywhere. Raises ValueError.
    """
    v = text.strip()
    if len(v) != 10 or not v.isascii() or v[4] != "-" or v[7] != "-" or not (v[:4] + v[5:7] + v[8:]).isdigit():
        raise ValueError(f"not YYYY-MM-DD: {text!r}")
    return date.fromisoformat(v)


def ledger_timezone(ledger_dir: Path) -> str:
    """The ledger's time zone: town.yaml's ``timezone`` when it is text, else Beijing time.

    For commands that do not load the ledger (``hjp log``, ``hjp audit``); a loaded ledger has it as
    ``ledger.town.timezone``, the same value whenever town.yaml is valid. Read without PyYAML when
    ``quickyaml`` is sure of it (``hjp log`` would spend more importing PyYAML than reading history).
    """
    from hjp.paths import find_repo_root
    from hjp.quickyaml import UNSURE, top_level_scalar

    path = ledger_dir / "town.yaml"
    try:
        if not path.resolve().is_relative_to(find_repo_root(ledger_dir.resolve()).resolve()):
            return DEFAULT_TZ  # the loader does not read a town.yaml outside the repository (HJP014)
        raw = path.read_bytes()
    except OSError:
        return DEFAULT_TZ
    try:
        text = raw.decode("utf-8-sig")
        value = top_level_scalar(text, "timezone")
    except UnicodeDecodeError:
        value = UNSURE
    if value is UNSURE:
        from hjp.yamlread import parse_bytes

        data = parse_bytes(raw, str(path)).data
        value = data.get("timezone") if isinstance(data, dict) else None
    return value if isinstance(value, str) else DEFAULT_TZ
