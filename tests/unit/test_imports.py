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
names = ["pydantic", "yaml", "jinja2", "docx", "openpyxl", "python_calamine", "rich.table", "matplotlib", "hjp.deadlines"]
sys.stderr.write("\\nLOADED=" + json.dumps([n for n in names if n in sys.modules]) + "\\n")
"""


def loaded_modules(args: list[str], cwd: Path) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", WRAPPER, json.dumps(args)], cwd=cwd, capture_output=True,
                          text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "HJP_NO_CACHE": "1"})
    marker = [line for line in proc.stderr.splitlines() if line.startswith("LOADED=")]
    assert marker, proc.stderr
    return json.loads(marker[-1][len("LOADED="):])


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["--version"], ["import", "plan", "--help"],
                                  ["import", "xlsx", "--help"], ["export", "xlsx", "--help"]])
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
        "hjp/messages.py",
        "hjp/cache.py", "hjp/deadlines.py", "hjp/status.py", "hjp/kinds.py", "hjp/yamltext.py", "hjp/edit.py",
        "hjp/transaction.py", *sorted(str(p.relative_to(REPO)) for p in (PKG / "rules").glob("*.py"))]


# hjp.api sits just under the CLI: it may hand back output's result types (CheckResult), never
# import the CLI itself.
def test_api_never_imports_the_cli():
    assert {m for m in MODULES["hjp/api.py"] if m.split(".")[:2] == ["hjp", "cli"]} == set()


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


def _runtime_imports(path: Path) -> set[str]:
    """Like ``_imports``, without the imports only type checkers see (``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden.update(id(n) for n in ast.walk(node))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def _module_graph() -> dict[str, set[str]]:
    names = {}
    for p in sorted(PKG.rglob("*.py")):
        mod = ".".join(p.relative_to(REPO).with_suffix("").parts)
        names[mod.removesuffix(".__init__")] = p
    graph: dict[str, set[str]] = {}
    for mod, p in names.items():
        deps = set()
        for m in _runtime_imports(p):
            while m and m not in names:
                m = m.rpartition(".")[0]
            if m and m != mod and m != "hjp":  # `from hjp import x` depends on x, not on the package
                deps.add(m)
        graph[mod] = deps
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    """Lazy imports inside functions count: a cycle through them is a cycle all the same
    (cache <-> load was one: the cache knew Loc's packed internals)."""
    assert _cycles(_module_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
