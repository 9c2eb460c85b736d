"""Run every input of the official YAML test suite through ``hjp validate`` as ledger content.

Usage (the suite's ``data`` branch checked out somewhere; nothing of it is copied here):

    python tests/tools/yaml_test_suite.py /path/to/yaml-test-suite [--only ID ...] [-v]

Each case directory's ``in.yaml`` (cases with numbered sub-cases: each ``NN/in.yaml``) is fed
through ``hjp validate`` twice, in process (HJP_NO_CACHE=1, HJP_DEBUG=1 so that an internal error
surfaces as the exception itself):

  A. as the content of every record file of a village (``villages/x/{village,units,hazards,drills,
     tasks}.yaml``) and of the town-level ``tasks.yaml``, next to a valid ``town.yaml``;
  B. as ``town.yaml`` itself.

A run fails when hjp raises (an internal error), exits with anything but 0 or 1, prints a line
that is not ``path:line:col: error|warning CODE: message`` (a message split over two lines), or
prints a diagnostic whose path is not a file or directory of the ledger, whose line lies outside
that file (1 … number of lines + 1), whose code is HJP900 (a crashed rule), or whose message is the
fallback that quotes PyYAML's English problem ("YAML 语法错误（…）"). The script prints
one line per failure and a summary; its exit code is 1 when anything failed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
import tempfile
import traceback
from pathlib import Path

LINE = re.compile(r"^(?P<path>[^\n]*?):(?P<line>\d+):(?P<col>\d+): (?:error|warning) (?P<code>HJP\d{3}): .+$")
CASE_ID = re.compile(r"^[0-9A-Z]{4}$")
SUMMARY = re.compile(r"^(台账检查通过|发现 \d+ 个错误)")

TOWN = """\
name: 测试镇
county: 测试县
plan: {title: 测试方案, doc_no: 测〔2024〕1号, issued_on: 2024-03-31, start: 2024-03-31, end: 2026-12-31}
"""
VILLAGE_FILES = ("village", "units", "hazards", "drills", "tasks")


def cases(suite: Path, only: set[str]) -> list[tuple[str, Path]]:
    found = []
    # Case directories are named by a 4-character ID; name/ and tags/ only link to them again.
    for case in sorted(p for p in suite.iterdir() if p.is_dir() and CASE_ID.match(p.name)):
        if only and case.name not in only:
            continue
        if (case / "in.yaml").is_file():
            found.append((case.name, case / "in.yaml"))
        for sub in sorted(p for p in case.iterdir() if p.is_dir()):
            if (sub / "in.yaml").is_file():
                found.append((f"{case.name}/{sub.name}", sub / "in.yaml"))
    return found


def run_validate(cwd: Path) -> tuple[int | None, str, str, str | None]:
    """(exit code, stdout, stderr, traceback or None) of ``hjp validate --ledger ledger`` in ``cwd``."""
    from hjp.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(["validate", "--ledger", "ledger"])
            except SystemExit as exc:
                return (exc.code if isinstance(exc.code, int) else 2), out.getvalue(), err.getvalue(), None
            except BaseException:  # an internal error: HJP_DEBUG=1 lets it through
                return None, out.getvalue(), err.getvalue(), traceback.format_exc()
    finally:
        os.chdir(old)
    return 0, out.getvalue(), err.getvalue(), None


def line_count(path: Path) -> int:
    data = path.read_bytes()
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def check(name: str, mode: str, cwd: Path, verbose: bool) -> tuple[list[str], int]:
    """Failures of one run, and how many diagnostics it printed."""
    rc, out, err, tb = run_validate(cwd)
    where = f"{name} [{mode}]"
    if verbose:
        print("".join(f"{where}: {text}\n" for text in out.splitlines()), end="")
    if tb is not None:
        return [f"{where}: internal error\n{tb}"], 0
    problems = []
    if rc not in (0, 1):
        problems.append(f"{where}: exit code {rc}: {err.strip()}")
    diagnostics = 0
    for text in out.splitlines():
        if SUMMARY.match(text):
            continue
        m = LINE.match(text)
        if m is None:
            problems.append(f"{where}: not a diagnostic line: {text!r}")
            continue
        diagnostics += 1
        target = cwd / m["path"]
        line = int(m["line"])
        if m["code"] == "HJP900":
            problems.append(f"{where}: crashed rule: {text}")
        elif "YAML 语法错误（" in text:  # the fallback that quotes PyYAML's English problem
            problems.append(f"{where}: untranslated PyYAML message: {text}")
        elif target.is_file():
            if not 1 <= line <= line_count(target) + 1:
                problems.append(f"{where}: line outside the file ({line_count(target)} lines): {text}")
        elif not target.is_dir():
            problems.append(f"{where}: no such file: {text}")
    return problems, diagnostics


def build(root: Path, mode: str, raw: bytes) -> None:
    ledger = root / "ledger"
    ledger.mkdir()
    if mode == "town":
        (ledger / "town.yaml").write_bytes(raw)
        return
    (ledger / "town.yaml").write_text(TOWN, encoding="utf-8")
    (ledger / "tasks.yaml").write_bytes(raw)
    village = ledger / "villages" / "x"
    village.mkdir(parents=True)
    for stem in VILLAGE_FILES:
        (village / f"{stem}.yaml").write_bytes(raw)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", type=Path, help="a checkout of the yaml-test-suite data branch")
    parser.add_argument("--only", nargs="*", default=[], help="case IDs to run (default: all)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every line hjp printed too")
    args = parser.parse_args()
    os.environ["HJP_NO_CACHE"] = "1"
    os.environ["HJP_DEBUG"] = "1"
    os.environ.pop("HJP_LEDGER", None)
    todo = cases(args.suite, set(args.only))
    if not todo:
        print(f"no in.yaml found under {args.suite}", file=sys.stderr)
        return 2
    failures: list[str] = []
    diagnostics = runs = 0
    for name, path in todo:
        raw = path.read_bytes()
        for mode in ("village", "town"):
            with tempfile.TemporaryDirectory(prefix="hjp-yts-") as tmp:
                build(Path(tmp), mode, raw)
                problems, count = check(name, mode, Path(tmp), args.verbose)
            runs += 1
            diagnostics += count
            failures.extend(problems)
    for failure in failures:
        print(failure)
    internal = sum(": internal error" in f or ": crashed rule" in f for f in failures)
    print(f"{len(todo)} inputs, {runs} runs of hjp validate, {diagnostics} diagnostics, "
          f"{internal} internal errors, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
