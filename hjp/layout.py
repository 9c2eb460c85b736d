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


def _what(path: Path) -> str | None:
    """None for a regular file (through links); else what it is, in Chinese."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return "指向不存在位置的符号链接" if path.is_symlink() else "不存在"
    except OSError as exc:
        return f"无法访问（{exc.strerror}）"
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISDIR(st.st_mode):
        return "目录"
    if stat.S_ISFIFO(st.st_mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(st.st_mode):
        return "套接字"
    return "设备文件"


def _why(name: str, target: str) -> str:
    """Why ``name`` is not ``target.yaml``, in the clerk's terms."""
    plain = unicodedata.normalize("NFKC", name)
    stem, exts, copy = _normal(name)
    reasons = []
    if name != name.strip() or plain != plain.strip():
        reasons.append("文件名前后有空格")
    if ".txt" in exts:
        reasons.append("多了扩展名 .txt（记事本保存时请把“保存类型”选为“所有文件”）")
    if ".yml" in exts:
        reasons.append("扩展名须为 .yaml，不是 .yml")
    if not exts:
        reasons.append("没有扩展名 .yaml")
    elif len(exts) > 1 and ".txt" not in exts:
        reasons.append("扩展名重复")
    if copy:
        reasons.append("这是复制出来的副本")
    if not stem.isascii():
        reasons.append("文件名须用英文")
    elif stem != target:
        reasons.append(f"拼写应为 {target}")
    elif plain != name.replace("\u3000", " "):
        reasons.append("文件名里有全角字符")
    elif plain.strip() != plain.strip().lower():
        reasons.append("文件名须全部小写")
    return "、".join(reasons) or "文件名不对"


def _same(path: Path, other: Path) -> bool:
    """True when both names reach one file: ``Hazards.yaml`` on Windows' or macOS's case-insensitive
    disks, where hjp reads it here but git, CI and every Linux checkout do not."""
    try:
        return path.samefile(other)
    except OSError:
        return False


def _quote(path: str) -> str:
    return "'" + path.replace("'", "'\\''") + "'"


def _not_regular(display: str, what: str, target: str) -> Diagnostic:
    return error("HJP016", f"{target}.yaml 是{what}，不是普通文件，里面的记录没有被读取；"
                           f"请换成普通的 YAML 文件 {target}.yaml", display)


def _misnamed(display: str, target_display: str, name: str, target: str, target_exists: bool,
              same: bool = False) -> Diagnostic:
    head = f"文件 {name} 看起来是台账文件 {target}.yaml，但不会被读取（{_why(name, target)}），其中的记录不计入任何检查和统计"
    if same:  # a case-insensitive disk: read here, not in git's other checkouts
        head = (f"文件 {name} 须为 {target}.yaml（{_why(name, target)}）：这台电脑上能读到，"
                "但在区分大小写的系统上（CI、其他人的检出）读不到")
    if target_exists:
        fix = (f"已有 {target}.yaml：如果 {name} 中有需要登记的记录，请并入 {target}.yaml；"
               "如果只是备份或副本，请删除或移出台账目录（每个版本都已保存在 git 历史中）")
    else:
        fix = f"请改名：git mv {_quote(display)} {_quote(target_display)}"
    return error("HJP016", f"{head}；{fix}", display)


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


def village_entries(vdir: Path, display: Callable[[Path], str]) -> list[Diagnostic]:
    """HJP016 for every entry of a village directory that looks like a village file but is not
    read; HJP013 (a warning, as before) for other .yaml/.yml files."""
    out: list[Diagnostic] = []
    expected = list(VILLAGE_FILES)
    tops = {k.top: k.stem for k in KINDS if k.village}
    try:
        entries = sorted(vdir.iterdir())
    except OSError:
        return out
    for path in entries:
        name = path.name
        if name.startswith("."):
            continue
        what = _what(path)
        if name in (f"{stem}.yaml" for stem in expected):
            if what is not None:
                out.append(_not_regular(display(path), what, name[: -len(".yaml")]))
            continue
        if what == "目录":  # a folder of photos called "hazards" is no ledger file
            continue
        target = resembles(name, expected)
        if target is None and _what(path) is None and (path.suffix.casefold() in _EXTENSIONS or "." not in name):
            target = _sniff(path, tops)
        if target is not None:
            real = vdir / f"{target}.yaml"
            out.append(_misnamed(display(path), display(real), name, target, _what(real) is None and not _same(path, real),
                                 _same(path, real)))
        elif path.suffix in (".yaml", ".yml"):
            out.append(warning(
                "HJP013", f"不认识的文件 {name}，不会被读取；村目录只放 {'、'.join(n + '.yaml' for n in expected)}",
                display(path)))
    return out


