"""``hjp export xlsx``: the ledger as one sheet per kind (隐患、任务、演练、单位、检查、培训), with the
derived status and deadline state as of a date, or filled into the clerk's own template.

``export_sheets`` builds the view-model (pure: ledger and date in, rows out, generated lazily so a
100,000-hazard ledger is never held twice); ``write_workbook`` streams it through ``hjp.xlsxout``;
``fill_template`` writes it below the header row of the clerk's sheet with openpyxl (the one library
that edits a workbook and keeps its title rows, styles and sign-off lines).

A 举报人's identity is never exported: there is no such column, and a template's 举报人 column is
left empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from hjp.sheetcols import COLUMNS, DERIVED, KIND_ORDER, SHEET_NAMES, Column, model_fields
from hjp.xlsxout import Column as OutColumn
from hjp.xlsxout import Workbook, text_width

if TYPE_CHECKING:
    from hjp.deadlines import Findings, Item
    from hjp.load import Ledger

EVERY_LABEL = {"month": "每月", "quarter": "每季度", "year": "每年"}
NEVER_EXPORTED = {("reporter",)}

# The lists inside a record, each a sheet of its own (one row per entry), keyed by the record's ID:
# a task's milestones, occurrences and progress; a training's attendees. kind -> (ID header, lists).
CHILDREN: dict[str, tuple[str, dict[str, tuple[str, tuple[Column, ...]]]]] = {
    "task": ("任务编号", {
        "milestones": ("阶段目标", (Column(("due",), "目标期限", "date", (), 12),
                                   Column(("what",), "目标内容", "text", (), 36),
                                   Column(("done_on",), "完成日期", "date", (), 12),
                                   Column(("evidence",), "佐证材料", "paths", (), 24))),
        "occurrences": ("落实记录", (Column(("date",), "落实日期", "date", (), 12),
                                    Column(("note",), "落实情况", "text", (), 36),
                                    Column(("evidence",), "佐证材料", "paths", (), 24))),
        "progress": ("进展", (Column(("date",), "日期", "date", (), 12), Column(("note",), "进展情况", "text", (), 36),
                             Column(("evidence",), "佐证材料", "paths", (), 24))),
    }),
    "training": ("培训编号", {
        "attendees": ("参训人员", (Column(("unit",), "所在单位", "text", (), 14), Column(("name",), "姓名", "text", (), 10),
                                  Column(("role",), "身份", "text", (), 12))),
    }),
}


@dataclass
class ExportSheet:
    kind: str  # a kind noun, or "task.milestones" etc. for a record's lists, or "about"
    name: str
    columns: list[OutColumn]
    paths: list[tuple[str, ...] | str]  # a field path, or a derived key ("village", "status"…)
    rows: Callable[[], Iterator[tuple[list[Any], str | None]]]  # (values, tone) – a fresh iterator each call
    count: int = 0
    freeze_cols: int | None = 1


@dataclass
class _States:
    """Per record ID: the findings about it as of the date (for 期限状态, 逾期天数 and the row's tone)."""

    by_id: dict[str, list[tuple[str, "Item"]]] = field(default_factory=dict)

    @classmethod
    def of(cls, findings: "Findings") -> "_States":
        s = cls()
        for bucket, items in findings.buckets().items():
            for item in items:
                s.by_id.setdefault(item.id, []).append((bucket, item))
        return s

    def describe(self, rid: str) -> tuple[str, int | None, str | None]:
        """(期限状态, 逾期天数, tone) of a record, in the words of ``hjp overdue`` (hjp.status)."""
        from hjp.status import DeadlineState

        found = self.by_id.get(rid, [])
        overdue = [i for b, i in found if b == "overdue"]
        if overdue:
            worst = max(i.days for i in overdue)
            word = DeadlineState.OVERDUE.label
            if len(overdue) > 1:
                return f"{word}（{len(overdue)}项）", worst, "overdue"
            i = overdue[0]
            what = {"milestone": "阶段目标", "occurrence": i.title[i.title.rfind("（") + 1:].rstrip("）"),
                    "coverage": f"{i.due.year}年度疏散逃生演练", "inspection": "主要负责人带队检查"}.get(i.kind)
            return (f"{word}：{what}" if what else word), worst, "overdue"
        if any(b == "awaiting_closure" for b, _i in found):
            return DeadlineState.AWAITING_CLOSURE.label, None, "overdue"
        if any(b == "stale" for b, _i in found):
            return DeadlineState.STALE.label, None, "soon"
        soon = [i for b, i in found if b == "due_soon"]
        if soon:
            d = min(-i.days for i in soon)
            return f"{DeadlineState.DUE_SOON.label}（{'今天' if d == 0 else f'{d}天后'}）", None, "soon"
        return "", None, None


def _get(record: Any, path: tuple[str, ...]) -> Any:
    v = record
    for p in path:
        v = getattr(v, p, None)
        if v is None:
            return None
    return v


def cell_value(value: Any, col: Column, unit_names: dict[str, str]) -> Any:
    """A field's value as an export cell: dates stay dates, lists become text."""
    if value is None:
        return None
    t = col.type
    if t == "unit":
        return unit_names.get(value, value)
    if t == "list":
        return "、".join(str(v) for v in value) or None
    if t == "paths":
        return "\n".join(str(v) for v in value) or None
    if t == "bool":
        return "是" if value else "否"
    if t == "every":
        return EVERY_LABEL.get(value, value)
    if isinstance(value, (date, int, float, str)):
        return value
    return str(value)


def export_sheets(ledger: "Ledger", *, as_of: date, village: str | None = None) -> list[ExportSheet]:
    """The sheets of an export, in the order 隐患、任务、演练、单位、检查、培训 (a kind's sheet is there
    even when it has no records), then a task's lists, then 说明."""
    from hjp import kinds
    from hjp.deadlines import compute

    states = _States.of(compute(ledger, as_of=as_of, village=village))
    unit_names: dict[str, str] = {}
    for slug, u in ledger.units():
        unit_names.setdefault(u.id, u.name)
    village_names = {slug: v.name for slug, v in ledger.villages.items()}
    sheets: list[ExportSheet] = []
    for noun in KIND_ORDER:
        kind = kinds.BY_NOUN.get(noun)
        if kind is None:
            continue
        fields = model_fields(noun) or set()
        cols = [c for c in COLUMNS[noun] if c.path in fields and c.path not in NEVER_EXPORTED]
        records = [(slug, r) for slug, r in ledger.records_of(kind) if village is None or slug == village]
        sheets.append(_record_sheet(noun, cols, records, kind.village, states, unit_names, village_names,
                                    ledger, as_of))
        if noun in CHILDREN:
            parent, lists = CHILDREN[noun]
            for attr, (name, child_cols) in lists.items():
                sheets.append(_child_sheet(f"{noun}.{attr}", name, attr, child_cols, records, parent))
    return sheets


def _record_sheet(noun: str, cols: list[Column], records: list[tuple[str | None, Any]], per_village: bool,
                  states: _States, unit_names: dict[str, str], village_names: dict[str, str],
                  ledger: "Ledger", as_of: date) -> ExportSheet:
    id_col = cols[0]
    rest = cols[1:]
    paths: list[tuple[str, ...] | str] = [id_col.path]
    headers = [id_col]
    if per_village:
        paths.append("village")
        headers.append(Column(("village",), DERIVED["village"][0], "text", (), 10))
    for c in rest:
        paths.append(c.path)
        headers.append(c)
    for key, width in (("status", 10), ("deadline_state", 16), ("days", 8)):
        paths.append(key)
        headers.append(Column((key,), DERIVED[key][0], "text", (), width))
    status = _status_function(noun, ledger, as_of)

    def rows() -> Iterator[tuple[list[Any], str | None]]:
        for slug, r in records:
            state, days, tone = states.describe(r.id) if r.void is None else ("", None, None)
            values: list[Any] = [r.id]
            if per_village:
                values.append(village_names.get(slug, slug) if slug else "镇级")
            values.extend(cell_value(_get(r, c.path), c, unit_names) for c in rest)
            values.extend((status(r), state, days))
            yield values, tone

    return ExportSheet(noun, SHEET_NAMES[noun], _widths(headers, rows), paths, rows, len(records))


def _status_function(noun: str, ledger: "Ledger", as_of: date) -> Callable[[Any], str]:
    """A record's derived status in the one wording of hjp.status (hjp show and hjp list say the same)."""
    from hjp.lookup import status_function

    return status_function(noun, ledger, as_of)


def _child_sheet(kind: str, name: str, attr: str, cols: tuple[Column, ...],
                 records: list[tuple[str | None, Any]], parent_header: str) -> ExportSheet:
    parent = Column(("parent",), parent_header, "id", (), 12)
    headers = [parent, Column(("n",), "序号", "int", (), 6), *cols]
    paths: list[tuple[str, ...] | str] = ["task", "seq", *(c.path for c in cols)]
    count = sum(len(getattr(r, attr) or []) for _s, r in records)

    def rows() -> Iterator[tuple[list[Any], str | None]]:
        for _slug, r in records:
            for n, entry in enumerate(getattr(r, attr) or [], 1):
                yield [r.id, n, *(cell_value(_get(entry, c.path), c, {}) for c in cols)], None

    return ExportSheet(kind, name, _widths(headers, rows), paths, rows, count)


def _widths(headers: list[Column], rows: Callable[[], Iterator[tuple[list[Any], str | None]]],
            sample: int = 1000) -> list[OutColumn]:
    """Column widths that fit the header and the first ``sample`` rows (Chinese characters count
    twice), long text capped and wrapped."""
    widest = [text_width(h.header) + 2 for h in headers]
    for n, (values, _tone) in enumerate(rows()):
        if n >= sample:
            break
        for i, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, date):
                w = 10
            else:
                w = max(text_width(line) for line in str(v).split("\n"))
            if w + 2 > widest[i]:
                widest[i] = w + 2
    out = []
    for h, w in zip(headers, widest):
        cap = 50 if h.type == "text" else 30
        out.append(OutColumn(h.header, float(min(max(w, 6), cap)), wrap=w > cap))
    return out


