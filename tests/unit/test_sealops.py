"""sealops.write_all: every file or none, also when the operating system fails half-way."""

from __future__ import annotations

from pathlib import Path

import pytest

from hjp import sealops
from hjp.sealed import SealError


def test_a_failure_half_way_puts_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = tmp_path / "ledger/sealed/access.log"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old\n")
    writes = [sealops.Write(old, b"old\n", b"old\nnew\n"),
              sealops.Write(tmp_path / "ledger/sealed/YH-1.age", None, b"sealed"),
              sealops.Write(tmp_path / "ledger/deeper/x/YH-2.age", None, b"sealed")]
    real = sealops.write_atomic
    calls = []

    def failing(path: Path, data: bytes, **kw: object) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(path, data, **kw)

    monkeypatch.setattr(sealops, "write_atomic", failing)
    with pytest.raises(SealError) as err:
        sealops.write_all(writes, tmp_path, str)
    assert err.value.message == "写入失败（磁盘空间不足），未写入任何内容"
    assert old.read_bytes() == b"old\n"
    assert not (tmp_path / "ledger/sealed/YH-1.age").exists() and not (tmp_path / "ledger/deeper").exists()


def test_a_file_changed_since_it_was_planned_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "access.log"
    path.write_bytes(b"a\n")
    with pytest.raises(SealError, match="在此期间被修改过，未写入任何内容"):
        sealops.write_all([sealops.Write(path, b"b\n", b"c\n")], tmp_path, str)
    with pytest.raises(SealError, match="在此期间被修改过"):
        sealops.write_all([sealops.Write(path, None, b"c\n")], tmp_path, str)  # it was to be created
    assert path.read_bytes() == b"a\n"


def test_nothing_is_written_outside_the_repository(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "repo/sealed").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(SealError, match="经符号链接指向仓库之外"):
        sealops.write_all([sealops.Write(tmp_path / "repo/sealed/YH-1.age", None, b"x")], tmp_path / "repo", str)
    assert list((tmp_path / "elsewhere").iterdir()) == []
