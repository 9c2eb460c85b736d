"""The message catalog, the code and docs/codes.md agree: every code hjp emits is in the catalog and
documented, every documented code is emitted, every catalog key is used and every key used is in the
catalog; no call passes wording of its own; the examples in docs/codes.md read as the catalog says."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from hjp import messages
from hjp.messages import MESSAGES

REPO = Path(__file__).resolve().parent.parent.parent
CODES_MD = (REPO / "docs" / "codes.md").read_text(encoding="utf-8")
CODE = re.compile(r"HJP\d{3}")
KEY = re.compile(r"HJP\d{3}(?:\.[a-z0-9_]+)*")
# Calls that build a diagnostic or a fragment of one from the catalog (and the wrappers that pass
# a key on: plandoc's ctx.warn, yamlread's YamlProblem and _at, sealed's Problem)
BUILDERS = {"error", "warning", "part", "Part", "warn", "YamlProblem", "_at", "Problem"}


def _sources() -> dict[str, ast.Module]:
    return {str(p.relative_to(REPO)): ast.parse(p.read_text(encoding="utf-8"))
            for p in sorted((REPO / "hjp").rglob("*.py")) if p.name != "messages.py"}


SOURCES = _sources()


def _constants() -> dict[str, set[str]]:
    """Every string constant of hjp/ (docstrings too) → the files it is in."""
    found: dict[str, set[str]] = {}
    for name, tree in SOURCES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.setdefault(node.value, set()).add(name)
    return found


CONSTANTS = _constants()


def test_every_key_used_is_in_the_catalog() -> None:
    """A constant that looks like a key (HJP204.deadline) or a code (HJP204) names an entry (no typos)."""
    unknown = {s: sorted(files) for s, files in CONSTANTS.items()
               if KEY.fullmatch(s) and s not in MESSAGES and not (CODE.fullmatch(s) and s in messages.codes())}
    assert unknown == {}
    for name, tree in SOURCES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in BUILDERS and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    assert first.value in MESSAGES, f"{name}:{node.lineno}: {first.value} is not in hjp/messages.py"


def test_every_catalog_key_is_used() -> None:
    """No template is dead: each key is written somewhere in hjp/ (as a constant, or in a table)."""
    assert sorted(k for k in MESSAGES if k not in CONSTANTS) == []


def test_emitted_catalogued_and_documented_codes_agree() -> None:
    emitted = {CODE.match(s).group() for s in CONSTANTS if KEY.fullmatch(s)}
    catalogued = messages.codes()
    documented = set(re.findall(r"^#{2,3} (HJP\d{3})\b", CODES_MD, re.M))
    assert sorted(emitted - catalogued) == [], "emitted but not in hjp/messages.py"
    assert sorted(catalogued - documented) == [], "in the catalog but not documented in docs/codes.md"
    assert sorted(documented - emitted) == [], "documented in docs/codes.md but emitted nowhere"


def _name(func: ast.expr) -> str | None:
    """The called name; APP.error/APP.fail (the CLI's own usage output, not a diagnostic) is not a builder."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "APP":
        return None
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _wording(node: ast.AST) -> ast.AST | None:
    """An f-string, a str.format / %-formatting, or a literal with non-ASCII text inside ``node``."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.JoinedStr):
            return sub
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and not sub.value.isascii():
            return sub
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "format" \
                and isinstance(sub.func.value, ast.Constant):
            return sub
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Mod) and isinstance(sub.left, ast.Constant) \
                and isinstance(sub.left.value, str):
            return sub
    return None


def test_no_call_passes_wording_of_its_own() -> None:
    """Messages come from the catalog: a diagnostic (or fragment) is built from a key and plain
    arguments, never from a sentence written at the call (docs/development.md, "Messages")."""
    bad = []
    for name, tree in SOURCES.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            first = node.args[0] if node.args else None
            keyed = isinstance(first, ast.Constant) and isinstance(first.value, str) and (
                first.value in MESSAGES or KEY.fullmatch(first.value))
            # error(...) / warning(...) / part(...) as imported; APP.error(...) is the CLI's usage output
            if not keyed and not (isinstance(node.func, ast.Name) and node.func.id in ("error", "warning", "part")):
                continue
            for arg in [*node.args[1:], *(kw.value for kw in node.keywords)]:
                found = _wording(arg)
                if found is not None:
                    bad.append(f"{name}:{found.lineno}: {ast.unparse(found)[:80]}")
    assert bad == []


def test_the_check_finds_inline_wording() -> None:
    """The AST check above can fail: an old-style call is caught."""
    tree = ast.parse('error("HJP213", f"关闭日期 {d} 早于开业日期", path)\nerror(code, "文件是空的", path)\n'
                     'warning("HJP217", path, what="日期" + x)\nerror("HJP213", path, x="%s 天" % n)\n'
                     'error("HJP013", path, name=name, files=[n + ".yaml" for n in expected])\n')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _name(n.func) in ("error", "warning")]
    assert [any(_wording(a) for a in [*c.args[1:], *(k.value for k in c.keywords)]) for c in calls] == [
        True, True, True, True, False]


def test_templates_are_well_formed() -> None:
    for key, template in MESSAGES.items():
        parsed = list(string.Formatter().parse(template))  # raises on a stray brace
        names = {field for _lit, field, _spec, _conv in parsed if field is not None}
        assert all(n.isidentifier() for n in names), key
        assert names == set(messages.fields(key)), key


# --------------------------------------------------------------------------- docs/codes.md's examples

EXAMPLE = re.compile(r"`[^`]*?:\d+:\d+: (error|warning) (HJP\d{3}): (.+?)`(?:\s|$|，|。|）)")


def _pattern(template: str) -> re.Pattern[str]:
    """A template as a regular expression: its text literally, each argument as any text."""
    out = []
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        out.append(re.escape(literal))
        if field is not None:
            out.append(".*?")
    return re.compile("".join(out), re.S)


def _prefixes(template: str) -> list[re.Pattern[str]]:
    """Patterns of every beginning of the template (for an example cut short)."""
    tokens: list[str] = []
    out = []
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        for j in range(1, len(literal) + 1):
            out.append(re.compile("".join(tokens) + re.escape(literal[:j]), re.S))
        tokens.append(re.escape(literal))
        if field is not None:
            tokens.append(".*?")
            out.append(re.compile("".join(tokens), re.S))
    return out


def _elided(template: str) -> str:
    """A note as docs/codes.md may write it: in full, or cut short with "…" before its last character
    (the commit an audit finding is in: "（提交 …）")."""
    whole = [_pattern(template).pattern]
    whole += [p.pattern + "…" + re.escape(template[-1]) for p in _prefixes(template)]
    return "(?:" + "|".join(whole) + ")"


# What the audit appends to a finding (Diagnostic.notes)
_NOTES = "(?:" + "|".join(_elided(MESSAGES[k]) for k in ("audit.backfill.declared", "audit.backfill.created",
                                                          "audit.commit")) + ")*"


def _examples() -> list[tuple[str, str, str]]:
    return [(m.group(2), m.group(1), m.group(3)) for m in EXAMPLE.finditer(CODES_MD)]


def test_docs_examples_are_found() -> None:
    codes = {code for code, _sev, _msg in _examples()}
    assert len(codes) >= 60  # the pattern still reads the document


def _reads_as(code: str, message: str) -> bool:
    """Whether ``message`` is a template of ``code`` with arguments filled in (and notes appended)."""
    cut = message.endswith("……")
    text = message[:-2] if cut else message
    templates = [t for k, t in MESSAGES.items() if k == code or k.startswith(code + ".")]
    return any(re.fullmatch(p.pattern + _NOTES, text, re.S)
               for t in templates for p in (_prefixes(t) if cut else [_pattern(t)]))


@pytest.mark.parametrize("code,severity,message", _examples(), ids=lambda v: v[:40] if isinstance(v, str) else v)
def test_each_example_in_codes_md_reads_as_the_catalog_says(code: str, severity: str, message: str) -> None:
    """An example is a template of its code with arguments filled in (one ending in "……" is cut
    short and matches the template's beginning; the audit's "（提交 …）" may follow): a wording
    changed in the catalog and not in the docs fails here."""
    templates = [t for k, t in MESSAGES.items() if k == code or k.startswith(code + ".")]
    assert _reads_as(code, message), f"{code}: no template of the catalog reads as\n  {message}\n  {templates}"


def test_an_example_in_other_words_fails() -> None:
    examples = {code: message for code, _sev, message in _examples()}
    assert _reads_as("HJP213", examples["HJP213"])
    assert not _reads_as("HJP213", examples["HJP213"].replace("请核对", "请检查"))
    assert not _reads_as("HJP503", examples["HJP503"].replace("疑似", "或许"))
