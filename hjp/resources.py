"""Where built-in templates and schemas live: the checkout's top-level dirs, or the wheel's copies."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path


def _dir(package: str, checkout_name: str) -> Path:
    checkout = Path(__file__).resolve().parent.parent / checkout_name
    if checkout.is_dir():
        return checkout
    # In a wheel they are data-only packages (no __init__.py): importlib.resources would hand back a
    # MultiplexedPath, whose str() is not a path; the spec's search location is the folder itself.
    spec = find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise FileNotFoundError(f"hjp is installed without its {checkout_name}/ ({package})")
    return Path(locations[0])


def templates_dir() -> Path:
    return _dir("hjp._templates", "templates")


def schemas_dir() -> Path:
    return _dir("hjp._schemas", "schemas")
