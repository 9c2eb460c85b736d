"""The hazard chart: found and closed per month (bars), open 重大 at each month's end (line), as PNG.

matplotlib is imported only here and only when a chart is drawn (importing it costs ~0.9 s).
Chinese labels need a CJK font: we look for one among the fonts matplotlib knows (Noto Sans CJK,
WenQuanYi, SimHei, Microsoft YaHei, …). Without one, ``find_cjk_font`` returns None and the caller
leaves the chart out rather than print boxes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:  # the child process (see _main) must not pay for the ledger modules
    from hjp.report.viewmodel import MonthPoint

# Preferred families first; any font whose name says CJK/SC/Hei/Song follows.
PREFERRED = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Noto Serif CJK SC", "Source Han Sans SC",
    "Source Han Sans CN", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei",
    "PingFang SC", "Heiti SC", "STHeiti", "SimSun", "FangSong", "Droid Sans Fallback", "AR PL UMing CN",
)
_HINTS = ("CJK", " SC", "Hei", "Song", "WenQuanYi", "YaHei", "Ming", "Kai", "Fang")


def find_cjk_font() -> tuple[str, Path] | None:
    """(family, file) of a font with Chinese glyphs, or None.

    matplotlib caches the system's font list the first time it runs: fonts installed after that
    (``apt-get install fonts-noto-cjk`` after a first chart) are not in it. When the cached list has
    no CJK font, the system's font files are looked at once more and any CJK ones added.
    """
    from matplotlib import font_manager

    found = _pick(font_manager.fontManager.ttflist)
    if found is not None:
        return found
    # Reading a CJK font file costs a good fraction of a second: add them one at a time, the likeliest
    # first (a regular sans, then any), and stop at the first that gives a family we can use.
    files = [p for p in font_manager.findSystemFonts() if any(h.lower() in Path(p).name.lower() for h in _FILE_HINTS)]
    files.sort(key=lambda p: ("sans" not in p.lower(), "regular" not in p.lower(), p))
    for path in files:
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):  # pragma: no cover - an unreadable font file
            continue
        found = _pick(font_manager.fontManager.ttflist)
        if found is not None:
            return found
    return None


_FILE_HINTS = ("CJK", "wqy", "SourceHan", "simhei", "simsun", "simfang", "msyh", "fangsong", "droidsansfallback",
               "uming", "ukai", "NotoSansSC", "NotoSerifSC")


def _pick(entries: Any) -> tuple[str, Path] | None:
    by_name: dict[str, Path] = {}
    for entry in entries:
        by_name.setdefault(entry.name, Path(entry.fname))
    for name in PREFERRED:
        if name in by_name:
            return name, by_name[name]
    for name, path in sorted(by_name.items()):
        if any(h in name for h in _HINTS):
            return name, path
    return None


def figure(points: Sequence[MonthPoint], *, font: tuple[str, Path]) -> Any:
    """The chart as a matplotlib Figure.

    One y scale for all three series (they are all counts of hazards), whole-number ticks, the legend
    above the plot, and no title: the document's caption (图1 …) says what it shows.
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import font_manager
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    _family, path = font
    prop = font_manager.FontProperties(fname=str(path))  # renders from the file: no need to register it
    months = [p.month for p in points]
    x = list(range(len(points)))
    fig = Figure(figsize=(8, 4.2), dpi=150)
    ax = fig.add_subplot(1, 1, 1)
    width = 0.4
    ax.bar([i - width / 2 for i in x], [p.found for p in points], width, label="发现隐患（项/月）", color="#4472c4")
    ax.bar([i + width / 2 for i in x], [p.closed for p in points], width, label="销号隐患（项/月）", color="#70ad47")
    ax.plot(x, [p.open_major for p in points], color="#c00000", marker="o", markersize=3, linewidth=1.5,
            label="未销号重大隐患（月末，项）")
    ax.set_ylabel("隐患（项）", fontproperties=prop)
    top = max([max(p.found, p.closed, p.open_major) for p in points] + [1])
    ax.set_ylim(0, top * 1.1 + 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    for label in ax.get_yticklabels():
        label.set_fontproperties(prop)
    step = max(1, len(points) // 12)
    ax.set_xticks(x[::step])
    ax.set_xticklabels(months[::step], rotation=45, ha="right", fontproperties=prop, fontsize=8)
    ax.legend(prop=prop, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False, fontsize=8)
    ax.grid(axis="y", linewidth=0.3, alpha=0.5)
    fig.tight_layout()
    return fig


def render_png(points: Sequence[MonthPoint], *, font: tuple[str, Path]) -> bytes:
    """The chart as PNG bytes (deterministic: no timestamp in the file)."""
    buf = io.BytesIO()
    figure(points, font=font).savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


NO_FONT_EXIT = 3


CHART_ALT = "隐患发现、销号情况和未销号重大隐患"
NO_FONT = ("系统中没有中文字体（如 Noto Sans CJK、文泉驿、黑体），报告中不含图表；"
           "安装中文字体后重新生成即可（Debian/Ubuntu：apt-get install fonts-noto-cjk）")


class PendingChart:
    """The chart drawn in a child process (``python -m hjp.report.chart``), started early: it imports
    matplotlib while the parent reads the ledger, gets the figures by ``send``, and is read by ``result``.

    It lives here, in a module that imports nothing heavy, so that the CLI can start it first of all.
    """

    def __init__(self) -> None:
        import subprocess
        import sys

        self.proc = subprocess.Popen([sys.executable, "-m", "hjp.report.chart"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.sent = False

    def send(self, months: Sequence[MonthPoint]) -> None:
        import json

        self.sent = True
        data = json.dumps([{"month": p.month, "found": p.found, "closed": p.closed, "open_major": p.open_major}
                           for p in months]).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.close()

    def _drain(self) -> tuple[bytes, bytes]:
        # The child writes its PNG, then exits; stderr stays small, so reading one after the other is safe.
        out = err = b""
        if self.proc.stdout is not None and not self.proc.stdout.closed:  # cancel() may follow result()
            out = self.proc.stdout.read()
            self.proc.stdout.close()
        if self.proc.stderr is not None and not self.proc.stderr.closed:
            err = self.proc.stderr.read()
            self.proc.stderr.close()
        return out, err

    def cancel(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        self.proc.kill()
        self._drain()
        self.proc.wait()

    def result(self, notices: list[str]) -> bytes | None:
        out, err = self._drain()
        code = self.proc.wait()
        if code == 0 and out.startswith(b"\x89PNG"):
            return out
        if code == NO_FONT_EXIT:
            notices.append(NO_FONT)
        else:
            last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"退出码 {code}"]
            notices.append(f"图表生成失败（{last[0]}），报告中不含图表")
        return None




def _main() -> int:
    """``python -m hjp.report.chart`` < months JSON > PNG: lets the CLI draw while it builds the document.

    Started before the ledger is even read: it imports matplotlib and looks for a font first, then
    waits for the data. Empty input means "not needed after all". Exit 3: no CJK font.
    """
    import json
    import sys
    from types import SimpleNamespace

    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.figure  # noqa: F401  (warm up while the parent works)

    font = find_cjk_font()
    raw = sys.stdin.buffer.read()
    if not raw:
        return 0
    if font is None:
        return NO_FONT_EXIT
    points = [SimpleNamespace(**p) for p in json.loads(raw)]
    sys.stdout.buffer.write(render_png(points, font=font))  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
