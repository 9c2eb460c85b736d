"""Standard output and error as the clerk's console can take them (stdlib only, imported at start-up).

Not every console speaks UTF-8: a Chinese Windows console redirected to a file or pipe writes GBK
(cp936), ``PYTHONIOENCODING=gbk`` or an ASCII locale narrow it further, and GBK has no 䶮 and no
emoji. Python's default for such a stream is to raise UnicodeEncodeError halfway through the
output. hjp instead degrades: a character the stream cannot encode becomes ``?`` in text, while
machine-read formats stay lossless — JSON writes ``\\uXXXX`` escapes and XML character references
(``ascii_only``) — so a script or CI parser gets every character back.
"""

from __future__ import annotations

import codecs
import sys
from typing import IO, Any


def prepare_streams() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` replace what they cannot encode instead of raising.

    Called once, first thing, by the CLI entry point; the encoding itself is left as Python chose it
    (the console's, or the locale's when redirected), since that is what the reading side expects.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # a closed or exotic stream: leave it as it is
                pass


def is_utf8(stream: IO[Any]) -> bool:
    """Whether ``stream`` can take any character: a UTF-8 stream, or a text buffer (no encoding)."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return True
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig", "utf-16", "utf-32", "gb18030")
    except LookupError:
        return False


def ascii_only(stream: IO[Any]) -> bool:
    """Whether a machine-read format (JSON, XML) written to ``stream`` should escape non-ASCII
    characters to stay lossless: when the stream cannot encode every character."""
    return not is_utf8(stream)
