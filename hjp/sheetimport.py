"""``hjp import xlsx``: the rows of a clerk's 台账 as ledger records, matched against what the ledger
already holds, so that importing the same sheet twice adds nothing the second time.

``read_rows`` turns a located table (``hjp.sheetread``) into candidate records: each mapped cell
read into its field's type, defaults from the row's unit (its sector) and from ``--set``, columns
hjp has no field for kept in the notes, each problem a diagnostic at the sheet's own row.
``match`` then sorts the candidates against the ledger: by the ID column when there is one, else
by the kind's natural key (a hazard: unit + 发现日期 + normalised title + 部位). A row equal to an
existing record is skipped and counted; a row that matches but differs is a conflict, never
applied. What is left is added by the command, in one transaction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Iterable

from hjp.diagnostics import Diagnostic, Severity, error, warning
from hjp.messages import part
from hjp.errors import HjpError
from hjp.sheetcols import COLUMNS, match_header, normalize_header
from hjp.sheetread import CellError, Table, TableColumn, cell_ref, convert, is_empty, locate_table, open_sheet

if TYPE_CHECKING:
    from pathlib import Path

    from hjp.load import Ledger

# Words a 状态 column may hold that say nothing the dates do not (export's own and clerks' usual).
_STATUS_WORDS = re.compile(r"^(已销号|已整改(待验收)?(（.*）)?|整改中|未整改|逾期未整改(（.*）)?|已完成|未完成|已逾期(（.*）)?|"
                           r"未到期|长期坚持(（.*）)?|已作废|在营|已关闭|未开业|已实施|未实施|是|否|完成|正常|"
                           r"（统计日尚未发现）)$")


_DONE_WORDS = {"已整改", "已完成", "完成", "已销号", "是", "已整改待验收", "整改完成", "已处理"}


@dataclass
class Candidate:
    """One data row as a record of the ledger (not yet numbered unless the sheet gave its ID)."""

    row: int
    kind: str
    village: str | None
    record: dict[str, Any]
    cells: dict[tuple[str, ...], int] = field(default_factory=dict)  # field path -> its column (1-based)
    reporter: str | None = None  # a 举报人 column's text: sealed, never written in clear
    unit_text: str | None = None  # the unit as written, when it names no unit yet
    given: set[tuple[str, ...]] = field(default_factory=set)  # the fields the sheet (or --set) gave
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # a task's lists, by field

    @property
    def id(self) -> str | None:
        return self.record.get("id")

    def ref(self, path: tuple[str, ...]) -> str:
        """The cell a field came from ("C5"), or "" when it came from a default."""
        col = self.cells.get(path)
        return cell_ref(self.row, col) if col else ""


@dataclass
class Rows:
    kind: str
    candidates: list[Candidate]
    diagnostics: list[Diagnostic]
    skipped: dict[str, int]
    notes_columns: list[str]  # headers whose contents went into notes
    defaults: dict[tuple[str, ...], Any] = field(default_factory=dict)  # --set, after the row's unit
    merged: set[tuple[int, tuple[str, ...]]] = field(default_factory=set)  # (row, field) under a merge (HJP616)


def _set(record: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    d = record
    for p in path[:-1]:
        d = d.setdefault(p, {})
    d[path[-1]] = value


def _get(record: Any, path: tuple[str, ...]) -> Any:
    v = record
    for p in path:
        if v is None:
            return None
        v = v.get(p) if isinstance(v, dict) else getattr(v, p, None)
    return v


def required_paths(kind: str) -> list[tuple[str, ...]]:
    """The fields a record of ``kind`` must have (nested one level), in model order; the ID aside."""
    from hjp import kinds
    from hjp.sheetcols import _submodel

    model = kinds.BY_NOUN[kind].model_cls()
    out: list[tuple[str, ...]] = []
    for name, info in model.model_fields.items():
        if name == "id" or not info.is_required():
            continue
        sub = _submodel(info.annotation)
        if sub is not None:
            out.extend((name, s) for s, i in sub.model_fields.items() if i.is_required())
        else:
            out.append((name,))
    return out


def _setting_column(name: str, kind: str, fields: set[tuple[str, ...]] | None) -> Any:
    by_name = {".".join(c.path): c for c in COLUMNS[kind] if fields is None or c.path in fields}
    col = by_name.get(name)
    if col is None:
        m = match_header(name, kind, fields)
        col = m.column if m is not None else None
    return col


def _known_setting(item: str, kind: str, fields: set[tuple[str, ...]] | None) -> bool:
    name = item.partition("=")[0].strip()
    col = _setting_column(name, kind, fields) if name else None
    return col is not None and col.path != ("id",)


def parse_defaults(items: Iterable[str], kind: str, fields: set[tuple[str, ...]] | None,
                   vocab: dict[str, list[str]], *, lenient: bool = False) -> dict[tuple[str, ...], Any]:
    """``--set FIELD=VALUE`` (FIELD as in the ledger, e.g. sector or rectification.owner, or a column
    name such as 行业领域) as field path -> value; ValueError with the message for the clerk.
    ``lenient`` (several sheets): a field this kind does not have is left to the others."""
    out: dict[tuple[str, ...], Any] = {}
    by_name = {".".join(c.path): c for c in COLUMNS[kind] if fields is None or c.path in fields}
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            raise ValueError(f"--set {item} 应写成 字段=值，例如 --set sector=消防")
        col = _setting_column(name, kind, fields)
        if lenient and (col is None or col.path == ("id",)):
            continue
        if col is None or col.path == ("id",):
            known = "、".join(f"{k}（{c.header}）" for k, c in by_name.items() if k != "id")
            raise ValueError(f"--set {name}：{_kind_label(kind)}没有这个字段；可用：{known}")
        if col.path == ("reporter",):
            raise ValueError("--set 不能给举报人：举报人身份逐行填写，并且只存入密封文件")
        try:
            out[col.path] = convert(col, value, ref=f"--set {name}", vocab=vocab)
        except CellError as exc:
            raise ValueError(str(exc)) from None
    return out


def _kind_label(kind: str) -> str:
    from hjp import kinds

    k = kinds.BY_NOUN.get(kind)
    return k.label if k is not None else kind


def read_rows(table: Table, *, ledger: "Ledger", village: str | None, defaults: dict[tuple[str, ...], Any],
              vocab: dict[str, list[str]], fields: set[tuple[str, ...]] | None,
              progress: Any = None) -> Rows:
    """Every data row of ``table`` as a candidate record (see the module docstring)."""
    kind = table.kind
    raw = table.raw
    display = raw.display
    diags: list[Diagnostic] = list(table.diagnostics)
    cols = [c for c in table.columns]
    mapped = [c for c in cols if c.column is not None]
    village_col = next((c for c in cols if c.match is not None and c.match.derived == "village"), None)
    status_cols = [c for c in cols if c.match is not None and c.match.derived == "status"]
    ignored = {c.index for c in cols if c.match is not None and c.match.derived in ("deadline_state", "days", "seq")}
    extra = [c for c in cols if c.match is None and c.index not in ignored]
    villages = _village_names(ledger)
    # A column of plain numbers under 编号 is a 序号, not the ledger's IDs.
    id_col = next((c for c in mapped if c.column.path == ("id",)), None)
    if id_col is not None and table.rows and all(
            isinstance(v[id_col.index - 1], (int, float)) or str(v[id_col.index - 1] or "").strip().isdigit()
            for _r, v in table.rows if id_col.index - 1 < len(v) and v[id_col.index - 1] not in (None, "")):
        diags.append(warning("HJP618.serial", display, table.header_rows[-1], id_col.index,
                             cell=cell_ref(table.header_rows[-1], id_col.index), header=str(id_col.header)))
        mapped.remove(id_col)
        ignored.add(id_col.index)
    from hjp import kinds as kinds_mod

    prefix = kinds_mod.BY_NOUN[kind].prefix
    per_village = kinds_mod.BY_NOUN[kind].village
    notes_columns: list[str] = []
    out: list[Candidate] = []
    checked = mapped + extra + status_cols
    problems = bool(raw.unreadable or raw.pictures)
    # per mapped column, once: (position in the row, column, hint, path)
    readers = [(c.index - 1, c.column, c.hint, c.column.path, c) for c in mapped if c.column is not None]
    for n, (r, values) in enumerate(table.rows):
        if progress is not None and n % 500 == 0 and n:
            progress(500)
        cand = Candidate(r, kind, village if per_village else None, {})  # a town-only kind: at the top
        width = len(values)

        def cell(c: TableColumn) -> Any:
            return values[c.index - 1] if c.index - 1 < width else None

        bad = False
        if problems:
            for c in checked:
                if (r, c.index) in raw.unreadable and c.index not in ignored:
                    why = raw.unreadable[(r, c.index)]
                    diags.append(error("HJP614", display, r, c.index, cell=cell_ref(r, c.index), label=_label(c),
                                       why=why))
                    bad = True
                if (r, c.index) in raw.pictures:
                    diags.append(warning("HJP615", display, r, c.index, cell=cell_ref(r, c.index), label=_label(c)))
        record = cand.record
        for i, col, hint, path, c in readers:
            v = values[i] if i < width else None
            if v is None or (isinstance(v, str) and is_empty(v)):
                continue
            try:
                # the cell's name is only needed for a message: made on the (rare) error path
                value = convert(col, v, hint=hint, vocab=vocab) if col.type != "text" \
                    or not isinstance(v, str) else (v.strip() or None)
            except CellError:
                try:
                    convert(col, v, hint=hint, ref=cell_ref(r, c.index), vocab=vocab)
                except CellError as exc:
                    diags.append(error(exc.key, display, r, c.index, **exc.arguments))
                bad = True
                continue
            if value is None:
                continue
            if path == ("reporter",):
                cand.reporter = value
                cand.given.add(path)
                continue
            if path == ("id",) and not re.fullmatch(rf"{prefix}(-[A-Za-z0-9]+)+", str(value)):
                diags.append(error("HJP617.id", display, r, c.index, cell=cell_ref(r, c.index), value=str(value),
                                   label=_kind_label(kind), prefix=prefix))
                bad = True
                continue
            if len(path) == 1:
                record[path[0]] = value
            else:
                _set(record, path, value)
            cand.cells[path] = c.index
            cand.given.add(path)
        # unmapped columns with something in them: kept in the notes, named
        extra_notes = []
        for c in extra + [s for s in status_cols if not _STATUS_WORDS.match(str(cell(s) or "").strip())]:
            v = cell(c)
            if is_empty(v) or (r, c.index) in raw.pictures:
                continue
            text = v.isoformat() if isinstance(v, date) else str(v).strip()
            extra_notes.append(f"{_label(c)}：{text}")
            if _label(c) not in notes_columns:
                notes_columns.append(_label(c))
        if kind == "hazard" and record.get("rectified_on") is None:
            for sc in status_cols:
                said = str(cell(sc) or "").strip()
                if said in _DONE_WORDS:
                    diags.append(warning("HJP625", display, r, sc.index, cell=cell_ref(r, sc.index), said=said))
        if extra_notes:
            old = cand.record.get("notes")
            cand.record["notes"] = "；".join(([old] if old else []) + extra_notes)
            cand.given.add(("notes",))
        if village_col is not None:
            v = cell(village_col)
            if not is_empty(v):
                slug = villages.get(_norm(str(v)))
                if str(v).strip() == "镇级" and kinds_mod.BY_NOUN[kind].town:
                    slug = None
                elif slug is None:
                    listing = [part("HJP621.village", name=vl.name, slug=s) for s, vl in sorted(ledger.villages.items())]
                    diags.append(error("HJP621.unknown", display, r, village_col.index,
                                       cell=cell_ref(r, village_col.index), village=str(v),
                                       listing=listing or part("HJP621.none")))
                    bad = True
                if village is not None and slug != village and not bad:
                    diags.append(error("HJP621.mismatch", display, r, village_col.index,
                                       cell=cell_ref(r, village_col.index), village=str(v), given=village))
                    bad = True
                cand.village = slug
        if bad:
            continue
        if any(True for _ in cand.record) or cand.reporter:
            out.append(cand)
    for name in notes_columns:
        c = next(c for c in cols if _label(c) == name)
        diags.append(warning("HJP618", display, table.header_rows[-1], c.index,
                             cell=cell_ref(table.header_rows[-1], c.index), name=name))
    # Cells a merge over data rows left empty: HJP616 names the merge; "缺少…" there would say it twice.
    by_index = {c.index: c.column.path for c in mapped if c.column is not None}
    told = {(d.line, d.col) for d in table.diagnostics if d.code == "HJP616"}
    merged = {(r, by_index[c]) for r0, c0, r1, c1 in raw.merged if (r0, c0) in told
              for r in range(r0 + 1, r1 + 1) for c in range(c0, c1 + 1) if c in by_index}
    return Rows(kind, out, diags, dict(table.skipped), notes_columns, dict(defaults), merged)


def _label(c: TableColumn) -> str:
    return re.sub(r"\s+", "", str(c.header))


def _norm(text: str) -> str:
    """For matching names and titles: NFKC, no spaces or punctuation, case folded."""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"[\s\W_]+", "", s)


def _village_names(ledger: "Ledger") -> dict[str, str]:
    out = {}
    for slug, v in ledger.villages.items():
        out[_norm(slug)] = slug
        out[_norm(v.name)] = slug
    return out


# ---------------------------------------------------------------------------------------------
# Units, defaults from them, relative deadlines; then matching against the ledger


@dataclass
class Plan:
    kind: str
    add: list[Candidate] = field(default_factory=list)
    present: list[tuple[Candidate, str]] = field(default_factory=list)  # (row, the ID it equals)
    new_units: list[dict[str, Any]] = field(default_factory=list)  # units to create, by village
    diagnostics: list[Diagnostic] = field(default_factory=list)
    duplicates: int = 0  # rows repeating an earlier row of the same sheet


def match(rows: Rows, *, ledger: "Ledger", display: str, create_units: bool,
          fields: set[tuple[str, ...]] | None) -> Plan:
    """Sort candidates into new, already present (equal) and conflicting (differs: an error)."""
    from hjp import kinds as kinds_mod

    kind = rows.kind
    plan = Plan(kind, diagnostics=list(rows.diagnostics))
    units_by_name: dict[tuple[str, str], Any] = {}
    units_by_id: dict[str, tuple[str, Any]] = {}
    for slug, u in ledger.units():
        units_by_id[u.id] = (slug, u)
        units_by_name.setdefault((slug, _norm(u.name)), u)
    created: dict[tuple[str, str], dict[str, Any]] = {}
    needs_unit = kind != "unit" and any(c.path == ("unit",) for c in COLUMNS.get(kind, ()))
    for cand in rows.candidates:
        if cand.village is None and not kinds_mod.BY_NOUN[kind].town:
            plan.diagnostics.append(error("HJP621", display, cand.row, 1, row=cand.row))
            continue
        if needs_unit and cand.record.get("unit") is not None:
            if not _resolve_unit(cand, plan, units_by_name, units_by_id, created, create_units, display):
                continue
        if kind == "hazard":
            _hazard_defaults(cand, units_by_id, plan, display)
        for path, value in rows.defaults.items():  # --set fills what the row and its unit leave empty
            if _get(cand.record, path) is None:
                _set(cand.record, path, value)
                cand.given.add(path)
    plan.new_units = list(created.values())
    failed = {d.line for d in plan.diagnostics if d.severity.value == "error"}
    _check_required(rows, plan, display, skip=failed)
    bad_rows = {d.line for d in plan.diagnostics if d.severity.value == "error"}
    existing = _existing(ledger, kind)
    seen: dict[Any, Candidate] = {}
    copies: dict[Any, Candidate] = {}
    for cand in rows.candidates:
        if cand.row in bad_rows:
            continue
        key = _key(kind, cand.record)
        rid = cand.id
        if rid is not None:
            found = ledger.record(rid)
            if found is not None:
                loc = ledger.loc_of(found)
                other = loc.village
                if kinds_noun(found) != kind:
                    plan.diagnostics.append(error("HJP620.other_kind", display, cand.row, 1, row=cand.row, id=rid))
                    continue
                if other != cand.village:
                    where = ledger.villages[other].name if other in ledger.villages else part("word.town_level")
                    plan.diagnostics.append(error("HJP620.other_village", display, cand.row, 1, row=cand.row, id=rid,
                                                  where=where))
                    continue
                _compare(cand, found, plan, display)
                continue
            if rid in seen:
                plan.duplicates += 1
                plan.diagnostics.append(error("HJP620.repeated", display, cand.row, 1, row=cand.row, id=rid,
                                              first=seen[rid].row))
                continue
            seen[rid] = cand
        elif key is not None:
            # A row repeating an earlier row in every column is a second paste: skipped, each time.
            sig = _signature(cand)
            if sig in copies:
                plan.duplicates += 1
                plan.diagnostics.append(warning("HJP622", display, cand.row, 1, row=cand.row, first=copies[sig].row,
                                                key=_key_text(kind, cand.record)))
                continue
            copies[sig] = cand
            # Rows and records sharing a key pair off in order (the i-th such row with the i-th such
            # record), so two real hazards alike in unit, date, name and 部位 both come in once.
            pool = existing.get((cand.village, key))
            if pool:
                _compare(cand, pool.pop(0), plan, display)
                continue
        plan.add.append(cand)
    plan.diagnostics.sort(key=lambda d: (d.line, d.col, d.code))
    return plan


def kinds_noun(record: Any) -> str | None:
    from hjp import kinds

    k = kinds.of_id(record.id)
    return k.noun if k else None


def _resolve_unit(cand: Candidate, plan: Plan, by_name: dict, by_id: dict, created: dict, create: bool,
                  display: str) -> bool:
    text = str(cand.record["unit"]).strip()
    ref = cand.ref(("unit",))
    if text in by_id:
        slug, _u = by_id[text]
        if slug != cand.village:
            plan.diagnostics.append(error("HJP623.other_village", display, cand.row, 1, cell=ref, unit=text))
            return False
        return True
    u = by_name.get((cand.village, _norm(text)))
    if u is not None:
        cand.record["unit"] = u.id
        return True
    key = (cand.village, _norm(text))
    if create:
        entry = created.get(key)
        if entry is None:
            entry = created[key] = {"village": cand.village, "name": text, "rows": [], "sector": None}
        entry["rows"].append(cand.row)
        if entry["sector"] is None and cand.record.get("sector"):
            entry["sector"] = cand.record["sector"]
        cand.unit_text = text
        cand.record.pop("unit")
        return True
    import difflib

    names = sorted({u.name for (slug, _n), u in by_name.items() if slug == cand.village})
    close = difflib.get_close_matches(text, names, n=3, cutoff=0.6)
    hint = part("HJP623.close", names=close) if close else \
        part("HJP623.names", names=names[:10]) if names else part("HJP623.no_units")
    plan.diagnostics.append(error("HJP623", display, cand.row, 1, cell=ref, unit=text, hint=hint))
    return False


def _hazard_defaults(cand: Candidate, units_by_id: dict, plan: Plan, display: str) -> None:
    rec = cand.record
    unit = units_by_id.get(rec.get("unit")) if rec.get("unit") else None
    if rec.get("sector") is None and unit is not None:
        rec["sector"] = unit[1].sector  # the row's unit says its 行业领域
        cand.given.add(("sector",))
    due = _get(rec, ("rectification", "deadline"))
    if isinstance(due, int) and not isinstance(due, bool):  # 整改时限（天）: days after the found date
        found = rec.get("found_on")
        if isinstance(found, date):
            rec["rectification"]["deadline"] = found + timedelta(days=due)
        else:
            plan.diagnostics.append(error("HJP617.days", display, cand.row, 1,
                                          cell=cand.ref(("rectification", "deadline")), days=due))


def _check_required(rows: Rows, plan: Plan, display: str, *, skip: set[int]) -> None:
    """A required field with no column and no --set is one error for the whole sheet (naming the
    column and the option); a required cell left empty is an error at its row."""
    kind = rows.kind
    required = required_paths(kind)
    cols = {c.path: c for c in COLUMNS[kind]}
    missing_everywhere = []
    candidates = [c for c in rows.candidates if c.row not in skip]
    for path in required:
        lacking = [c for c in candidates if _get(c.record, path) is None]
        if lacking and len(lacking) == len(candidates):
            missing_everywhere.append(path)
            continue
        present = any(path in c.cells for c in candidates)
        for c in lacking:
            if (c.row, path) in rows.merged:
                continue
            col = cols.get(path)
            name = col.header if col else ".".join(path)
            # with no column, only some rows got the value, from their unit
            fix = part("HJP619.fill") if present else part("HJP619.no_unit", name=name, field=".".join(path))
            plan.diagnostics.append(error("HJP619.row", display, c.row, 1, row=c.row, name=name, fix=fix))
    for path in missing_everywhere:
        col = cols.get(path)
        name = col.header if col else ".".join(path)
        example = {"sector": "消防", "source": "检查", "level": "一般"}.get(path[-1], "…")
        why = part("HJP619.no_unit_sector") if path == ("sector",) and kind == "hazard" else ""
        plan.diagnostics.append(error("HJP619", display, 1, 1, name=name, why=why, field=".".join(path),
                                      example=example))


def _existing(ledger: "Ledger", kind: str) -> dict[tuple[str | None, Any], list[Any]]:
    """The ledger's records of ``kind`` by (village, natural key), in file order."""
    from hjp import kinds

    k = kinds.BY_NOUN[kind]
    out: dict[tuple[str | None, Any], list[Any]] = {}
    for slug, r in ledger.records_of(k):
        key = _key(kind, r)
        if key is not None:
            out.setdefault((slug, key), []).append(r)
    return out


