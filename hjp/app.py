"""The application: one object that owns what hjp says on the terminal and the exit code.

Commands (``hjp.cli``) parse options, call one function of ``hjp.api``, render its result with a
reporter (``hjp.output``) and leave through this object: ``error`` and ``refuse`` print a Chinese
message to stderr and exit with the refusal's code, ``notice`` and ``wait`` tell the clerk what is
going on, ``guard`` turns the library's refusals (``hjp.errors.HjpError`` and every error that
carries a ``message`` and a ``code``) into those, so no command repeats the pattern. Modelled on
hatch's ``Application``; it imports neither typer nor rich (stdout/stderr are looked up at each
call, so test runners that swap them see everything).

Exit codes (DESIGN §5): 0 clean, 1 findings or a refused change, 2 usage error or unreadable input.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterable, Iterator, NoReturn

if TYPE_CHECKING:
    from hjp.diagnostics import Diagnostic

PREFIX = "hjp: "


class Exit(SystemExit):
    """Leaving a command with an exit code (a SystemExit, so typer/click and CliRunner pass it on)."""


class Application:
    """hjp's terminal: the command's output on stdout, everything said to the clerk on stderr."""

    # -- what the command produced
    def out(self, text: str) -> None:
        sys.stdout.write(text)

    def line(self, text: str = "") -> None:
        sys.stdout.write(text + "\n")

    # -- what the clerk is told
    def say(self, text: str) -> None:
        """A line on stderr as it is (a summary such as "已生成 …")."""
        sys.stderr.write(text + "\n")

    def notice(self, text: str) -> None:
        sys.stderr.write(f"{PREFIX}提示：{text}\n")

    def wait(self, text: str) -> None:
        """A progress message (waiting for the ledger's lock): ``hjp: 正在等待…``."""
        sys.stderr.write(f"{PREFIX}{text}\n")

    def diagnostics(self, diags: Iterable[Diagnostic]) -> None:
        for d in diags:
            sys.stderr.write(f"{d}\n")

    # -- leaving
    def exit(self, code: int = 0) -> NoReturn:
        raise Exit(code)

    def fail(self, message: str, code: int = 2) -> Exit:
        """Print ``hjp: 错误：message`` and return the Exit to raise (``raise app.fail(...)``)."""
        sys.stderr.write(f"{PREFIX}错误：{message}\n")
        return Exit(code)

    def error(self, message: str, code: int = 2) -> NoReturn:
        raise self.fail(message, code)

    def refuse(self, exc: BaseException) -> NoReturn:
        """A library refusal: its message, then the diagnostics behind it; exit with its code."""
        message = getattr(exc, "message", None) or str(exc)
        sys.stderr.write(f"{PREFIX}错误：{message}\n")
        self.diagnostics(getattr(exc, "diagnostics", None) or [])
        code = getattr(exc, "code", 2)
        raise Exit(code if isinstance(code, int) and code in (1, 2) else 2)

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Run library code; a refusal becomes its message and exit code (never a traceback)."""
        from hjp.errors import HjpError

        try:
            yield
        except HjpError as exc:
            self.refuse(exc)
        except Exception as exc:
            # Errors of the other areas (SealError, PlanError, ReportError, GitError…) carry a
            # message for the clerk and an exit code too; anything else is a bug and goes on.
            if isinstance(getattr(exc, "message", None), str) and isinstance(getattr(exc, "code", None), int):
                self.refuse(exc)
            raise


APP = Application()
