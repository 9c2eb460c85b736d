"""``hjp new``'s field options, as the command line gives them: ``--title X --lead A --lead B``.

CLI-side: turns argument lists into typed values by the kind's ``FieldSpec``s (``hjp.kinds``),
describes options for prompts and messages, and lists the required ones not given. What may be
stored (control characters, dates in the future, the record as a whole) is checked by the domain
(``hjp.edit``) and the rules; this module only reads what was typed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from hjp.clock import iso_date
from hjp.edit import check_text
from hjp.kinds import BY_NOUN, KINDS, VILLAGE_FIELDS, FieldSpec, vocabulary
from hjp.yamltext import EditError

if TYPE_CHECKING:
    from hjp.load import Ledger

# By CLI noun: every kind's options, and a village's.
FIELDS: dict[str, list[FieldSpec]] = {**{k.noun: list(k.fields) for k in KINDS}, "village": list(VILLAGE_FIELDS)}
KIND_NAME = {**{k.noun: k.label for k in KINDS}, "village": "行政村"}


def choices(spec: FieldSpec, ledger: Ledger) -> list[str]:
    return vocabulary(spec.choices, ledger.town)


def prompt_label(spec: FieldSpec, ledger: Ledger) -> str:
    """A field as the clerk is asked for it at the terminal: its Chinese name (行业领域（可选：…）),
    not the option the clerk never typed."""
    opts = choices(spec, ledger)
    extra = f"（可选：{'、'.join(opts)}）" if opts and spec.choices != "actions" else ""
    return f"{spec.label}{extra}"


def describe(spec: FieldSpec, ledger: Ledger) -> str:
    opts = choices(spec, ledger)
    extra = f"，可选：{'、'.join(opts)}" if opts and spec.choices != "actions" else ""
    return f"--{spec.option}（{spec.label}{extra}）"


def parse_field_args(kind: str, args: list[str]) -> dict[str, list[str]]:
    """``--title X --lead A --lead B --ongoing`` → {option: [raw values]}; unknown options refused."""
    specs = {s.option: s for s in FIELDS[kind]}
    for s in FIELDS[kind]:
        specs.setdefault(s.option.replace("-", "_"), s)
    out: dict[str, list[str]] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or arg == "--":
            raise EditError(f"多余的参数 {arg}；字段请写成 --字段 值，例如 --title 卸油区静电接地装置失效", 2)
        name, eq, value = arg[2:].partition("=")
        spec = specs.get(name)
        if spec is None:
            from hjp.schema_errors import did_you_mean

            known = [s.option for s in FIELDS[kind]]
            hint = did_you_mean(name, known) or f"；{KIND_NAME[kind]}可用的字段：" + "、".join(f"--{k}" for k in known)
            raise EditError(f"不认识的选项 --{name}{hint}", 2)
        if spec.type == "flag":
            if eq:
                raise EditError(f"--{spec.option} 不带值", 2)
            out.setdefault(spec.option, []).append("true")
            i += 1
            continue
        if not eq:
            if i + 1 >= len(args):
                raise EditError(f"--{spec.option} 后面缺少值（{spec.label}）", 2)
            value = args[i + 1]
            i += 1
        out.setdefault(spec.option, []).append(value)
        i += 1
    for opt, values in out.items():
        spec = specs[opt]
        if len(values) > 1 and spec.type not in ("list", "path", "milestone"):
            raise EditError(f"--{opt} 只能给一次", 2)
    return out


def field_values(kind: str, args: list[str], ledger: Ledger) -> dict[str, Any]:
    """The typed value of each field option in ``args`` (``parse_field_args``, then ``convert``)."""
    specs = {s.option: s for s in FIELDS[kind]}
    return {opt: convert(specs[opt], given, ledger) for opt, given in parse_field_args(kind, args).items()}


def convert(spec: FieldSpec, raw: list[str], ledger: Ledger) -> Any:
    """The typed value of one option; EditError with a Chinese hint when it does not fit."""
    first = raw[0].strip()
    for r in raw:
        check_text(f"--{spec.option}", r)
    opts = choices(spec, ledger)
    if spec.type == "str":
        if not first:
            raise EditError(f"--{spec.option}（{spec.label}）不能为空", 2)
        if opts and spec.choices != "actions" and first not in opts:
            from hjp.schema_errors import did_you_mean

            raise EditError(f"--{spec.option} 的值 {first} 不在可选范围内{did_you_mean(first, opts) or '；'}"
                            f"可选：{'、'.join(opts)}", 2)
        return first
    if spec.type == "date":
        try:
            return iso_date(first)
        except ValueError:
            raise EditError(f"--{spec.option} 的日期 {first} 无效；请写成 YYYY-MM-DD，例如 2026-12-15", 2) from None
    if spec.type in ("int", "float"):
        try:
            num = float(first)
        except ValueError:
            num = float("nan")
        if num != num or num in (float("inf"), float("-inf")) or num < 0:
            raise EditError(f"--{spec.option} 应为非负数字，而不是 {first}", 2)
        if spec.type == "int" or num.is_integer():
            if spec.type == "int" and not num.is_integer():
                raise EditError(f"--{spec.option} 应为整数，而不是 {first}", 2)
            return int(num)
        return num
    if spec.type == "bool":
        table = {"是": True, "否": False, "true": True, "false": False, "yes": True, "no": False}
        if first.lower() not in table:
            raise EditError(f"--{spec.option} 应为 是 或 否，而不是 {first}", 2)
        return table[first.lower()]
    if spec.type == "flag":
        return True
    if spec.type == "path":
        return [r.strip() for r in raw if r.strip()]
    if spec.type == "list":
        return [p.strip() for r in raw for p in re.split(r"[、,，]", r) if p.strip()]
    if spec.type == "milestone":
        out = []
        for r in raw:
            due, sep, what = r.partition(":")
            if not sep:
                due, sep, what = r.partition("：")
            try:
                d = iso_date(due.strip())
            except ValueError:
                raise EditError(f"--milestone 应写成 期限:内容，例如 2026-06-30:完成排查（现为 {r}）", 2) from None
            if not what.strip():
                raise EditError(f"--milestone {r} 缺少目标内容", 2)
            out.append({"due": d, "what": what.strip()})
        return out
    raise AssertionError(spec.type)  # pragma: no cover


def missing(kind: str, values: dict[str, Any]) -> list[FieldSpec]:
    """Required options not given (the 重大 hazard's 五定 included)."""
    out = [s for s in FIELDS[kind] if s.required and s.option not in values]
    k = BY_NOUN.get(kind)
    if k is None:
        return out
    for option, value, then in k.required_if:
        if values.get(option) == value:
            out += [s for s in FIELDS[kind] if s.option in then and s.option not in values]
    if k.one_of and not any(o in values for o in k.one_of):
        out.append(next(s for s in FIELDS[kind] if s.option == k.one_of[0]))
    return out


# hjp new on a terminal, with required options missing, asks in this order; the optional ones named
# in ASKED_TOO are asked once as well (an empty answer leaves them out): what a clerk needs to get a
# hazard right the first time — which unit, where, and on which day it was found.
QUESTIONS: dict[str, tuple[str, ...]] = {
    "hazard": ("title", "unit", "location", "found-on", "sector", "level", "source", "basis", "measures", "funds",
               "contingency", "owner", "deadline"),
}
ASKED_TOO: dict[str, tuple[str, ...]] = {"hazard": ("unit", "location", "found-on")}


def next_question(kind: str, values: dict[str, Any], asked: set[str]) -> FieldSpec | None:
    """The next option to ask for on a terminal (None: nothing left to ask)."""
    lacking = {s.option: s for s in missing(kind, values)}
    specs = {s.option: s for s in FIELDS[kind]}
    for opt in QUESTIONS.get(kind, ()):
        if opt in lacking:
            return lacking[opt]
        if opt in ASKED_TOO.get(kind, ()) and opt in specs and opt not in values and opt not in asked:
            return specs[opt]
    return next(iter(lacking.values()), None)


def village_units(ledger: Ledger, village: str | None) -> list[tuple[str, str]]:
    """(ID, name) of the village's units in operation (not voided, not closed), to choose from."""
    if village is None or village not in ledger.villages:
        return []
    return [(u.id, u.name) for u in ledger.villages[village].units if u.void is None and u.closed_on is None]


def unit_answer(answer: str, units: list[tuple[str, str]]) -> str:
    """A unit chosen at the prompt by its number in the list, its ID or its name → its ID."""
    a = answer.strip()
    if a.isdigit() and 1 <= int(a) <= len(units):
        return units[int(a) - 1][0]
    for uid, name in units:
        if a in (uid, name):
            return uid
    raise EditError(f"本村没有单位 {a}；请填列表中的序号、单位编号或名称，没有所属单位直接回车", 2)