def _signature(cand: Candidate) -> Any:
    """Everything a row says, to tell a row pasted twice from two records alike in their key."""
    return (cand.village, _freeze(cand.record), cand.unit_text, cand.reporter)


def _freeze(v: Any) -> Any:
    # Asked for every row of a sheet: scalars (nearly every value) are taken without a call.
    if isinstance(v, dict):
        return tuple(sorted([(k, _freeze(x) if isinstance(x, (dict, list)) else x) for k, x in v.items()]))
    if isinstance(v, list):
        return tuple([_freeze(x) if isinstance(x, (dict, list)) else x for x in v])
    return v


def _key(kind: str, r: Any) -> Any:
    """The natural key of a record (dict or model) when the sheet has no ID column."""
    g = (lambda *p: _get(r, p))
    if kind == "hazard":
        if g("found_on") is None or g("title") is None:
            return None
        return (g("unit"), g("found_on"), _norm(g("title")), _norm(g("location") or ""))
    if kind == "unit":
        return _norm(g("name")) if g("name") else None
    if kind == "drill":
        return (g("unit"), _norm(g("title") or ""), g("planned_on"), g("held_on")) if g("title") else None
    if kind == "task":
        return (_norm(g("title")), g("ref")) if g("title") else None
    if kind == "inspection":
        return (g("unit"), g("date"), g("kind")) if g("date") else None
    if kind == "training":
        return (g("date"), _norm(g("topic") or "")) if g("date") else None
    return None


