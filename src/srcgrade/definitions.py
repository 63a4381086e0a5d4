"""Named regex fragments of a lexicon file (``define:``), written once and used as ``(?&name)``.

YAML cannot join strings, so without names a fragment that several entries need (a person's name
word, a list of roles) is copied into each, and a fix must find every copy. A lexicon file names
such a fragment under ``define:`` and its regexes (entry patterns and vetoes) call it with PCRE's
named-subpattern syntax ``(?&name)``. Python's ``re`` rejects that syntax, so a reference that was
not expanded can never match literal text: it is an error, not a silent miss.

Expansion is textual and happens when the file loads, before anything compiles or analyses a
pattern; each use becomes a group, ``(?:...)``, so an alternation inside the fragment stays inside
(``re`` compiles such a group to nothing: the regex is the one a copy would give, and the prefix
finder of ``pattern_scan`` files the entry as before). A fragment with spaces or ``#`` is wrapped
as ``(?-x:...)``, so that it means the same inside a verbose ``(?x)`` veto; a fragment that starts
with its own flags (a verbose ``(?x)`` one, written over several lines) keeps them, scoped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from srcgrade.model import Problem
from srcgrade.yamlio import YamlDoc, did_you_mean

REGEX_KEYS = ("pattern", "unless_followed_by", "unless_preceded_by")
"""An entry's regex-valued keys (each a string, or for the vetoes a list of strings)."""

_NAME = re.compile(r"[A-Za-z_]\w*", re.ASCII)
# A reference, or a piece of regex to step over whole: an escape ("\(" is no group) or a
# character class ("[(?&x)]" is a set of characters).
_TOKEN = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|\(\?&(\w+)\)|[^\\\[(]+|.", re.DOTALL)
_LEADING_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")


class DefinitionError(ValueError):
    """A reference that cannot be expanded; the message says which and what to do."""


def references(pattern: str) -> list[str]:
    """The names ``pattern`` calls with ``(?&name)``, in order (outside escapes and classes)."""
    return [m.group(1) for m in _TOKEN.finditer(pattern) if m.group(1)]


def _wrapped(fragment: str) -> str:
    """``fragment`` as one group that means the same wherever it is put: its leading flags
    scoped to it ("(?x)" cannot stand mid-pattern), and verbose mode off when it holds spaces or
    "#" and is not verbose itself. A verbose fragment may end in a comment: close on a new line."""
    flags = _LEADING_FLAGS.match(fragment)
    own, body = (flags.group(1), fragment[flags.end():]) if flags else ("", fragment)
    off = "-x" if "x" not in own and _read_otherwise_when_verbose(body) else ""
    end = "\n)" if "x" in own else ")"
    return f"(?{own}{off}:{body}{end}"


def _read_otherwise_when_verbose(fragment: str) -> bool:
    """Whether verbose mode would drop part of ``fragment``: a space or "#" outside a character
    class and not escaped."""
    return any(not token.startswith(("\\", "[")) and re.search(r"[\s#]", token)
               for token in (m.group(0) for m in _TOKEN.finditer(fragment)))


@dataclass
class Definitions:
    """A file's ``define:`` fragments, expanded (their own references resolved), by name."""

    expanded: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int | None] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)
    """Names whose definition was reported as a problem: entries using them are left out."""

    def expand(self, pattern: str, within: str | None = None) -> str:
        """``pattern`` with every ``(?&name)`` replaced by its group; DefinitionError for a name
        that is not defined, or whose definition is broken. ``within``: the definition being
        expanded, never offered as the name meant."""
        def replace(token: re.Match[str]) -> str:
            name = token.group(1)
            if not name:
                return token.group(0)
            if name in self.broken:
                line = self.lines.get(name)
                where = f" (line {line})" if line else ""
                raise DefinitionError(f"uses (?&{name}), whose definition{where} is broken; "
                                      "fix it there")
            if name not in self.expanded:
                raise DefinitionError(_unknown(name, set(self.lines) - {within}))
            return _wrapped(self.expanded[name])
        return _TOKEN.sub(replace, pattern)


def _unknown(name: str, known: Iterable[str]) -> str:
    hint = did_you_mean(name, known, form="(?&{})")
    return (f"uses (?&{name}), which is not defined; {hint}add it under `define:` at the top "
            "of the file, or fix the name")


def load_definitions(doc: YamlDoc, data: dict[str, Any], broken: set[Any]
                     ) -> tuple[Definitions, list[Problem]]:
    """The file's definitions, each expanded and compiled once on its own, so that a mistake in
    one is reported once, at its line (an entry that uses it then only names it). ``broken``:
    names the schema check already reported."""
    raw = data.get("define") or {}
    found = Definitions(lines={name: doc.line_of(("define", name)) for name in raw},
                        broken={str(name) for name in broken})
    problems: list[Problem] = []

    def report(name: str, message: str) -> None:
        problems.append(doc.problem(f"define: '{name}' {message}", ("define", name)))

    for name in raw:
        _settle(name, raw, found, [], report)
    return found, problems


def _settle(name: str, raw: Mapping[str, str], found: Definitions, chain: list[str],
            report: Callable[[str, str], None]) -> None:
    """Expand definition ``name`` into ``found`` (the ones it uses first, depth first), or mark
    it broken and report why; ``chain``: the definitions being expanded that led here."""
    if name in found.expanded or name in found.broken:
        return
    message = _bad_name(name)
    if message is None and name in chain:
        cycle = " -> ".join([*chain[chain.index(name):], name])
        message = (f"refers back to itself ({cycle}); a definition cannot use itself, so write "
                   "one of them out in full")
    if message is None:
        for used in references(raw[name]):
            if used in raw:
                _settle(used, raw, found, [*chain, name], report)
        if name in found.broken:  # reported while its cycle was followed
            return
        try:
            fragment = found.expand(raw[name], within=name)
            re.compile(_wrapped(fragment))
        except DefinitionError as error:
            message = str(error)
        except re.error as error:
            message = f"is not a valid regular expression ({error})"
    if message:
        found.broken.add(name)
        report(name, message)
    else:
        found.expanded[name] = fragment


def _bad_name(name: str) -> str | None:
    if _NAME.fullmatch(name):
        return None
    return ("cannot be called as (?&name); use a name of letters, digits and _ that does not "
            "start with a digit")


def expand_entry(doc: YamlDoc, raw: dict[str, Any], keys: tuple[Any, ...], found: Definitions
                 ) -> tuple[dict[str, Any], Problem | None]:
    """The entry with its regexes expanded (the others as they are), or the problem of the first
    reference that cannot be, at the line of the key (of the list item, for a veto list)."""
    if not any("(?&" in str(raw.get(key)) for key in REGEX_KEYS):
        return raw, None
    expanded = dict(raw)
    for key in REGEX_KEYS:
        value = raw.get(key)
        items = value if isinstance(value, list) else [value]
        done = []
        for index, item in enumerate(items):
            try:
                done.append(item if item is None else found.expand(item))
            except DefinitionError as error:
                where = (*keys, key, index) if isinstance(value, list) else (*keys, key)
                return raw, doc.problem(f"entry '{raw['id']}': {key} {error}", where)
        expanded[key] = done if isinstance(value, list) else done[0]
    return expanded, None
