"""The bounds of a report template: which files it may come from, and how much it may make hjp do.

A ledger repository's own templates (``templates/NAME.md.j2``) are code from whoever last
committed to it. jinja2's ``SandboxedEnvironment`` already keeps them away from Python's
internals; this module adds what it leaves open (issue 8 item 15):

- **Files.** A template is read only if it is a regular file under its templates folder reached
  without a single symbolic link (or Windows junction), the folder itself included: a committed
  ``templates/self-check.md.j2`` linking to a ledger file or ``.git/config`` would otherwise put
  reporter names or remote tokens into a report bound for the county. Checked on the path's
  components, then again on the open file (same device and inode), so a swap in between is caught.
- **Size.** No expression may build more than ``MAX_VALUE`` characters or items (``"x" * 10**10``,
  ``~``, ``+``, ``%``/``format`` widths, ``join``, ``center``, ``indent``, ``replace``, ``batch``,
  ``lipsum``, integers by ``**``, lists and dicts grown by ``append``/``extend``/``update``), and
  no rendering may produce more than ``MAX_OUTPUT`` characters.
- **Time and memory.** Every loop iteration, call and intercepted operator ticks a budget that
  stops the rendering after ``HJP_TEMPLATE_SECONDS`` (default ``TIME_LIMIT``) once any of the
  repository's own templates is involved, and whenever memory has grown by more than
  ``MAX_GROWTH``. Ticks raise an ordinary exception in the rendering thread: no signals, no second
  thread, so it works the same on Windows. The built-in templates have no time limit (their cost
  is linear in the ledger; a 100,000-hazard 隐患台账 takes tens of seconds on a slow PC).

Exceeding a bound raises ``LimitExceeded`` (a ``jinja2.TemplateError``) with a Chinese message;
``render`` adds the template file and line.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import time
from itertools import islice
from pathlib import Path
from string import Formatter
from typing import Any, Callable, Iterable, Iterator

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.filters import FILTERS, make_attrgetter
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import generate_lorem_ipsum

MAX_OUTPUT = 64 * 1024 * 1024  # characters one rendering may produce (a 100,000-hazard 隐患台账: ~15 M)
MAX_VALUE = 16 * 1024 * 1024  # characters or items one expression may build
MAX_INT_BITS = 100_000  # an integer of 30,000 digits is no figure a report needs
MAX_GROWTH = 1024 * 1024 * 1024  # bytes of memory a rendering may add
MAX_TEMPLATE_BYTES = 1024 * 1024  # a template file
TIME_LIMIT = 120  # seconds, once a repository template is involved (HJP_TEMPLATE_SECONDS overrides)
TIME_ENV = "HJP_TEMPLATE_SECONDS"
_MEMORY_EVERY = 0.05  # seconds between memory readings


class LimitExceeded(jinja2.TemplateError):
    """A template went beyond a bound (message in Chinese, without the file and line)."""


class RefusedFile(jinja2.TemplateError):
    """A template file that is a link, not a regular file, too large or not UTF-8."""


def time_limit() -> float:
    value = os.environ.get(TIME_ENV, "").strip()
    try:
        seconds = float(value) if value else TIME_LIMIT
    except ValueError:
        seconds = TIME_LIMIT
    return seconds if seconds > 0 else TIME_LIMIT


def _memory() -> int | None:
    """This process's resident memory in bytes (None where it cannot be read cheaply)."""
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/self/statm", "rb") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return None
    if os.name == "nt":
        return _windows_memory()
    try:  # macOS and the BSDs: the peak, which only grows, is as good for "grew by more than"
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024
    except (ImportError, OSError):
        return None


def _windows_memory() -> int | None:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                    ("PeakWorkingSetSize", ctypes.c_size_t), ("WorkingSetSize", ctypes.c_size_t),
                    ("QuotaPeakPagedPoolUsage", ctypes.c_size_t), ("QuotaPagedPoolUsage", ctypes.c_size_t),
                    ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t), ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                    ("PagefileUsage", ctypes.c_size_t), ("PeakPagefileUsage", ctypes.c_size_t)]

    try:
        counters = Counters()
        counters.cb = ctypes.sizeof(Counters)
        process = ctypes.windll.kernel32.GetCurrentProcess()  # type: ignore[attr-defined]
        psapi = ctypes.windll.psapi  # type: ignore[attr-defined]
        if not psapi.GetProcessMemoryInfo(process, ctypes.byref(counters), counters.cb):
            return None
        return int(counters.WorkingSetSize)
    except (OSError, AttributeError):
        return None


