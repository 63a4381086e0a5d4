"""Safe YAML reading that remembers line numbers, and schema checks that report ``file:line``.

Problems are collected, never raised: one broken file must not cost the user the others. Only
PyYAML's ``SafeLoader`` is used, so a tag such as ``!!python/object`` is an error, not code.
"""

from __future__ import annotations

import difflib
import json
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from srcgrade.model import Problem

if TYPE_CHECKING:  # jsonschema is imported when a schema is first checked (0.05 s at start-up)
    import jsonschema

MAX_FILE_BYTES = 10 * 1024 * 1024
"""YAML and article texts above this are refused: a rubric or an article is never that large."""

PathKey = tuple[str | int, ...]

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (several times faster), else the pure one.
Either way only plain data is constructed: a tag such as ``!!python/object`` is an error."""


@dataclass
class YamlDoc:
    """A parsed YAML file with the line (1-based) of every key and list item in it."""

    path: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    repeated_keys: list[tuple[PathKey, Problem]] = field(default_factory=list)
    """Keys given twice, each with its problem: ``schema_errors`` reports them with the schema's,
    so a loader that leaves out broken items leaves out only the item holding one."""

    def line_of(self, keys: PathKey = ()) -> int | None:
        """The line of the deepest node on ``keys`` that the file has."""
        for depth in range(len(keys), -1, -1):
            line = self.lines.get(tuple(keys[:depth]))
            if line is not None:
                return line
        return None

    def problem(self, message: str, keys: PathKey = ()) -> Problem:
        return Problem(self.path, self.line_of(keys), message)


def read_text_file(path: Path, display: str | None = None) -> tuple[str | None, Problem | None]:
    """Read a UTF-8 text file within the size limit, or say what is wrong and what to do."""
    shown = display or str(path)
    try:
        status = path.stat()
    except FileNotFoundError:
        return None, Problem(shown, None, "file not found; check the path")
    except OSError as error:
        return None, Problem(shown, None, f"cannot read: {error.strerror}")
    if stat.S_ISDIR(status.st_mode):
        return None, Problem(shown, None, "is a folder, not a file; give the path of one file")
    size = status.st_size
    if size > MAX_FILE_BYTES:
        return None, Problem(
            shown,
            None,
            f"file is {size / 1e6:.1f} MB, over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit; "
            "split it or trim it",
        )
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, Problem(shown, None, f"cannot read: {error.strerror}; check its permissions")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, Problem(
            shown, line, f"not valid UTF-8 (byte {error.start}); save the file as UTF-8"
        )


@cache
def _loader_class(base: type) -> type:
    """``base`` reading a date (``2024-01-29``) as the text it is: the schemas check dates, so
    a mistyped one (``2023-13-10``) is reported at its line instead of raising in the loader."""

    class PlainDates(base):  # type: ignore[valid-type, misc]
        pass

    PlainDates.add_constructor("tag:yaml.org,2002:timestamp", lambda ld, node: node.value)
    return PlainDates


def parse_yaml(text: str, display: str) -> tuple[YamlDoc | None, Problem | None]:
    """Parse YAML text safely into data plus a map of line numbers.

    A key given twice is a problem, but the document is still returned with it (in
    ``repeated_keys``): a loader that can leave out one broken item (a lexicon entry, a
    criterion) reads on; the others stop at the problem, as with any other."""
    loader = _loader_class(SAFE_LOADER)(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or ""
        by_tab = "tab" in problem or "\\t" in problem or "cannot start any token" in problem
        tab = _indenting_tab(text, mark.line) if mark and by_tab else None
        if tab is not None:
            return None, Problem(display, line, (
                f"a tab (column {tab}) indents this line; YAML indents with spaces only: "
                "replace the tab with spaces"))
        what = error.problem or "malformed YAML"
        if what.startswith("found undefined alias") and mark:
            return None, Problem(display, line, _undefined_alias(text, mark.line, mark.column))
        if "could not determine a constructor" in (error.problem or ""):
            what = f"{what} (YAML tags are not allowed; srcgrade reads plain data only)"
        return None, Problem(display, line, f"{what}; fix the YAML syntax")
    except yaml.YAMLError as error:
        return None, Problem(display, None, f"malformed YAML: {error}")
    finally:
        loader.dispose()
    data = _string_keys(data)
    lines: dict[PathKey, int] = {}
    twice: list[tuple[PathKey, int]] = []
    if node is not None:
        _collect_lines(node, (), lines, twice)
    doc = YamlDoc(display, data, lines,
                  [(keys, _given_twice(display, data, lines, keys, line)) for keys, line in twice])
    return doc, (doc.repeated_keys[0][1] if twice else None)


def _given_twice(display: str, data: Any, lines: dict[PathKey, int], keys: PathKey,
                 line: int) -> Problem:
    """A key given twice in one mapping: YAML requires unique keys, and a loader that kept the
    last one would drop the first without a word (a criterion block copied and not renamed)."""
    entry = _entry_name(data, keys[:2]) if len(keys) > 2 else None
    where = f"{entry}: " if entry else ""
    message = (f"{where}key '{keys[-1]}' is given twice (first at line {lines[keys]}); YAML "
               "keys must be unique: rename or remove one")
    return Problem(display, line, message)


_ANCHOR_NAME = re.compile(r"[^\s,\[\]{}]+")


def _undefined_alias(text: str, line: int, column: int) -> str:
    """What libyaml says as "found undefined alias", with the alias it means and a guess among
    the anchors defined above it: an entry's `*not_claimd` is a typo of a shared veto."""
    lines = text.splitlines()
    row = lines[line] if 0 <= line < len(lines) else ""
    name = _ANCHOR_NAME.match(row, column + 1) if row[column:column + 1] == "*" else None
    if name is None:
        return "found undefined alias"
    before = "\n".join([*lines[:line], row[:column]])
    anchors = {m.group(0) for m in re.finditer(r"(?<=&)[^\s,\[\]{}]+", before)}
    guess = did_you_mean(name.group(0), anchors, form="'*{}'")
    return (f"alias '*{name.group(0)}' refers to no anchor (&{name.group(0)}) above it; "
            f"{guess}define the anchor before its first use, or fix the spelling")