def about_rows(ledger: "Ledger", as_of: date, village: str | None, sheets: list[ExportSheet]) -> list[list[str]]:
    town = ledger.town
    rows = [["台账", (town.name if town else "") + ("（" + village + "）" if village else "")],
            ["统计日", as_of.isoformat()],
            ["说明", "“状态”“期限状态”“逾期天数”按统计日计算，不是台账中的内容；导入时忽略这几列。"],
            ["颜色", "红色：已逾期或整改完成后超过30天未验收销号；黄色：7天内到期，或长期坚持的任务90天无进展。"],
            ["举报人", "举报人身份保密，不导出。"]]
    rows.extend([[s.name, f"{s.count} 条"] for s in sheets])
    return rows


def write_workbook(path: Path, sheets: list[ExportSheet], *, about: list[list[str]] | None = None,
                   progress: Callable[[int], None] | None = None) -> None:
    """Every sheet into ``path`` (written beside it and renamed over it)."""
    wb = Workbook(path)
    try:
        done = 0
        for s in sheets:
            out = wb.sheet(s.name, s.columns, freeze_cols=s.freeze_cols)
            for values, tone in s.rows():
                out.row(values, tone)
                done += 1
                if progress is not None and done % 1000 == 0:
                    progress(1000)
        if about:
            out = wb.sheet("说明", [OutColumn("项目", 10), OutColumn("内容", 80, wrap=True)], freeze_cols=None,
                           autofilter=False)
            for row in about:
                out.row(row)
        if progress is not None:
            progress(done % 1000)
    except BaseException:
        wb.abort()
        raise
    wb.close()


