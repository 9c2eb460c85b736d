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


def write_document(stream: IO[Any], text: str) -> int:
    """Write a document (a report's Markdown) to ``stream`` without losing a character where it can.

    Redirected to a file or pipe (``hjp report self-check > 报告.md``), a stream that cannot encode
    every character gets the document as UTF-8 bytes: it is a file, and a GBK one turned 王䶮 into
    王? without a word. On a terminal that cannot show every character the text degrades to ``?``;
    returns how many characters did (0: none), so the caller can say so and point to ``-o``.
    """
    if is_utf8(stream):
        stream.write(text)
        return 0
    buffer = getattr(stream, "buffer", None)
    if buffer is not None and not _isatty(stream):
        stream.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
        return 0
    encoding = getattr(stream, "encoding", None) or "ascii"
    lost = sum(1 for ch in set(text) if not _encodes(ch, encoding)) and \
        sum(1 for ch in text if not _encodes(ch, encoding))
    stream.write(text)
    return lost


def _isatty(stream: IO[Any]) -> bool:
    try:
        return bool(stream.isatty())
    except (ValueError, OSError):
        return False


def _encodes(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
        return True
    except (UnicodeEncodeError, LookupError):
        return False
