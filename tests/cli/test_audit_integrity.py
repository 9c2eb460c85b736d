"""What an adversarial review found the audit and the sealed store let through (F3–F8), each
reproduced in a real git repository: the audit must catch it, and hjp's own commands must not
trip it."""

from __future__ import annotations

import shutil

from test_log_audit import HAZARDS, TASKS, findings, hjp, repo  # noqa: F401  (repo: the fixture)
from test_sealed_cli import World, sealed_world  # noqa: F401  (sealed_world: the fixture)

ONE_OFF = TASKS + """\
  - id: RW-3
    title: 完成自建房安全隐患整治
    lead: [张志瑞]
    deadline: 2026-03-31
"""


def test_an_overdue_one_off_task_turned_ongoing_is_found(repo):
    """F6: RW-3, overdue since 2026-03-31, made `ongoing: true` becomes merely stale (both fail
    `hjp check`, so comparing the failing sets saw nothing), and a progress note then clears it."""
    repo.at("2026-01-05")
    repo.write("ledgers/tasks.yaml", ONE_OFF)
    repo.commit("任务")
    repo.at("2026-06-01")
    repo.write("ledgers/tasks.yaml", ONE_OFF.replace("    deadline: 2026-03-31\n", "    ongoing: true\n"))
    repo.commit("改为长期坚持")
    assert findings(hjp("audit", "--since", "HEAD~1")) == [
        "ledgers/tasks.yaml:13:1: error HJP504: 任务 RW-3「完成自建房安全隐患整治」在提交日期 2026-06-01 已逾期 62 天"
        "（应于 2026-03-31 完成），这次提交改动了 ongoing、deadline，之后它不再算作逾期，但它并没有完成；"
        "期限过后不应改动要求或范围，逾期应如实反映（确属录入错误的，请在合并请求中说明）"]
    repo.at("2026-06-02")
    assert hjp("done", "RW-3", "--on", "2026-06-02", "--note", "开展专项整治", "--commit", today=repo.day).exit_code == 0
    assert findings(hjp("audit", "--since", "HEAD~1")) == []  # the note itself is a real progress entry
    # made ongoing and given a progress note in one commit: still not done
    repo.git("reset", "-q", "--hard", "HEAD~2")
    repo.write("ledgers/tasks.yaml", ONE_OFF.replace("    deadline: 2026-03-31\n", "    ongoing: true\n"
                                                     "    progress:\n      - {date: 2026-06-01, note: 开展专项整治}\n"))
    repo.commit("改为长期坚持并登记进展")
    assert [f.split(": ")[1] for f in findings(hjp("audit", "--since", "HEAD~1"))] == ["error HJP504"]


def test_an_overdue_task_done_on_time_is_still_fine(repo):
    """The per-state comparison must not turn a real completion into a finding."""
    repo.at("2026-01-05")
    repo.write("ledgers/tasks.yaml", ONE_OFF)
    repo.commit("任务")
    repo.at("2026-06-01")
    assert hjp("done", "RW-3", "--on", "2026-06-01", "--commit", today=repo.day).exit_code == 0
    assert findings(hjp("audit", "--since", "HEAD~1")) == []
