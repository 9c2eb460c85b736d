"""Files that look like ledger files but would not be read (HJP016).

A village's hazards vanish from every count when their file is called ``hazards.yaml.txt``
(Notepad), ``hazards - 副本.yaml`` (a copy made in Explorer), ``Hazards.yaml``, ``hazards.yml``,
``隐患.yaml``, ``"hazards.yaml "``, or when ``hazards.yaml`` is a directory, a FIFO or a dangling
link. The loader reads exact names only; this module looks at every other name in the ledger's
directories and says which ledger file each one resembles, so that such records are an error
naming the file and the name it should have, never a silent 0.

The recognised names come from the record-kind registry (``hjp.kinds``): a new kind is covered
without touching this module. Only names are looked at, except that an otherwise unknown
``.yaml``/``.yml``/``.txt`` file in a village directory is opened (its first 4 KB) to see whether
it starts with a kind's top key. Costs a directory listing already made and a few string
operations per entry.
"""

from __future__ import annotations

import difflib
import re
import stat
import unicodedata
from pathlib import Path
from typing import Callable, Iterable

from hjp.diagnostics import Diagnostic, error, warning
from hjp.kinds import KINDS, TOWN_KINDS, VILLAGE_FILES
from hjp.messages import Part, part

# Town-level files besides the record kinds' (town.yaml is checked by the loader before this runs).
TOWN_FILES: tuple[str, ...] = ("town", *(k.stem for k in TOWN_KINDS))
VILLAGES_DIR = "villages"

# Extensions a ledger file acquires on the way: Notepad appends .txt, others save .yml.
_EXTENSIONS = (".yaml", ".yml", ".txt")
# Copies: Explorer's "x - 副本.yaml" / "x - Copy (2).yaml", browsers' "x (1).yaml", "Copy of x.yaml".
_COPY_SUFFIX = re.compile(r"(?:[\s_\-－—–]*(?:副本|复制|拷贝|备份|copy|backup)(?:[\s_]*[(（]?\d+[)）]?)?"
                          r"|[\s_]*[(（]\d+[)）])+$")
_COPY_PREFIX = re.compile(r"^(?:copy\s+of|副本)[\s_\-－—–]*")
_TOP_KEY = re.compile(r"^([a-z_]+)[ \t]*:", re.M)


def _words() -> dict[str, str]:
    """Chinese (and English singular) words → the file stem they name, from the registry."""
    words: dict[str, str] = {}
    for kind in KINDS:
        for word in (kind.label, kind.short_label, kind.noun):
            if word:
                words.setdefault(word, kind.stem)
    words.setdefault("村", "village")
    words.setdefault("镇", "town")
    return words


_WORDS = _words()


def _normal(name: str) -> tuple[str, list[str], bool]:
    """(stem, extensions stripped, whether copy markers were removed) of a name: full-width
    letters and spaces made ASCII (NFKC), case folded, surrounding blanks removed."""
    n = unicodedata.normalize("NFKC", name).strip().casefold()
    exts: list[str] = []
    changed = True
    while changed:
        changed = False
        for ext in _EXTENSIONS:
            if n.endswith(ext):
                n = n[: -len(ext)].strip()
                exts.append(ext)
                changed = True
    bare = _COPY_PREFIX.sub("", _COPY_SUFFIX.sub("", n)).strip(" ._-")
    return bare, exts, bare != n.strip(" ._-")


def resembles(name: str, expected: Iterable[str]) -> str | None:
    """The stem of the ledger file ``name`` looks like (one of ``expected``), else None.

    ``hazards.YAML``, ``hazards.yaml.txt``, ``hazards.txt``, ``hazards``, ``hazards - 副本.yaml``,
    ``Hazards (1).yml``, ``hazard.yaml``, ``hazrds.yaml``, ``隐患.yaml``, ``2024年隐患台账.yml`` → hazards.
    """
    expected = list(expected)
    stem, exts, _copy = _normal(name)
    if not stem:
        return None
    yamlish = any(e in (".yaml", ".yml") for e in exts)
    if stem in expected:
        return stem
    if yamlish or not exts or exts == [".txt"]:
        for word, target in _WORDS.items():
            if target in expected and (word == stem or word in stem and not word.isascii() and yamlish):
                return target
    if yamlish:
        close = difflib.get_close_matches(stem, expected, n=1, cutoff=0.8)
        if close:
            return close[0]
    return None


_DIR = part("what.dir")


def _what(path: Path) -> Part | None:
    """None for a regular file (through links); else what it is (``_DIR`` for a directory)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return part("what.dangling") if path.is_symlink() else part("what.missing")
    except OSError as exc:
        return part("what.unreadable", reason=exc.strerror)
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISDIR(st.st_mode):
        return _DIR
    if stat.S_ISFIFO(st.st_mode):
        return part("what.fifo")
    if stat.S_ISSOCK(st.st_mode):
        return part("what.socket")
    return part("what.device")


def _why(name: str, target: str) -> tuple[Part, ...]:
    """Why ``name`` is not ``target.yaml``, in the clerk's terms."""
    plain = unicodedata.normalize("NFKC", name)
    stem, exts, copy = _normal(name)
    reasons = []
    if name != name.strip() or plain != plain.strip():
        reasons.append(part("why.spaces"))
    if ".txt" in exts:
        reasons.append(part("why.txt"))
    if ".yml" in exts:
        reasons.append(part("why.yml"))
    if not exts:
        reasons.append(part("why.no_extension"))
    elif len(exts) > 1 and ".txt" not in exts:
        reasons.append(part("why.extension_twice"))
    if copy:
        reasons.append(part("why.copy"))
    if not stem.isascii():
        reasons.append(part("why.not_ascii"))
    elif stem != target:
        reasons.append(part("why.spelling", target=target))
    elif plain != name.replace("\u3000", " "):
        reasons.append(part("why.fullwidth"))
    elif plain.strip() != plain.strip().lower():
        reasons.append(part("why.case"))
    return tuple(reasons) or (part("why.other"),)