# ---------------------------------------------------------------------------------------------
# The clerk's own template


class TemplateError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Filled:
    sheet: str
    kind: str
    rows: int
    header_row: int
    unmatched: list[str]  # template headers nothing was written into
    reporter: bool = False  # the template had a 举报人 column (left empty)


def fill_template(template: Path, out: Path, sheets: list[ExportSheet], *, as_of: date,
                  village_name: str | None = None) -> list[Filled]:
    """Fill each sheet of ``template`` whose header names a kind with that kind's records, below its
    header row; title rows, styles, merged cells and sign-off lines below stay as they were."""
    import io

    import openpyxl

    from hjp.files import write_atomic
    from hjp.sheetread import _SIGNOFF, _SUBTOTAL, RawSheet, SheetError, locate_table

    if not template.is_file():
        raise TemplateError(f"找不到模板 {template}；请检查文件名和路径")
    try:
        wb = openpyxl.load_workbook(template)
    except Exception:  # zipfile, XML and openpyxl's own errors: all mean "not a workbook it can edit"
        raise TemplateError(f"模板 {template} 无法打开（须是未加密、未损坏的 .xlsx）；"
                            "请在 Excel 或 WPS 中打开后“另存为” .xlsx 再用") from None
    by_kind = {s.kind: s for s in sheets}
    fields = {k: model_fields(k) for k in COLUMNS}
    filled: list[Filled] = []
    for ws in wb.worksheets:
        rows = [(r[0].row, [c.value for c in r]) for r in ws.iter_rows(max_row=min(ws.max_row, 40))
                if any(c.value not in (None, "") for c in r)]
        raw = RawSheet(f"{template.name}!{ws.title}", ws.title, rows,
                       [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges])
        try:
            table = locate_table(raw, kind=None, fields={k: v for k, v in fields.items() if k in by_kind})
        except SheetError:
            continue
        export = by_kind.get(table.kind)
        if export is None:
            continue
        filled.append(_fill_sheet(ws, table, export, as_of, village_name, _SIGNOFF, _SUBTOTAL))
    if not filled:
        raise TemplateError(f"模板 {template} 中没有能认出表头的工作表；表头须含“隐患名称”“整改时限”等列名")
    buf = io.BytesIO()
    wb.save(buf)
    write_atomic(out, buf.getvalue())
    return filled