def _key_text(kind: str, r: dict[str, Any]) -> str:
    if kind == "hazard":
        return f"{r.get('found_on')} {r.get('title')}"
    return str(r.get("title") or r.get("name") or r.get("topic") or "")


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if hasattr(value, "model_dump"):
        return {k: _comparable(v) for k, v in value.model_dump().items() if v not in (None, [])}
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if v not in (None, [])}
    return value


def _compare(cand: Candidate, existing: Any, plan: Plan, display: str) -> None:
    """Equal on every field the sheet gives: already present. Otherwise a conflict (an error)."""
    diffs = []
    cols = {c.path: c for c in COLUMNS[cand.kind]}
    for path in sorted(cand.given):
        if path in (("reporter",), ("id",)):
            continue
        if path == ("unit",) and cand.unit_text is not None:
            diffs.append(part("HJP620.unit", text=cand.unit_text, theirs=existing.unit or part("HJP620.empty")))
            continue
        mine = _comparable(_get(cand.record, path))
        theirs = _comparable(_get(existing, path))
        if theirs in ([], {}):
            theirs = None
        if mine in ([], {}):
            mine = None
        if mine != theirs:
            col = cols.get(path)
            name = col.header if col else ".".join(path)
            show = (lambda v: part("HJP620.empty") if v is None else [str(x) for x in v] if isinstance(v, list)
                    else str(v))
            diffs.append(part("HJP620.field", name=name, mine=show(mine), theirs=show(theirs)))
    for attr, entries in cand.children.items():
        theirs = [_comparable(e) for e in getattr(existing, attr, []) or []]
        if [_comparable(e) for e in entries] != theirs:
            diffs.append(part("HJP620.children", attr=attr))
    if not diffs:
        plan.present.append((cand, existing.id))
        return
    plan.diagnostics.append(error("HJP620", display, cand.row, 1, row=cand.row, id=existing.id, diffs=diffs[:4],
                                  more=part("word.more") if len(diffs) > 4 else ""))