def _same(path: Path, other: Path) -> bool:
    """True when both names reach one file: ``Hazards.yaml`` on Windows' or macOS's case-insensitive
    disks, where hjp reads it here but git, CI and every Linux checkout do not."""
    try:
        return path.samefile(other)
    except OSError:
        return False


def _quote(path: str) -> str:
    return "'" + path.replace("'", "'\\''") + "'"


def _not_regular(display: str, what: Part, target: str) -> Diagnostic:
    return error("HJP016.not_regular", display, target=target, what=what)


def _misnamed(display: str, target_display: str, name: str, target: str, target_exists: bool,
              same: bool = False) -> Diagnostic:
    if target_exists:
        fix = part("HJP016.merge", name=name, target=target)
    else:
        fix = part("HJP016.rename", old=_quote(display), new=_quote(target_display))
    # same: a case-insensitive disk, where the file is read here but not in git's other checkouts
    return error("HJP016.case" if same else "HJP016.misnamed", display, name=name, target=target,
                 why=_why(name, target), fix=fix)


def _sniff(path: Path, tops: dict[str, str]) -> str | None:
    """The stem whose top key an unknown file starts with (its first 4 KB), else None."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    for m in _TOP_KEY.finditer(head):
        if m.group(1) in tops:
            return tops[m.group(1)]
    return None


def _visible(folder: Path) -> list[Path]:
    """The entries of ``folder`` that are not hidden (editors' swap files, .hjp-cache), in name
    order; none when it cannot be listed."""
    try:
        return sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError:
        return []


def village_entries(vdir: Path, display: Callable[[Path], str]) -> list[Diagnostic]:
    """HJP016 for every entry of a village directory that looks like a village file but is not
    read; HJP013 (a warning, as before) for other .yaml/.yml files."""
    out: list[Diagnostic] = []
    expected = list(VILLAGE_FILES)
    tops = {k.top: k.stem for k in KINDS if k.village}
    for path in _visible(vdir):
        name = path.name
        what = _what(path)
        if name in (f"{stem}.yaml" for stem in expected):
            if what is not None:
                out.append(_not_regular(display(path), what, name[: -len(".yaml")]))
            continue
        if what == _DIR:  # a folder of photos called "hazards" is no ledger file
            continue
        target = resembles(name, expected)
        if target is None and _what(path) is None and (path.suffix.casefold() in _EXTENSIONS or "." not in name):
            target = _sniff(path, tops)
        if target is not None:
            real = vdir / f"{target}.yaml"
            out.append(_misnamed(display(path), display(real), name, target, _what(real) is None and not _same(path, real),
                                 _same(path, real)))
        elif path.suffix in (".yaml", ".yml"):
            out.append(warning("HJP013", display(path), name=name, files=[n + ".yaml" for n in expected]))
    return out


def root_entries(root: Path, display: Callable[[Path], str]) -> list[Diagnostic]:
    """HJP016 for entries of the ledger's top directory that look like its files or its villages
    directory but are not read, and for village files put there or directly in villages/."""
    out: list[Diagnostic] = []
    village_only = [s for s in VILLAGE_FILES if s not in TOWN_FILES]
    for path in _visible(root):
        name = path.name
        if name == VILLAGES_DIR:
            continue
        if name in (f"{stem}.yaml" for stem in TOWN_FILES):
            what = _what(path)
            if what is not None and name != "town.yaml":
                out.append(_not_regular(display(path), what, name[: -len(".yaml")]))
            continue
        is_dir = _what(path) == _DIR
        target = None if is_dir else resembles(name, TOWN_FILES)
        if target is not None:
            real = root / f"{target}.yaml"
            out.append(_misnamed(display(path), display(real), name, target, _what(real) is None and not _same(path, real),
                                 _same(path, real)))
            continue
        if is_dir and (resembles(name, [VILLAGES_DIR]) == VILLAGES_DIR or name in ("village", "村")):
            out.append(error("HJP016.villages_dir", display(path), name=name, old=_quote(display(path)),
                             new=_quote(display(root / VILLAGES_DIR))))
            continue
        stem = None if is_dir else resembles(name, village_only)
        if stem is not None:
            out.append(_misplaced(display(path), name, stem))
    vdir = root / VILLAGES_DIR
    if vdir.exists() or vdir.is_symlink():
        what = _what(vdir)
        if what is not None and what != _DIR:
            out.append(error("HJP016.villages_not_dir", display(vdir), what=what))
        elif what is None:
            out.append(error("HJP016.villages_file", display(vdir)))
        else:
            out.extend(_villages_entries(vdir, display, village_only))
    return out


def _misplaced(display: str, name: str, stem: str) -> Diagnostic:
    return error("HJP016.misplaced", display, name=name, stem=stem)


def _villages_entries(vdir: Path, display: Callable[[Path], str], village_only: list[str]) -> list[Diagnostic]:
    """What in villages/ is neither a village directory nor harmless: village files put there
    directly, and village entries that are not directories (a dangling link, a file)."""
    out: list[Diagnostic] = []
    for path in _visible(vdir):
        name = path.name
        what = _what(path)
        if what == _DIR:
            continue
        stem = resembles(name, list(VILLAGE_FILES))
        if stem is not None:
            out.append(_misplaced(display(path), name, stem))
        elif "." not in name:
            out.append(error("HJP016.village_not_dir", display(path), name=name, what=what or part("what.file")))
    return out
