"""Dates at the edge: the only place hjp asks the clock (today in the ledger's time zone), and strict
parsing of the dates the clerk types."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

DEFAULT_TZ = "Asia/Shanghai"

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
    try:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(tz_name)
    except Exception:  # no tz database on the machine: China has had no DST since 1991
        tz = timezone(timedelta(hours=8)) if tz_name == DEFAULT_TZ else timezone.utc
    return now.astimezone(tz).date()


def iso_date(text: str) -> date:
    """A date written YYYY-MM-DD, and nothing else.

    ``date.fromisoformat`` also takes ``20261130`` and ``2026-W48-1`` since Python 3.11; the ledger
    format and the CLI accept only the form the clerk sees everywhere. Raises ValueError.
    """
    v = text.strip()
    if len(v) != 10 or not v.isascii() or v[4] != "-" or v[7] != "-" or not (v[:4] + v[5:7] + v[8:]).isdigit():
        raise ValueError(f"not YYYY-MM-DD: {text!r}")
    return date.fromisoformat(v)