def _fill_sheet(ws: Any, table: Any, export: ExportSheet, as_of: date, village_name: str | None,
                signoff: Any, subtotal: Any) -> Filled:
    from copy import copy

    header = table.header_rows[-1]
    first = header + 1
    # The form's end: the first sign-off or 合计 line below the header (it and what follows stay).
    end = ws.max_row + 1
    for r in range(first, ws.max_row + 1):
        texts = [str(ws.cell(r, c).value).strip() for c in range(1, min(ws.max_column, 6) + 1)
                 if ws.cell(r, c).value not in (None, "")]
        if texts and (signoff.match(texts[0]) or subtotal.match(texts[0])):
            end = r
            break
    targets: list[tuple[int, int | str | None]] = []  # (column, index into the export row or "seq")
    unmatched: list[str] = []
    reporter = False
    index = {p: i for i, p in enumerate(export.paths)}
    for col in table.columns:
        m = col.match
        if m is not None and m.column is not None and m.column.path == ("reporter",):
            reporter = True
            targets.append((col.index, None))
        elif m is not None and m.column is not None and m.column.path in index:
            targets.append((col.index, index[m.column.path]))
        elif m is not None and m.derived == "seq":
            targets.append((col.index, "seq"))
        elif m is not None and m.derived in index:
            targets.append((col.index, index[m.derived]))
        else:
            unmatched.append(str(col.header).replace("\n", ""))
    records = list(export.rows())
    room = end - first
    if len(records) > room:
        extra = len(records) - room
        _insert_rows(ws, end, extra)
        style_row = first if room > 0 else header
        for r in range(end, end + extra):
            for c in range(1, ws.max_column + 1):
                src = ws.cell(style_row, c)
                if src.has_style:
                    ws.cell(r, c)._style = copy(src._style)
            if ws.row_dimensions[style_row].height is not None:
                ws.row_dimensions[r].height = ws.row_dimensions[style_row].height
    for n, (values, _tone) in enumerate(records):
        r = first + n
        for c, what in targets:
            v = n + 1 if what == "seq" else (values[what] if isinstance(what, int) else None)
            cell = ws.cell(r, c)
            cell.value = v
            if isinstance(v, date) and cell.number_format in ("General", None):
                cell.number_format = "yyyy-mm-dd"
    _fill_meta(ws, header, village_name, as_of)
    return Filled(ws.title, export.kind, len(records), header, unmatched, reporter)


def _insert_rows(ws: Any, at: int, n: int) -> None:
    """openpyxl's insert_rows moves cells but not merged ranges or row heights: move those too."""
    heights = {r: ws.row_dimensions[r].height for r in range(at, ws.max_row + 1)
               if ws.row_dimensions[r].height is not None}
    merged = [m for m in ws.merged_cells.ranges if m.min_row >= at]
    for m in merged:
        ws.unmerge_cells(str(m))
    ws.insert_rows(at, n)
    for m in merged:
        m.shift(0, n)
        ws.merge_cells(str(m))
    for r in heights:
        ws.row_dimensions[r].height = None
    for r, h in heights.items():
        ws.row_dimensions[r + n].height = h


def _fill_meta(ws: Any, header: int, village_name: str | None, as_of: date) -> None:
    """“填报单位：” and “填报日期：” left blank above the header get the village and the date."""
    for row in ws.iter_rows(min_row=1, max_row=max(header - 1, 0)):
        for cell in row:
            v = cell.value
            if not isinstance(v, str):
                continue
            s = v.rstrip()
            if s.endswith(("填报单位：", "填报单位:")) and village_name:
                cell.value = f"{s}{village_name}"
            elif s.endswith(("填报日期：", "填报日期:", "填表日期：", "填表日期:")):
                cell.value = f"{s}{as_of.year}年{as_of.month}月{as_of.day}日"
