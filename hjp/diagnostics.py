"""The one diagnostic type: every problem hjp finds is a value of this type.

Loading and rules return lists of these; reporters in ``output.py`` print them.
Codes are stable (documented in docs/codes.md) because users grep and filter by them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from hjp.messages import Args, Part, pack, render


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: where it is, its code and severity, and its message as a catalog key with
    arguments (``hjp.messages``), rendered only when shown (``message``, ``str()``, ``to_json``)."""

    code: str
    severity: Severity
    path: str
    line: int = 1  # 1-based
    col: int = 1  # 1-based
    record: str | None = None
    key: str = ""  # catalog key: the code, or CODE.variant ("" means the code)
    args: Args = ()  # ((name, plain value), ...)
    notes: tuple[Part, ...] = ()  # appended to the message (a declared back-fill, the commit audited)

    @property
    def message(self) -> str:
        text = _message(render(self.key or self.code, self.args))
        for note in self.notes:
            text += one_line(str(note))
        return text

    def __reduce__(self) -> tuple:
        # Pickled by its fields, as Part is: the per-file cache holds every diagnostic of a file.
        return (Diagnostic, (self.code, self.severity, self.path, self.line, self.col, self.record, self.key,
                             self.args, self.notes))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity.value} {self.code}: {self.message}"

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "record": self.record,
        }

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.col, self.code, self.message)

    def noted(self, note: Part, **changes: Any) -> Diagnostic:
        """This diagnostic with ``note`` appended to its message (and ``changes`` to its fields)."""
        return replace(self, notes=(*self.notes, note), **changes)


# Line breaks quoted into a message or path (a key "a\nb", a value "重大\n", a file name) would split
# one diagnostic over several lines of `path:line:col: ...` output: they are shown escaped.
_BREAKS = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\x0b": "\\v", "\x0c": "\\f", "\x85": "\\x85", "\u2028": "\\u2028", "\u2029": "\\u2029"}


# A message quotes what the clerk wrote: a 300,000-character value must not become a 300,000-character
# line. The middle goes (the fix is at the end).
_MAX_MESSAGE = 1000


def one_line(text: str) -> str:
    """``text`` with its line breaks written as escapes (``\\n``)."""
    return _BREAKS.sub(lambda m: _ESCAPES[m.group()], text) if _BREAKS.search(text) else text


def _message(text: str) -> str:
    text = one_line(text)
    if len(text) > _MAX_MESSAGE:
        text = f"{text[:600]}…（中间省略 {len(text) - 900} 个字符）…{text[-300:]}"
    return text


def error(key: str, /, path: str, line: int = 1, col: int = 1, record: str | None = None, **args: Any) -> Diagnostic:
    """An error at ``path:line:col`` (of ``record``) whose message is the catalog's ``key`` (``HJP203``,
    or ``HJP204.deadline`` where one code has several wordings) with ``args``: plain data (str, int,
    float, bool, None, dates, lists of these) or ``Part``s of the catalog. Never pass wording here:
    add it to hjp/messages.py (docs/development.md, "Messages")."""
    return Diagnostic(key.partition(".")[0], Severity.ERROR, one_line(path), line, col, record, key, pack(args))


def warning(key: str, /, path: str, line: int = 1, col: int = 1, record: str | None = None, **args: Any) -> Diagnostic:
    """A warning; see ``error``."""
    return Diagnostic(key.partition(".")[0], Severity.WARNING, one_line(path), line, col, record, key, pack(args))


def has_errors(diags: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diags)


_OS_REASONS = {
    "ENOSPC": "磁盘空间不足", "EDQUOT": "超出磁盘配额", "EROFS": "所在的文件系统是只读的",
    "EACCES": "没有权限", "EPERM": "没有权限", "EISDIR": "这是一个目录", "ENOTDIR": "路径中有一段不是目录",
    "ENOENT": "文件或目录不存在", "EEXIST": "已经存在", "ENAMETOOLONG": "文件名过长", "EBUSY": "文件正被占用",
    "ELOOP": "符号链接层数过多（可能互相指向）", "EIO": "读写出错（磁盘或网络存储故障）", "ETXTBSY": "文件正被占用",
    "EMFILE": "打开的文件过多", "ENFILE": "打开的文件过多", "EXDEV": "不能跨文件系统移动",
}


def os_reason(exc: OSError) -> str:
    """Why an OS call failed, in Chinese (the OS's own words are English): for '无法写入 X（…）'."""
    import errno

    name = errno.errorcode.get(exc.errno, "") if exc.errno is not None else ""
    if name in _OS_REASONS:
        return _OS_REASONS[name]
    return f"系统错误 {name}：{exc.strerror or exc}" if name else f"系统错误：{exc.strerror or exc}"
