"""The audit of issue 12's obligations on real git repositories: town.yaml's ``coverage_from``
moved later (like a deadline extension: a finding when it hides a quarter already overdue), and an
inspection entered long after its date."""

from __future__ import annotations

from test_log_audit import findings, hjp, repo  # noqa: F401  (repo is a fixture)

UNITS = """\
units:
  - id: DW-hejiapan-01
    name: 何家畔加油站
    sector: 危险化学品
    principal: 刘某
    since: 2025-07-01
    drill_required: false
"""

HIDDEN = ("之后它不再算作逾期，但它并没有完成；期限过后不应改动要求或范围，逾期应如实反映"
          "（确属录入错误的，请在合并请求中说明）")
AT = "ledgers/villages/hejiapan/units.yaml:2:1: error HJP504: "


def set_town(repo, extra: str) -> None:  # noqa: F811
    from conftest import TOWN_YAML

    repo.write("ledgers/town.yaml", TOWN_YAML + extra)


def test_coverage_from_moved_later_after_a_quarter_was_overdue(repo):  # noqa: F811
    repo.at("2026-01-05")
    repo.write("ledgers/villages/hejiapan/units.yaml", UNITS)
    repo.write("ledgers/villages/hejiapan/inspections.yaml",
               "inspections:\n  - {id: JC-2025-0001, date: 2025-08-01, unit: DW-hejiapan-01, kind: 主要负责人带队,"
               " led_by: 刘某}\n")
    set_town(repo, "coverage_from: 2025-07-01\n")
    repo.commit("单位、检查，检查覆盖从2025年第3季度算起")
    repo.at("2026-02-01")
    set_town(repo, "coverage_from: 2026-01-01\n")
    repo.commit("检查覆盖改从2026年算起")
    assert findings(hjp("audit", "--since", "HEAD~1")) == [
        f"{AT}带队检查 DW-hejiapan-01@2025Q4「何家畔加油站2025年第4季度主要负责人带队检查」在提交日期 2026-02-01 "
        f"已逾期 32 天（应于 2025-12-31 完成），这次提交改动了 town.yaml 的 coverage_from，{HIDDEN}"]


def test_coverage_from_set_before_anything_was_due_is_no_finding(repo):  # noqa: F811
    repo.at("2025-07-02")
    repo.write("ledgers/villages/hejiapan/units.yaml", UNITS)
    repo.commit("单位")
    repo.at("2025-08-01")  # no quarter of the unit has ended yet: nothing overdue is hidden
    set_town(repo, "coverage_from: 2025-10-01\n")
    repo.commit("检查覆盖从2025年第4季度算起")
    assert findings(hjp("audit", "--since", "HEAD~1")) == []


def test_an_inspection_entered_after_the_fact_then_voided(repo):  # noqa: F811
    repo.at("2026-01-05")
    repo.write("ledgers/villages/hejiapan/units.yaml", UNITS.replace("since: 2025-07-01", "since: 2025-10-01"))
    line = "  - {id: JC-2025-0001, date: 2025-11-01, unit: DW-hejiapan-01, kind: 主要负责人带队, led_by: 刘某"
    repo.write("ledgers/villages/hejiapan/inspections.yaml", f"inspections:\n{line}}}\n")
    repo.commit("检查")
    # an inspection's date is a completion date like any other (HJP503 reads them from the registry)
    assert findings(hjp("audit", "--since", "HEAD~1")) == [
        "ledgers/villages/hejiapan/inspections.yaml:2:1: error HJP503: JC-2025-0001 的 date 记为 2025-11-01，"
        "比设置它的提交日期 2026-01-05 早 65 天（超过 7 天），疑似事后补记或倒签日期；请核实"]
    repo.at("2026-02-01")
    repo.write("ledgers/villages/hejiapan/inspections.yaml",
               f"inspections:\n{line}, void: {{date: 2026-02-01, reason: 误录}}}}\n")
    repo.commit("作废检查")
    # voiding it brings the quarter back as overdue: that is not hidden work, so no finding
    assert findings(hjp("audit", "--since", "HEAD~1")) == []
