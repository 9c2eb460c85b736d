"""Start-up cost and layering: what each command path imports (in a fresh subprocess), and who imports whom."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
PKG = REPO / "hjp"

# Runs hjp's real entry point with the given argv, then reports which watched modules got imported.
WRAPPER = """\
import json, sys
sys.argv = ["hjp", *json.loads(sys.argv[1])]
from hjp.cli import main
try:
    main()
except SystemExit:
    pass
names = ["pydantic", "yaml", "jinja2", "docx", "openpyxl", "python_calamine", "rich.table", "matplotlib"]
sys.stderr.write("\\nLOADED=" + json.dumps([n for n in names if n in sys.modules]) + "\\n")
"""


def loaded_modules(args: list[str], cwd: Path) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", WRAPPER, json.dumps(args)], cwd=cwd, capture_output=True,
                          text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "HJP_NO_CACHE": "1"})
    marker = [line for line in proc.stderr.splitlines() if line.startswith("LOADED=")]
    assert marker, proc.stderr
    return json.loads(marker[-1][len("LOADED="):])


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["--version"], ["import", "plan", "--help"],
                                  ["export", "xlsx", "--help"]])
def test_help_imports_no_heavy_modules(args):
    assert loaded_modules(args, REPO) == []


def test_validate_imports_no_report_modules():
    loaded = loaded_modules(["validate", "--ledger", "ledgers"], REPO)
    assert "pydantic" in loaded and "yaml" in loaded  # it really validated
    assert [m for m in loaded if m not in ("pydantic", "yaml")] == []


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            pkg = ".".join(path.relative_to(REPO).with_suffix("").parts[:-node.level])
            base = f"{pkg}.{node.module}" if node.module else pkg
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


MODULES = {str(p.relative_to(REPO)): _imports(p) for p in sorted(PKG.rglob("*.py"))}


def _importers(prefix: str) -> set[str]:
    return {f for f, mods in MODULES.items() if any(m == prefix or m.startswith(prefix + ".") for m in mods)}


def test_only_cli_imports_typer():
    assert _importers("typer") <= {"hjp/cli.py"}


def test_only_cli_and_output_import_rich():
    assert _importers("rich") <= {"hjp/cli.py", "hjp/output.py"}


CORE = ["hjp/model.py", "hjp/load.py", "hjp/layout.py", "hjp/yamlread.py", "hjp/schema_errors.py", "hjp/diagnostics.py",
        "hjp/cache.py", "hjp/deadlines.py", "hjp/status.py", "hjp/kinds.py", "hjp/yamltext.py", "hjp/edit.py",
        "hjp/transaction.py", "hjp/api.py", *sorted(str(p.relative_to(REPO)) for p in (PKG / "rules").glob("*.py"))]


@pytest.mark.parametrize("core", CORE)
def test_core_never_imports_cli_output_or_report(core):
    if core not in MODULES:
        pytest.skip(f"{core} does not exist yet")
    bad = {m for m in MODULES[core] if m.split(".")[:2] in (["hjp", "cli"], ["hjp", "output"], ["hjp", "report"])}
    assert bad == set()


HISTORY = ["hjp/gitio.py", "hjp/quickyaml.py", "hjp/history.py", "hjp/audit.py", "hjp/auditrules.py"]


@pytest.mark.parametrize("module", HISTORY)
def test_history_side_renders_nothing(module):
    """git plumbing, record history and the audit rules return values; output.py renders them."""
    bad = {m for m in MODULES[module] if m.split(".")[:2] in (["hjp", "cli"], ["hjp", "output"], ["hjp", "report"])
           or m.split(".")[0] in ("typer", "rich")}
    assert bad == set()
