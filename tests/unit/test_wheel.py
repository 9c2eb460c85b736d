"""An installed wheel (not the checkout) finds its built-in templates and schemas and renders a report."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


def test_wheel_ships_templates_and_schemas_and_renders(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(tmp_path / "dist"), str(REPO)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("hjp-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    # A ledger outside any repository with its own templates/, so only the built-ins can serve.
    ledger = tmp_path / "work" / "ledgers"
    ledger.mkdir(parents=True)
    (ledger / "town.yaml").write_bytes((REPO / "ledgers" / "town.yaml").read_bytes())
    code = ("import sys; from hjp.resources import templates_dir, schemas_dir\n"
            "print(templates_dir().is_dir(), (templates_dir() / 'self-check.md.j2').is_file(),"
            " (schemas_dir() / 'hazards.schema.json').is_file(), str(templates_dir()).startswith(sys.argv[1]))")
    env = {**os.environ, "PYTHONPATH": str(site), "HJP_NO_CACHE": "1"}
    out = subprocess.run([sys.executable, "-c", code, str(site)], cwd=tmp_path / "work", env=env,
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True", "True"]
    report = subprocess.run([sys.executable, "-m", "hjp", "report", "self-check", "--ledger", "ledgers",
                             "--as-of", "2026-12-15"], cwd=tmp_path / "work", env=env, capture_output=True, text=True)
    assert report.returncode == 0, report.stderr
    assert report.stdout.startswith("# 关于《何家畔镇安全生产治本攻坚三年行动实施方案（2024-2026年）》落实情况的自查总结报告\n")