def _indenting_tab(text: str, line: int) -> int | None:
    """The 1-based column of a tab in the indentation of ``line`` (0-based), if there is one.

    PyYAML says "found character '\\t' that cannot start any token", libyaml "found character
    that cannot start any token" or "found a tab character that violates indentation", always
    on the line of the tab: a reader who indented with the Tab key learns nothing from either.
    """
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return None
    row = lines[line]
    indent = row[: len(row) - len(row.lstrip(" \t"))]
    return indent.index("\t") + 1 if "\t" in indent else None


def load_yaml(path: Path, display: str | None = None) -> tuple[YamlDoc | None, Problem | None]:
    text, problem = read_text_file(path, display)
    if problem:
        return None, problem
    assert text is not None
    return parse_yaml(text, display or str(path))


def _string_keys(data: Any) -> Any:
    """Mapping keys as strings, as JSON has them: YAML reads `1:` as an integer key."""
    if isinstance(data, dict):
        return {
            (str(k) if isinstance(k, int | float) and not isinstance(k, bool) else k): _string_keys(
                v
            )
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_string_keys(v) for v in data]
    return data


def _collect_lines(node: yaml.Node, keys: PathKey, lines: dict[PathKey, int],
                   twice: list[tuple[PathKey, int]]) -> None:
    """The line of every key path; ``twice`` gets each key given again in its mapping."""
    lines.setdefault(keys, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            child = (*keys, key)
            if isinstance(key, str) and key in seen and key_node.tag != "tag:yaml.org,2002:merge":
                twice.append((child, key_node.start_mark.line + 1))
                continue
            if isinstance(key, str):
                seen.add(key)
            lines[child] = key_node.start_mark.line + 1
            _collect_lines(value_node, child, lines, twice)
            lines[child] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_lines(item, (*keys, index), lines, twice)


@cache
def schema(name: str) -> dict[str, Any]:
    """One of the JSON Schemas published with the package (rubric, lexicon, article, facts, ...)."""
    text = resources.files("srcgrade").joinpath("schemas", f"{name}.schema.json").read_text()
    return json.loads(text)


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    import jsonschema

    spec = schema(name)
    cls = jsonschema.validators.validator_for(spec)
    return cls(spec, format_checker=cls.FORMAT_CHECKER)


def check_schema(doc: YamlDoc, name: str) -> list[Problem]:
    """Every schema violation of ``doc``, each at the line of the offending key."""
    return [problem for _, problem in schema_errors(doc, name)]


def schema_errors(doc: YamlDoc, name: str) -> list[tuple[PathKey, Problem]]:
    """Schema violations with the key path of each (an unknown key's own path), so a loader can
    drop only the broken part."""
    problems: list[tuple[PathKey, Problem]] = list(doc.repeated_keys)
    errors = sorted(_validator(name).iter_errors(doc.data), key=lambda e: list(e.absolute_path))
    for error, items in _fold_list_items(errors):
        keys = tuple(error.absolute_path)
        message = _friendly(error, keys, _entry_name(doc.data, keys))
        if len(items) > 1:
            message = _list_items_message(error, keys, items, _entry_name(doc.data, keys[:-1]))
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for extra in sorted(set(error.instance) - allowed, key=str):
                where = f" in {_dotted(keys)}" if keys else ""
                guess = did_you_mean(str(extra), allowed, cutoff=0.75)
                text = (f"unknown key '{extra}'{where}; {guess}"
                        f"allowed keys: {', '.join(sorted(allowed))}")
                problems.append(((*keys, extra), doc.problem(text, (*keys, extra))))
            continue
        problems.append((keys, doc.problem(message, keys)))
    return problems


def _fold_list_items(
    errors: list[jsonschema.ValidationError],
) -> list[tuple[jsonschema.ValidationError, list[Any]]]:
    """Type errors of several items of one list, as one error with the items' values: twelve
    numbers in a list of words are one mistake, and twelve lines for it bury the others."""
    folded: list[tuple[jsonschema.ValidationError, list[Any]]] = []
    for error in errors:
        keys = tuple(error.absolute_path)
        if error.validator == "type" and keys and isinstance(keys[-1], int) and folded:
            first, items = folded[-1]
            first_keys = tuple(first.absolute_path)
            if (first.validator == "type" and first_keys[:-1] == keys[:-1]
                    and isinstance(first_keys[-1], int)
                    and first.validator_value == error.validator_value):
                items.append(error.instance)
                continue
        folded.append((error, [error.instance]))
    return folded


def _list_items_message(error: jsonschema.ValidationError, keys: PathKey, items: list[Any],
                        name: str | None) -> str:
    wanted = error.validator_value
    wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
    shown = ", ".join(repr(item) for item in items[:5]) + (", ..." if len(items) > 5 else "")
    where = name or _dotted(keys[:-1]) or "the list"
    scalars = all(isinstance(item, int | float) for item in items)
    hint = "; put each in quotes" if wanted == "string" and scalars else ""
    return f"{where}: {len(items)} items must be {wanted}, not {shown}{hint}"


def broken_items(errors: list[tuple[PathKey, Problem]],
                 containers: tuple[str, ...]) -> dict[str, set[Any]] | None:
    """Per container (``entries``, ``criteria``), the items schema errors fall inside, so a
    loader leaves out only those (a broken lexicon entry, one criterion); None when an error
    falls outside every item, and the file cannot load."""
    items: dict[str, set[Any]] = {name: set() for name in containers}
    for keys, _ in errors:
        if len(keys) < 2 or keys[0] not in items:
            return None
        items[keys[0]].add(keys[1])
    return items


def did_you_mean(name: str, known: Iterable[str], *, form: str = "'{}'",
                 cutoff: float = 0.6) -> str:
    """"did you mean 'strength'? " for a misspelt name, or "": every message about an unknown
    key, kind, criterion or definition guesses the same way (a list of fifteen allowed names
    hides the one the writer meant). ``form`` shows the guess as the file spells it."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=cutoff)
    return f"did you mean {form.format(close[0])}? " if close else ""


def _dotted(keys: PathKey) -> str:
    return ".".join(str(k) for k in keys)


def _entry_name(data: Any, keys: PathKey) -> str | None:
    """"entry 'breakthrough' strength" for ``entries.0.strength`` when the list item has an id:
    "entries.0" alone sends the reader counting list items in a file of two hundred."""
    if len(keys) < 2 or not isinstance(keys[1], int) or not isinstance(data, dict):
        return None
    items = data.get(keys[0])
    item = items[keys[1]] if isinstance(items, list) and keys[1] < len(items) else None
    if not isinstance(item, dict) or "id" not in item:
        return None
    return " ".join([f"entry '{item['id']}'", _dotted(keys[2:])]).strip()


def _one_key_of(error: jsonschema.ValidationError) -> list[str]:
    """The keys of a ``oneOf`` whose options each require one key (``terms`` or ``pattern``);
    empty for other ``oneOf``s, whose raw message is kept."""
    options = error.validator_value
    keys = [o["required"][0] for o in options
            if isinstance(o, dict) and set(o) == {"required"} and len(o["required"]) == 1]
    return keys if len(keys) == len(options) else []


def _friendly(error: jsonschema.ValidationError, keys: PathKey, name: str | None = None) -> str:
    where = name or _dotted(keys) or "the file"
    if error.validator == "required":
        given = error.instance if isinstance(error.instance, dict) else {}
        missing = [k for k in error.validator_value if k not in given and repr(k) in error.message]
        hint = f"; add `{missing[0]}:`" if missing else ""
        return f"{where}: {error.message}{hint}"
    if error.validator == "type" and not keys and error.instance is None:
        return "the file is empty (or only comments); write its keys, or delete the file"
    if error.validator == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        said = f"{where} must be {wanted}, not {type(error.instance).__name__} {error.instance!r}"
        if wanted == "array" and isinstance(error.instance, str | int | float):
            return f"{said}; write it as a list in brackets: [{error.instance}]"
        return said
    if error.validator == "oneOf" and (choice := _one_key_of(error)):
        given = [k for k in choice if isinstance(error.instance, dict) and k in error.instance]
        keys = " or ".join(f"`{k}:`" for k in choice)
        if given:
            both = " and ".join(f"`{k}:`" for k in given)
            return f"{where} has {both}; it takes one of {keys}: keep one, delete the other"
        return f"{where} needs one of {keys}"
    if error.validator == "enum":
        options = ", ".join(map(str, error.validator_value))
        guess = did_you_mean(str(error.instance), map(str, error.validator_value))
        return f"{where} is {error.instance!r}; {guess}expected one of: {options}"
    if error.validator == "format" and error.validator_value == "date":
        return (f"{where} is {error.instance!r}, which is not a date; write it as YYYY-MM-DD "
                "(e.g. 2024-01-29)")
    if error.validator in ("minimum", "exclusiveMinimum"):
        above = "at least" if error.validator == "minimum" else "more than"
        return f"{where} is {error.instance!r}; it must be {above} {error.validator_value}"
    return f"{where}: {error.message}"
