"""Validation rules over a loaded ledger.

Each rule is a plain function ``(ledger, ctx) -> Iterable[Diagnostic]`` listed in ``RULES``; one
module per family. A rule that crashes becomes an HJP900 diagnostic and the others still run.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

from hjp.diagnostics import Diagnostic, error
from hjp.load import Ledger
from hjp.rules import evidence, files, inspections, major, records, sealed, tasks, town, trainings, units

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

Rule = Callable[[Ledger, "RuleContext"], Iterable[Diagnostic]]


@dataclass(frozen=True)
class RuleContext:
    as_of: date  # "today": dates after it are flagged as possible typos
    check_files: bool = True  # whether evidence files are looked for on disk
    is_today: bool = True  # False when the clerk asked about another day (--as-of): wording only
    # When each (path, 1-based line) entered the repository's history, as a sortable number
    # (None: unknown): HJP201 blames the newer of two records sharing an ID. Given by the caller
    # (git is not the rules' business); None: reading order decides.
    ages: Callable[[list[tuple[str, int]]], list[float | None]] | None = None
    # The record files that differ from the repository's HEAD, with their text there (HJP221: records
    # gone since the last commit). Given by the caller, like ``ages``; None: nothing is compared.
    committed: Callable[[Path], dict[Path, str]] | None = None


RULES: list[Rule] = [
    town.check_plan_and_phases,
    town.check_timezone,
    records.check_duplicate_ids,
    records.check_id_prefix,
    records.check_sectors,
    records.check_unit_refs,
    records.check_hazard_five_measures,
    records.check_hazard_dates,
    records.check_hazard_closure,
    records.check_reporter,
    sealed.check_sealed_reporters,
    sealed.check_recipients,
    records.check_unit_dates,
    records.check_future_dates,
    records.check_name_lists,
    tasks.check_task_shape,
    tasks.check_task_fields_for_shape,
    tasks.check_task_action,
    tasks.check_task_period,
    evidence.check_evidence_paths,
    units.check_credit_codes,
    units.check_unit_grades,
    major.check_major_basis,
    major.check_major_supervision,
    inspections.check_inspection_unit,
    inspections.check_inspection_links,
    inspections.check_coverage_from,
    trainings.check_training_attendance,
    trainings.check_attendee_units,
    files.check_record_files,
]


def run_rules(ledger: Ledger, ctx: RuleContext, rules: list[Rule] | None = None) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in rules if rules is not None else RULES:
        try:
            out.extend(rule(ledger, ctx))
        except Exception as exc:  # a bug in one rule must not hide the others' findings
            out.append(rule_crashed(rule.__name__, exc, ledger.display_root))
    return out


def rule_crashed(name: str, exc: Exception, path: str) -> Diagnostic:
    """HJP900 for a rule (validation or audit) that raised ``exc``, naming the faulty line in hjp."""
    frames = traceback.extract_tb(exc.__traceback__)
    # the innermost frame in hjp's own code (or the rule's module) says where the bug is
    inner = frames[1:] or frames
    where = ([f for f in inner if f.filename.startswith(_PKG_DIR)] or inner)[-1]
    filename = where.filename
    if filename.startswith(_PKG_DIR):
        filename = os.path.relpath(filename, os.path.dirname(_PKG_DIR))
    return error("HJP900", path, rule=name, file=filename, line_no=where.lineno)


def validate(ledger: Ledger, ctx: RuleContext) -> list[Diagnostic]:
    """Load-time and rule diagnostics together, sorted by file and line."""
    diags = list(ledger.diagnostics) + run_rules(ledger, ctx)
    return sorted(set(diags), key=lambda d: d.sort_key)