def root_entries(root: Path, display: Callable[[Path], str]) -> list[Diagnostic]:
    """HJP016 for entries of the ledger's top directory that look like its files or its villages
    directory but are not read, and for village files put there or directly in villages/."""
    out: list[Diagnostic] = []
    village_only = [s for s in VILLAGE_FILES if s not in TOWN_FILES]
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return out
    for path in entries:
        name = path.name
        if name.startswith(".") or name == VILLAGES_DIR:
            continue
        if name in (f"{stem}.yaml" for stem in TOWN_FILES):
            what = _what(path)
            if what is not None and name != "town.yaml":
                out.append(_not_regular(display(path), what, name[: -len(".yaml")]))
            continue
        is_dir = _what(path) == "目录"
        target = None if is_dir else resembles(name, TOWN_FILES)
        if target is not None:
            real = root / f"{target}.yaml"
            out.append(_misnamed(display(path), display(real), name, target, _what(real) is None and not _same(path, real),
                                 _same(path, real)))
            continue
        if is_dir and (resembles(name, [VILLAGES_DIR]) == VILLAGES_DIR or name in ("village", "村")):
            out.append(error("HJP016", f"{name} 看起来是村目录 {VILLAGES_DIR}/，但不会被读取，其中各村的记录不计入任何检查和统计；"
                                       f"请改名：git mv {_quote(display(path))} {_quote(display(root / VILLAGES_DIR))}",
                             display(path)))
            continue
        stem = None if is_dir else resembles(name, village_only)
        if stem is not None:
            out.append(_misplaced(display(path), name, stem))
    vdir = root / VILLAGES_DIR
    if vdir.exists() or vdir.is_symlink():
        what = _what(vdir)
        if what is not None and what != "目录":
            out.append(error("HJP016", f"{VILLAGES_DIR} 是{what}，不是目录，各村的记录没有被读取；请换成目录",
                             display(vdir)))
        elif what is None:
            out.append(error("HJP016", f"{VILLAGES_DIR} 是文件，不是目录，各村的记录没有被读取；"
                                       "请把它换成目录，每个村一个子目录（villages/<村代码>/）", display(vdir)))
        else:
            out.extend(_villages_entries(vdir, display, village_only))
    return out


def _misplaced(display: str, name: str, stem: str) -> Diagnostic:
    return error("HJP016", f"文件 {name} 不在村目录里，不会被读取，其中的记录不计入任何检查和统计；"
                           f"{stem}.yaml 要放在各村自己的目录 villages/<村代码>/ 下，请移过去", display)


def _villages_entries(vdir: Path, display: Callable[[Path], str], village_only: list[str]) -> list[Diagnostic]:
    """What in villages/ is neither a village directory nor harmless: village files put there
    directly, and village entries that are not directories (a dangling link, a file)."""
    out: list[Diagnostic] = []
    try:
        entries = sorted(vdir.iterdir())
    except OSError:
        return out
    for path in entries:
        name = path.name
        if name.startswith("."):
            continue
        what = _what(path)
        if what == "目录":
            continue
        stem = resembles(name, list(VILLAGE_FILES))
        if stem is not None:
            out.append(_misplaced(display(path), name, stem))
        elif "." not in name:
            shown = "普通文件" if what is None else what
            out.append(error("HJP016", f"村目录 {name} 是{shown}，不是目录，这个村的记录没有被读取；请换成目录",
                             display(path)))
    return out
