"""The only place hjp asks the clock: today's date in the ledger's time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

DEFAULT_TZ = "Asia/Shanghai"


def today(tz_name: str = DEFAULT_TZ, *, now: datetime | None = None) -> date:
    """Today in ``tz_name`` (not the machine's zone): 20:00 UTC is already tomorrow in Beijing."""
    now = now or datetime.now(timezone.utc)
    try:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(tz_name)
    except Exception:  # no tz database on the machine: China has had no DST since 1991
        tz = timezone(timedelta(hours=8)) if tz_name == DEFAULT_TZ else timezone.utc
    return now.astimezone(tz).date()
