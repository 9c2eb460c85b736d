"""Start-up benchmark: `hjp --help`, `hjp validate --help` and `hjp validate` on the shipped ledger.

Each command is timed as a whole process against a reference process measured in the same run
(interleaved, so a busy machine slows both alike) and reported as a ratio with its target:

    /tmp/venv/bin/python tests/benchmarks/bench_startup.py [--runs 15] [--other-python PY]

``--other-python`` times the help commands once more with another interpreter that has hjp
installed (e.g. a throwaway venv with typer 0.29) and prints those figures too; the result of
that comparison is recorded in tests/benchmarks/README.md. The help path must import neither
pydantic, yaml nor jinja2: this script checks it and fails if it does.
Exit status: 0 when every target passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("pydantic", "yaml", "jinja2")


def hjp_cmd(python: str) -> list[str]:
    script = Path(python).with_name("hjp")
    return [str(script)] if script.exists() else [python, "-m", "hjp"]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=REPO)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
    return elapsed


def medians(cmds: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict[str, float]:
    """Median wall time of each command; the commands take turns so that noise hits all alike."""
    for cmd in cmds.values():  # warm the OS file cache
        timed(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            times[name].append(timed(cmd, env))
    return {name: statistics.median(ts) for name, ts in times.items()}


def heavy_imports(python: str, argv: list[str], env: dict[str, str]) -> list[str]:
    """Which of pydantic/yaml/jinja2 running ``hjp <argv>`` imports."""
    code = ("import sys\nfrom hjp.cli import main\nsys.argv = ['hjp', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"sys.stderr.write(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))\n")
    proc = subprocess.run([python, "-c", code, *argv], capture_output=True, text=True, env=env, cwd=REPO)
    return proc.stderr.split()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--other-python", help="another interpreter with hjp installed (e.g. typer 0.29)")
    args = ap.parse_args()
    py = sys.executable
    env = {**os.environ, "HJP_LEDGER": str(REPO / "ledgers")}
    env.pop("HJP_NO_CACHE", None)
    # An installed wheel has byte-compiled modules; an editable checkout may not (PYTHONDONTWRITEBYTECODE).
    compileall.compile_dir(REPO / "hjp", quiet=1)
    hjp = hjp_cmd(py)
    ledger = str(REPO / "ledgers")
    cmds = {
        "ref: import typer, rich.console": [py, "-c", "import typer, rich.console"],
        "ref: import typer, pydantic, yaml": [py, "-c", "import typer, pydantic, yaml"],
        # `import pydantic` is lazy and loads no BaseModel machinery; this one does (informational).
        "ref: ... + BaseModel": [py, "-c", "import typer, yaml; from pydantic import BaseModel"],
        "hjp --help": [*hjp, "--help"],
        "hjp validate --help": [*hjp, "validate", "--help"],
        "hjp validate (shipped, no cache)": [*hjp, "validate", "--ledger", ledger],
        "hjp validate (shipped, cache)": [*hjp, "validate", "--ledger", ledger],
    }
    no_cache_env = {**env, "HJP_NO_CACHE": "1"}
    t = medians({k: v for k, v in cmds.items() if "no cache" not in k}, args.runs, env)
    t.update(medians({k: v for k, v in cmds.items() if "no cache" in k}, args.runs, no_cache_env))
    # The no-cache run is measured in its own round: re-measure its reference alongside it.
    t_ref_nc = medians({"ref": cmds["ref: import typer, pydantic, yaml"],
                        "nc": cmds["hjp validate (shipped, no cache)"]}, args.runs, no_cache_env)

    rows = [
        ("hjp --help", t["hjp --help"], "import typer, rich.console", t["ref: import typer, rich.console"], 1.3),
        ("hjp validate --help", t["hjp validate --help"], "import typer, rich.console",
         t["ref: import typer, rich.console"], 1.3),
        ("hjp validate ledgers/ (cache)", t["hjp validate (shipped, cache)"], "import typer, pydantic, yaml",
         t["ref: import typer, pydantic, yaml"], 1.5),
        ("hjp validate ledgers/ (no cache)", t_ref_nc["nc"], "import typer, pydantic, yaml", t_ref_nc["ref"], 1.5),
        ("hjp validate ledgers/ (cache)", t["hjp validate (shipped, cache)"], "... + pydantic BaseModel",
         t["ref: ... + BaseModel"], None),
    ]
    ok = True
    print(f"median of {args.runs} runs each, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"{'measurement':34} {'s':>7}  {'reference':28} {'s':>7} {'ratio':>6} {'target':>7}  result")
    for name, value, ref_name, ref, target in rows:
        ratio = value / ref
        verdict = "" if target is None else "PASS" if ratio <= target else "FAIL"
        ok &= verdict != "FAIL"
        print(f"{name:34} {value:7.3f}  {ref_name:28} {ref:7.3f} {ratio:6.2f} "
              f"{'' if target is None else '≤ ' + str(target):>7}  {verdict}")
    for argv in (["--help"], ["validate", "--help"]):
        found = heavy_imports(py, argv, env)
        ok &= not found
        print(f"hjp {' '.join(argv)} imports {', '.join(found) or 'none of ' + '/'.join(HEAVY)}: "
              f"{'FAIL' if found else 'PASS'}")

    if args.other_python:
        def typer_version(python: str) -> str:
            return subprocess.run([python, "-c", "import importlib.metadata as m; print(m.version('typer'))"],
                                  capture_output=True, text=True).stdout.strip()

        other = args.other_python
        o = medians({"ref": [py, "-c", "import typer, rich.console"],
                     "this help": [*hjp, "--help"], "this validate help": [*hjp, "validate", "--help"],
                     "other help": [*hjp_cmd(other), "--help"],
                     "other validate help": [*hjp_cmd(other), "validate", "--help"]}, args.runs, env)
        tv, ov = typer_version(py), typer_version(other)
        print(f"\ntyper {tv} vs typer {ov} (same run; ratio to `import typer, rich.console` with typer {tv}):")
        for label, key_this, key_other in (("hjp --help", "this help", "other help"),
                                           ("hjp validate --help", "this validate help", "other validate help")):
            print(f"  {label:22} typer {tv}: {o[key_this]:.3f} s ({o[key_this] / o['ref']:.2f}×)   "
                  f"typer {ov}: {o[key_other]:.3f} s ({o[key_other] / o['ref']:.2f}×)")
        print(f"  typer {ov} help path imports: {', '.join(heavy_imports(other, ['validate', '--help'], env)) or 'none'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