def read_children(path: "Path", table: Table, candidates: list[Candidate], display: str) -> list[Diagnostic]:
    """A sheet's companions in an exported workbook (a task's 阶段目标、落实记录、进展, a training's
    参训人员): their rows, keyed by the record's ID (任务编号, 培训编号), become the records' lists."""
    from hjp.sheetread import SheetError
    from hjp.sheetwrite import CHILDREN

    diags: list[Diagnostic] = []
    by_id = {c.id: c for c in candidates if c.id}
    if not by_id or table.raw.name is None:
        return diags
    parent, lists = CHILDREN.get(table.kind, ("", {}))
    for attr, (name, cols) in lists.items():
        try:
            raw = open_sheet(path, sheet=name, display=display)
        except SheetError:
            continue
        if not raw.rows:
            continue
        head_row, head = raw.rows[0]
        index = {normalize_header(str(v)): i for i, v in enumerate(head) if v not in (None, "")}
        task_at = index.get(normalize_header(parent))
        if task_at is None:
            continue
        where = [(c, index.get(normalize_header(c.header))) for c in cols]
        for r, values in raw.rows[1:]:
            rid = str(values[task_at]).strip() if task_at < len(values) and values[task_at] is not None else ""
            cand = by_id.get(rid)
            if cand is None:
                if rid:
                    diags.append(error("HJP620.parent", raw.display, r, task_at + 1, cell=cell_ref(r, task_at + 1),
                                       parent=parent, id=rid, sheet=table.raw.name))
                continue
            entry: dict[str, Any] = {}
            for col, i in where:
                if i is None or i >= len(values) or is_empty(values[i]):
                    continue
                try:
                    entry[col.path[0]] = convert(col, values[i], ref=cell_ref(r, i + 1))
                except CellError as exc:
                    diags.append(error(exc.key, raw.display, r, i + 1, **exc.arguments))
            if entry:
                cand.children.setdefault(attr, []).append(entry)
                cand.record.setdefault(attr, []).append(entry)
                cand.given.add((attr,))
    return diags