class Budget:
    """Time and memory of one rendering; ``tick`` raises LimitExceeded when either runs out."""

    def __init__(self, seconds: float | None = None):
        now = time.monotonic()
        self.seconds = time_limit() if seconds is None else seconds
        self.deadline = now + self.seconds
        self.timed = False  # set once a repository template is loaded
        self.base = _memory()
        self.next_memory = now + _MEMORY_EVERY

    def tick(self) -> None:
        now = time.monotonic()
        if self.timed and now > self.deadline:
            raise LimitExceeded(f"模板运行超过 {self.seconds:g} 秒仍未完成（多重循环？），已停止；请简化模板中的循环，"
                                f"确需更长时间时设置环境变量 {TIME_ENV}（秒）")
        if now >= self.next_memory:
            self.next_memory = now + _MEMORY_EVERY
            used = _memory()
            if used is not None and self.base is not None and used - self.base > MAX_GROWTH:
                raise LimitExceeded(f"模板运行占用的内存增加了 {(used - self.base) >> 20} MB，超过 {MAX_GROWTH >> 20} MB，"
                                    "已停止；请检查模板中的循环")

    def stream(self, pieces: Iterable[str]) -> str:
        """The rendering's output pieces joined, stopping once they pass MAX_OUTPUT characters."""
        out: list[str] = []
        size = 0
        it = iter(pieces)
        while chunk := list(islice(it, 1024)):  # counted a chunk at a time: a list of references is cheap
            size += sum(map(len, chunk))
            if size > MAX_OUTPUT:
                raise LimitExceeded(f"报告超过 {MAX_OUTPUT // 10_000} 万个字符，已停止；请检查模板中的循环")
            out += chunk
        return "".join(out)


def _too_big(size: int, what: str = "文字或列表") -> LimitExceeded:
    return LimitExceeded(f"模板要生成的{what}过大（{size:,} 个字符或项，上限 {MAX_VALUE:,}），已停止；"
                         "请检查 *、~、+、join、center、indent、replace、format 等的用法")


def _check_size(size: int, what: str = "文字或列表") -> None:
    if size > MAX_VALUE:
        raise _too_big(size, what)


def _sized(value: Any) -> int | None:
    """The length of a string, bytes or sequence (what repetition and concatenation copy)."""
    if isinstance(value, (str, bytes, bytearray, list, tuple)):
        return len(value)
    return None


