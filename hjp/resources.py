"""Where built-in templates and schemas live: the checkout's top-level dirs, or the wheel's copies."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _dir(package: str, checkout_name: str) -> Path:
    checkout = Path(__file__).resolve().parent.parent / checkout_name
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files(package)))


def templates_dir() -> Path:
    return _dir("hjp._templates", "templates")


def schemas_dir() -> Path:
    return _dir("hjp._schemas", "schemas")