def locate(path: "Path", *, sheet: str | None, kind: str | None, display: str,
           fields: dict[str, set[tuple[str, ...]] | None]) -> Table:
    """The sheet (named, else the first whose header names a kind) and its table."""
    from hjp.sheetread import SheetError

    found: dict[int, Table] = {}  # the table a sheet was recognised by (locating is not cheap)

    def recognisable(raw: Any) -> bool:
        try:
            found[id(raw)] = locate_table(raw, kind=kind, fields=fields)
            return True
        except SheetError:
            return False

    raw = open_sheet(path, sheet=sheet, display=display, want=recognisable)
    table = found.get(id(raw))
    return table if table is not None and table.raw is raw else locate_table(raw, kind=kind, fields=fields)


# ---------------------------------------------------------------------------------------------
# Running an import: one transaction, all or nothing


class ImportRefused(HjpError):
    """Nothing was written: ``diagnostics`` (at the sheet's rows) say why; ``code`` the exit code."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None, code: int = 1):
        super().__init__(message, code, diagnostics)


@dataclass
class ImportResult:
    kind: str
    display: str
    added: list[tuple[Candidate, str]] = field(default_factory=list)  # (row, the record's ID)
    units: list[tuple[str, str, list[int]]] = field(default_factory=list)  # (new unit ID, name, rows)
    present: list[tuple[int, str]] = field(default_factory=list)  # (row, existing ID)
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # display paths written (or that would be)
    commit: tuple[str, str] | None = None
    dry_run: bool = False
    paths: list[Any] = field(default_factory=list)  # the files this sheet's records go to


def _vocab() -> dict[str, list[str]]:
    from hjp import model

    out: dict[str, list[str]] = {}
    for t, name in (("inspection_kind", "INSPECTION_KINDS"), ("training_kind", "TRAINING_KINDS")):
        values = getattr(model, name, None)
        if values:
            out[t] = list(values)
    return out


_ORDERS: dict[Any, tuple[dict[str, int], dict[str, Any]]] = {}


def _ordered(record: dict[str, Any], cls: Any) -> dict[str, Any]:
    """``record`` in the model's field order (a sub-model's keys too), so it reads like the others."""
    known = _ORDERS.get(cls)
    if known is None:
        from hjp.sheetcols import _submodel

        fields = cls.model_fields
        known = _ORDERS[cls] = ({name: i for i, name in enumerate(fields)},
                                {name: sub for name, info in fields.items()
                                 if (sub := _submodel(info.annotation)) is not None})
    order, subs = known
    last = len(order)
    out = {k: record[k] for k in sorted(record, key=lambda k: order.get(k, last))}
    for key, sub in subs.items():
        value = out.get(key)
        if isinstance(value, dict):
            out[key] = _ordered(value, sub)
    return out


def run_import(root: "Path", path: "Path", *, display: str, kind: str | None, sheets: list[str] | None,
               village: str | None, settings: list[str], create_units: bool, dry_run: bool, commit: bool,
               clock: Any, change: Any, progress: Any = None, notify: Any = None,
               cache: bool = True) -> list[ImportResult]:
    """Read the sheets (each named one, else the first recognisable), then under the ledger's lock
    match, number, validate and (unless ``dry_run``) write every new record of all of them in one
    transaction (records of one sheet may refer to another's: an inspection's findings, a hazard's
    found_in). One ImportResult a sheet. ImportRefused / SheetError / EditError say why not.

    ``change`` runs the transaction (``hjp.api.change``, passed in: the importer sits below the API)."""
    from hjp import kinds as kinds_mod
    from hjp.sheetcols import model_fields
    from hjp.transaction import Transaction
    from hjp.yamltext import EditError

    fields = {k: model_fields(k) for k in COLUMNS if k in kinds_mod.BY_NOUN}
    if kind is not None and kind not in fields:
        raise ImportRefused(f"--kind {kind}：不认识；可用：{'、'.join(fields)}", code=2)
    names: list[str | None] = list(dict.fromkeys(sheets)) if sheets else [None]
    tables = [locate(path, sheet=name, kind=kind, display=display, fields=fields) for name in names]
    vocab = _vocab()
    parts: list[tuple[Table, dict[tuple[str, ...], Any], ImportResult]] = []
    for table in tables:
        try:
            defaults = parse_defaults(settings, table.kind, fields[table.kind], vocab, lenient=len(tables) > 1)
        except ValueError as exc:
            raise ImportRefused(str(exc), code=2) from None
        parts.append((table, defaults, ImportResult(table.kind, table.raw.display, dry_run=dry_run)))
    if len(tables) > 1:
        unknown = [item for item in settings if not any(_known_setting(item, t.kind, fields[t.kind]) for t in tables)]
        if unknown:  # a default no sheet's kind has: said as for one sheet
            parse_defaults(unknown[:1], tables[0].kind, fields[tables[0].kind], vocab)
    total = sum(len(t.rows) for t in tables)
    advance = progress("正在检查", total) if progress is not None else None

    def plans(tx: Transaction) -> list[Any]:
        changes: list[Any] = []
        for table, defaults, result in parts:
            changes.extend(_plan_sheet(tx, path, table, defaults, result, village=village, vocab=vocab,
                                       fields=fields[table.kind], create_units=create_units, advance=advance))
        return changes

    def refusal(exc: EditError) -> ImportRefused:
        rows_of: dict[str, tuple[str, int]] = {}
        for table, _d, result in parts:
            rows_of.update({rid: (table.raw.display, cand.row) for cand, rid in result.added})
            rows_of.update({rid: (table.raw.display, rows[0]) for rid, _name, rows in result.units})
        mapped = []
        for d in exc.diagnostics:
            at = rows_of.get(d.record or "")
            if at is not None:
                mapped.append(d.noted(part("import.record", id=d.record), severity=Severity.ERROR, path=at[0],
                                      line=at[1], col=1))
            else:
                mapped.append(d)
        return ImportRefused(exc.message if not mapped else "导入后的台账有错误，未导入任何记录", mapped, exc.code)

    results = [result for _t, _d, result in parts]
    if dry_run:
        with Transaction(root, clock=clock, notify=notify, cache=cache) as tx:
            for ch in plans(tx):
                tx.add(ch)
            if tx.changes:
                try:
                    prepared = tx.prepare()
                except EditError as exc:
                    raise refusal(exc) from None
                shown = {w.path: w.display for w in prepared.files}
                for result in results:
                    result.files = [shown[p] for p in result.paths if p in shown]
                results[-1].warnings.extend(prepared.warnings)
        return results
    labels = "、".join(dict.fromkeys(kinds_mod.BY_NOUN[t.kind].label for t in tables))
    try:
        out = change(root, plans, clock=clock, commit=commit, notify=notify, show=False, cache=cache,
                     message=f"导入{labels}：{path.name}" if commit else None)
    except EditError as exc:
        raise refusal(exc) from None
    for result in results:
        result.files = list(dict.fromkeys(_displays(root, result.paths)))
    results[-1].warnings.extend(out.warnings)
    results[-1].commit = out.commit
    return results


def _plan_sheet(tx: Any, path: "Path", table: Table, defaults: dict[tuple[str, ...], Any], result: ImportResult, *,
                village: str | None, vocab: dict[str, list[str]], fields: set[tuple[str, ...]] | None,
                create_units: bool, advance: Any) -> list[Any]:
    """One sheet's changes (new units, records, sealed 举报人), its problems raised as ImportRefused."""
    from hjp import kinds as kinds_mod
    from hjp import sealed

    from hjp.sheetwrite import CHILDREN

    kind = table.kind
    fk = fields
    knd = kinds_mod.BY_NOUN[kind]
    display = table.raw.display
    from hjp.edit import Change

    led = tx.ledger
    if village is not None and village not in led.villages:  # its Chinese name, or no such village
        from hjp.villages import resolve

        village = resolve(led.villages, village)
    if village is None and not knd.town and not any(
            c.match is not None and c.match.derived == "village" for c in table.columns):
        raise ImportRefused("请用 --village 指定这些记录属于哪个村（村目录名，例如 hejiapan）", code=2)
    rows = read_rows(table, ledger=led, village=village, defaults=defaults, vocab=vocab, fields=fk,
                     progress=advance)
    extra: list[Diagnostic] = []
    if kind in CHILDREN:
        extra = read_children(path, table, rows.candidates, display)
    plan = match(rows, ledger=led, display=table.raw.display, create_units=create_units, fields=fk)
    plan.diagnostics.extend(extra)
    for cand in plan.add:
        if cand.reporter is not None and cand.record.get("source") != "举报":
            plan.diagnostics.append(error("HJP624", table.raw.display, cand.row, 1, row=cand.row))
    errors = [d for d in plan.diagnostics if d.severity.value == "error"]
    if errors:
        raise ImportRefused("表中有错误，未导入任何记录", sorted(plan.diagnostics, key=lambda d: (d.line, d.col)))
    result.warnings = [d for d in plan.diagnostics if d.severity.value == "warning"]
    result.present = [(c.row, rid) for c, rid in plan.present]
    result.skipped = dict(rows.skipped)
    recipients = None
    if any(c.reporter for c in plan.add):
        try:
            recipients = sealed.read_recipients(tx.root, tx.display)
        except sealed.SealError as exc:
            raise ImportRefused(f"表中有举报人，需要密封：{exc.message}", code=exc.code) from None
    changes: list[Any] = []
    year = tx.today.year
    unit_ids: dict[tuple[str | None, str], str] = {}
    for entry in plan.new_units:
        slug = entry["village"]
        rid = tx.allocate_id("unit", year=year, village=slug)
        sector = entry["sector"] or defaults.get(("sector",)) or "其他"
        rec = _ordered({"id": rid, "name": entry["name"], "sector": sector, "principal": "待补充",
                        "notes": "由 hjp import 按隐患台账新建，主要负责人等请补全"},
                       kinds_mod.BY_NOUN["unit"].model_cls())
        unit_ids[(slug, _norm(entry["name"]))] = rid
        result.units.append((rid, entry["name"], entry["rows"]))
        changes.append(Change(kinds_mod.BY_NOUN["unit"].file(tx.root, slug), f"新增生产经营单位 {rid} {entry['name']}",
                              rid, "unit", record=rec))
    explicit = {c.id for c in plan.add if c.id}
    id_year = next((s.path[0] for s in knd.fields if s.option == knd.id_year), None)
    files: dict[str | None, Any] = {}
    for cand in plan.add:
        rec = dict(cand.record)
        if cand.unit_text is not None:
            rec["unit"] = unit_ids[(cand.village, _norm(cand.unit_text))]
        rid = cand.id
        if rid is None:
            when = rec.get(id_year) if id_year else None
            rid = tx.allocate_id(kind, year=when.year if isinstance(when, date) else year, village=cand.village)
            while rid in explicit:  # the sheet's own IDs are kept; numbering steps past them
                rid = tx.allocate_id(kind, year=when.year if isinstance(when, date) else year,
                                     village=cand.village)
        rec["id"] = rid
        if cand.reporter is not None:
            try:
                text = sealed.clean_identity_text(cand.reporter, f"第 {cand.row} 行的举报人")
            except sealed.SealError as exc:
                raise ImportRefused(exc.message, [], code=1) from None
            rec["reporter"] = sealed.MARKER
        rec = _ordered(rec, knd.model_cls())
        title = rec.get("title") or rec.get("name") or rec.get("topic") or ""
        target = files.get(cand.village)
        if target is None:
            target = files[cand.village] = knd.file(tx.root, cand.village)
        changes.append(Change(target, f"导入{knd.label} {rid} {title}".rstrip(), rid, kind, record=rec))
        if cand.reporter is not None:
            from hjp.edit import plan_sealed

            changes.append(plan_sealed(tx, rid, text, recipients))
        result.added.append((cand, rid))
    result.paths = list(dict.fromkeys(ch.path for ch in changes))
    return changes


def _displays(root: "Path", paths: list[Any]) -> Iterable[str]:
    from hjp.paths import display_path

    for path in dict.fromkeys(paths):
        yield display_path(path, root, str(root))