def _check_int(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise LimitExceeded(f"模板中的数过大（约 {int(bits * 0.30103):,} 位），已停止；报告里不需要这样的数")


# printf-style conversions: flags, width, precision (what "%" and the format filter expand)
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")
_DIGITS = re.compile(r"\d+")


def _longest(values: Iterable[Any]) -> int:
    return max((len(v) if isinstance(v, str) else len(str(v)) for v in values), default=0)


def _check_percent(fmt: str, args: Any) -> None:
    """``fmt % args`` cannot build more than MAX_VALUE: widths, precisions and what they repeat."""
    values = list(args.values()) if isinstance(args, dict) else list(args) if isinstance(args, tuple) else [args]
    longest = _longest(values)
    total = len(fmt)
    for m in _PERCENT.finditer(fmt):
        for part in (m.group(1), m.group(2)):
            if part == "*":
                raise LimitExceeded("模板中 % 格式的宽度不能用 * 指定；请直接写数字")
            if part is not None:
                _check_size(int(part))
                total += int(part)
        total += longest
    _check_size(total)


def _check_format(fmt: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """``fmt.format(...)``: no nested fields in a spec, no width over MAX_VALUE, no blown-up result."""
    longest = _longest([*args, *kwargs.values()])
    total = len(fmt)
    try:
        parsed = list(Formatter().parse(fmt))
    except ValueError:
        return  # format() itself will say what is wrong
    for _, field, spec, _ in parsed:
        if field is None:
            continue
        spec = spec or ""
        if "{" in spec:
            raise LimitExceeded("模板中 format 的格式说明里不能再嵌套 {…}；请直接写数字")
        for digits in _DIGITS.findall(spec):
            _check_size(int(digits))
            total += int(digits)
        total += longest
    _check_size(total)


class GuardedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` through the environment (size-checked) and makes every ``{% for %}`` tick."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if all(isinstance(n, nodes.Const) for n in node.nodes):
            super().visit_Concat(node, frame)  # constants from the template's own text: small
            return
        self.write("environment.guarded_join((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        it = node.iter
        if not (isinstance(it, nodes.Call) and isinstance(it.node, nodes.EnvironmentAttribute)
                and it.node.name == "ticking"):
            node.iter = nodes.Call(nodes.EnvironmentAttribute("ticking", lineno=it.lineno), [it], [], None, None,
                                   lineno=it.lineno)
        super().visit_For(node, frame)


# Built-in filters that can build far more than they are given: checked before they run.
def _filter_guards() -> dict[str, Callable[..., Any]]:
    center, indent, fmt, replace = FILTERS["center"], FILTERS["indent"], FILTERS["format"], FILTERS["replace"]
    join, batch, slice_, wordwrap = FILTERS["join"], FILTERS["batch"], FILTERS["slice"], FILTERS["wordwrap"]

    def g_center(value: Any, width: int = 80) -> Any:
        _check_size(int(width))
        return center(value, width)

    def g_indent(s: Any, width: Any = 4, first: bool = False, blank: bool = False) -> Any:
        text = str(s)
        size = int(width) if not isinstance(width, str) else len(width)
        _check_size(size)
        _check_size(len(text) + (text.count("\n") + 1) * size)
        return indent(s, width, first, blank)

    def g_format(value: Any, *args: Any, **kwargs: Any) -> Any:
        _check_percent(str(value), kwargs or args)
        return fmt(value, *args, **kwargs)

    def g_replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: int | None = None) -> Any:
        text, o, n = str(s), str(old), str(new)
        hits = text.count(o) if o else len(text) + 1
        if count is not None and count >= 0:
            hits = min(hits, int(count))
        _check_size(len(text) + hits * max(len(n) - len(o), 0))
        return replace(eval_ctx, s, old, new, count)

    g_replace.jinja_pass_arg = replace.jinja_pass_arg  # type: ignore[attr-defined]

    def g_join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> Any:
        items = list(value) if not isinstance(value, (list, tuple)) else value
        _check_size(len(items))
        _check_size(sum(len(x) if isinstance(x, str) else len(str(x)) for x in items)
                    + len(str(d)) * max(len(items) - 1, 0))
        return join(eval_ctx, items, d, attribute)

    g_join.jinja_pass_arg = join.jinja_pass_arg  # type: ignore[attr-defined]

    def g_batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
        _check_size(int(linecount))
        return batch(value, linecount, fill_with)

    def g_slice(value: Any, slices: int, fill_with: Any = None) -> Any:
        _check_size(int(slices))
        if int(slices) > 100_000:
            raise _too_big(int(slices))
        return slice_(value, slices, fill_with)

    def g_wordwrap(eval_ctx: Any, s: Any, width: int = 79, break_long_words: bool = True,
                   wrapstring: str | None = None, break_on_hyphens: bool = True) -> Any:
        text = str(s)
        lines = len(text) // max(int(width), 1) + text.count("\n") + 1
        _check_size(len(text) + lines * len(str(wrapstring or "\n")))
        return wordwrap(eval_ctx, s, width, break_long_words, wrapstring, break_on_hyphens)

    g_wordwrap.jinja_pass_arg = wordwrap.jinja_pass_arg  # type: ignore[attr-defined]

    return {"center": g_center, "indent": g_indent, "format": g_format, "replace": g_replace, "join": g_join,
            "batch": g_batch, "slice": g_slice, "wordwrap": g_wordwrap}


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 - jinja's names
    if int(n) > 100 or int(max) > 1000 or int(min) > int(max):
        raise LimitExceeded("lipsum 最多生成 100 段、每段最多 1000 个词，已停止")
    return generate_lorem_ipsum(n, html, min, max)


_SIZED_METHODS = {"ljust", "rjust", "center", "zfill"}
_REFUSED_METHODS = {"translate", "maketrans"}


class BoundedSandbox(SandboxedEnvironment):
    """The sandbox every report template renders in (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = GuardedCodeGenerator

    def __init__(self, *args: Any, budget: Budget | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.budget = budget or Budget()
        self.filters.update(_filter_guards())
        self.filters["sum"] = _sum
        self.globals["lipsum"] = _lipsum

    # --- ticks --------------------------------------------------------------------------------
    def ticking(self, iterable: Any) -> Iterator[Any]:
        tick = self.budget.tick
        for item in iterable:
            tick()
            yield item

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - jinja's form
        __self.budget.tick()
        inner = getattr(__obj, "__wrapped__", None)  # jinja's sandboxed str.format / format_map
        if inner is not None and isinstance(getattr(inner, "__self__", None), str):
            if inner.__name__ == "format_map" and args and isinstance(args[0], dict):
                _check_format(inner.__self__, (), args[0])
            elif inner.__name__ == "format":
                _check_format(inner.__self__, args, kwargs)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, (str, bytes, bytearray)):
            name = getattr(__obj, "__name__", "")
            if name in _REFUSED_METHODS:
                raise LimitExceeded(f"模板中不能使用 {name}")
            if name in _SIZED_METHODS and args:
                _check_size(int(args[0]))
            elif name == "expandtabs":
                _check_size(len(owner) * max(int(args[0]) if args else int(kwargs.get("tabsize", 8)), 1))
            elif name == "replace" and len(args) >= 2:
                old, new = args[0], args[1]
                hits = owner.count(old) if old else len(owner) + 1
                _check_size(len(owner) + hits * max(len(new) - len(old), 0))
            elif name == "join" and args:
                items = list(args[0])
                _check_size(len(items))
                _check_size(sum(len(x) for x in items if isinstance(x, (str, bytes))) + len(owner) * len(items))
                args = (items, *args[1:])
        elif isinstance(owner, (list, dict, set)):
            name = getattr(__obj, "__name__", "")
            if name in ("append", "insert", "add", "setdefault"):
                _check_size(len(owner) + 1)
            elif name in ("extend", "update") and args:
                more = args[0] if isinstance(args[0], (list, tuple, dict, set, str)) else list(args[0])
                _check_size(len(owner) + len(more))
                args = (more, *args[1:])
        elif getattr(__obj, "__name__", "") == "strftime" and args:
            _check_size(len(str(args[0])) * 16)
        return super().call(__context, __obj, *args, **kwargs)

    # --- sizes ---------------------------------------------------------------------------------
    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.budget.tick()
        if operator == "*":
            if isinstance(left, int) and isinstance(right, int):
                _check_int(left.bit_length() + right.bit_length())
            else:
                size, times = (_sized(left), right) if _sized(left) is not None else (_sized(right), left)
                if size is not None and isinstance(times, int):
                    _check_size(size * max(times, 0))
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0:
                _check_int(max(left.bit_length(), 1) * right if abs(left) > 1 else 1)
        elif operator == "+":
            a, b = _sized(left), _sized(right)
            if a is not None and b is not None:
                _check_size(a + b)
        elif operator == "%" and isinstance(left, str):
            _check_percent(left, right)
        return super().call_binop(context, operator, left, right)

    def guarded_join(self, values: Iterable[Any]) -> str:
        """``a ~ b ~ c``."""
        parts = [v if isinstance(v, str) else str(v) for v in values]
        _check_size(sum(map(len, parts)))
        return "".join(parts)

    def concat(self, pieces: Iterable[str]) -> str:  # type: ignore[override]
        """What a macro, ``{% set %}`` block, ``{% filter %}`` or ``caller()`` produced, joined: output
        to be, so bounded like the output (a macro may well hold a whole 附件 table)."""
        parts = pieces if isinstance(pieces, list) else list(pieces)
        size = sum(map(len, parts))
        if size > MAX_OUTPUT:
            raise LimitExceeded(f"模板要生成的一段内容超过 {MAX_OUTPUT // 10_000} 万个字符（{size:,}），已停止；"
                                "请检查模板中的循环")
        return "".join(parts)


@jinja2.pass_environment
def _sum(environment: BoundedSandbox, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
    """``sum`` one addition at a time, each checked and ticked (summing lists is quadratic inside C)."""
    if attribute is not None:
        iterable = map(make_attrgetter(environment, attribute), iterable)
    total = start
    for value in iterable:
        total = environment.call_binop(None, "+", total, value)
    return total


# --- where templates may come from -------------------------------------------------------------

def _is_link(st: os.stat_result) -> bool:
    if stat.S_ISLNK(st.st_mode):
        return True
    return bool(getattr(st, "st_file_attributes", 0) & getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0))


class FolderLoader(jinja2.BaseLoader):
    """Templates that are regular files under ``root``, reached without symbolic links or junctions.

    ``own``: the repository's folder (its loading starts the time limit; the folder itself may not
    be a link either). The built-in folder is hjp's own installation, trusted as it is installed
    (a package manager may install it through links): there only the file itself is checked.
    """

    def __init__(self, root: Path, *, own: bool, budget: Budget):
        self.root = root
        self.own = own
        self.budget = budget

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        path = self.root.joinpath(*pieces)
        where = ("templates/" if self.own else "") + "/".join(pieces)
        # (path, as shown): the folder itself for the repository's, then each component down to the file
        chain = [(self.root, "templates 目录")] if self.own else []
        prefix = "templates/" if self.own else ""
        for i in range(1, len(pieces) + 1):
            chain.append((self.root.joinpath(*pieces[:i]), f"模板 {prefix}{'/'.join(pieces[:i])} "))
        look = os.lstat if self.own else os.stat
        st = None
        for step, shown in chain:
            try:
                st = look(step)
            except (FileNotFoundError, NotADirectoryError):
                raise jinja2.TemplateNotFound(template) from None
            except OSError as exc:
                raise RefusedFile(f"无法读取模板 {where}（{exc.strerror or exc}）") from None
            if _is_link(st):
                target = os.readlink(step) if stat.S_ISLNK(st.st_mode) else "别处"
                raise RefusedFile(f"{shown}是指向 {target} 的符号链接，不予读取（模板只从 templates/ 下的普通文件读取）；"
                                  "请把模板文件本身放进 templates/ 目录")
        assert st is not None
        if not stat.S_ISREG(st.st_mode):
            if stat.S_ISDIR(st.st_mode):
                raise jinja2.TemplateNotFound(template)
            raise RefusedFile(f"模板 {where} 不是普通文件，不予读取")
        if st.st_size > MAX_TEMPLATE_BYTES:
            raise RefusedFile(f"模板 {where} 有 {st.st_size:,} 字节，超过 {MAX_TEMPLATE_BYTES >> 20} MB 上限，不予读取")
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        if self.own:
            flags |= getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            raise RefusedFile(f"无法读取模板 {where}（{exc.strerror or exc}）") from None
        with os.fdopen(fd, "rb") as f:
            opened = os.fstat(f.fileno())
            if (opened.st_dev, opened.st_ino) != (st.st_dev, st.st_ino) or not stat.S_ISREG(opened.st_mode):
                raise RefusedFile(f"模板 {where} 在读取时被替换，不予读取；请重试")
            data = f.read(MAX_TEMPLATE_BYTES + 1)
        if len(data) > MAX_TEMPLATE_BYTES:
            raise RefusedFile(f"模板 {where} 超过 {MAX_TEMPLATE_BYTES >> 20} MB 上限，不予读取")
        try:
            source = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RefusedFile(f"模板 {where} 不是 UTF-8 编码；请在编辑器中“另存为 UTF-8”") from None
        if self.own:
            self.budget.timed = True
        mtime = opened.st_mtime_ns

        def uptodate() -> bool:
            try:
                return os.stat(path).st_mtime_ns == mtime
            except OSError:
                return False

        return source, str(path), uptodate

    def list_templates(self) -> list[str]:  # pragma: no cover - not used by hjp
        return []
