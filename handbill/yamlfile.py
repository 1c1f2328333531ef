"""Strict reading of the YAML that volunteers write: site.yaml, campaign.yaml, strings.yaml
and story front matter.

The tree is built from parser events, not ``yaml.load``, so that every node keeps its line
and column and so that anchors, aliases and tags are refused before anything is expanded.
Scalars keep the text exactly as written (``no`` stays ``"no"``); ``schema.py`` decides
what a value means. Every problem goes to the :class:`Diagnostics` in plain words.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from handbill.diagnostics import Diagnostics

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present

MAX_DEPTH = 32
NULLS = ("", "~", "null", "Null", "NULL")
SAVE_AS_UTF8 = "in your editor choose Save with encoding: UTF-8 (in some editors: Save As, then Encoding: UTF-8)"
QUOTE_HINT = "put the whole value in quotes"
TAB_HINT = "indent with spaces instead of tabs (many editors can insert spaces when you press Tab)"
STORY_SHAPE = "\n    ---\n    title: The story's title\n    date: 2026-05-01\n    ---\n  (a page needs no date)"


@dataclass(frozen=True)
class Scalar:
    """A single value, kept as the text that was written."""

    text: str  # quoted scalars unescaped by YAML; '' for an empty value
    quoted: bool  # True for '...', "...", | and >; False for plain
    line: int  # 1-based, in the original file
    col: int  # 1-based
    block: bool = False  # True for | and >: the text starts on the next line

    @property
    def is_null(self) -> bool:
        """True for an empty or null-looking plain value (``~``, ``null``)."""
        return not self.quoted and self.text in NULLS


@dataclass(frozen=True)
class Mapping:
    """``key: value`` pairs in file order; keys are always scalars."""

    entries: tuple[tuple[Scalar, "Node"], ...]
    line: int
    col: int

    def get(self, key: str) -> Node | None:
        """The value of ``key``, or None when the key is absent."""
        return next((value for k, value in self.entries if k.text == key), None)

    def keys(self) -> list[str]:
        """The key texts in file order."""
        return [k.text for k, _ in self.entries]


@dataclass(frozen=True)
class Sequence:
    """A list of nodes."""

    items: tuple["Node", ...]
    line: int
    col: int


Node = Scalar | Mapping | Sequence  # what a YAML value becomes


def decode_text(data: bytes, path: str | Path, diags: Diagnostics) -> str | None:
    """UTF-8 text (BOM stripped, every line ending turned into LF), or None after an error."""
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        diags.error(path, 1, 1, f"byte 0x{data[0]:02x} is not UTF-8: this file is saved as UTF-16", SAVE_AS_UTF8)
        return None
    if b"\x00" in data:
        line, col = _byte_position(data, data.index(b"\x00"))
        if data.count(b"\x00") * 4 >= len(data):  # ASCII saved as UTF-16: every other byte is 0
            diags.error(path, line, col, "byte 0x00 is not UTF-8 text: this file looks saved as UTF-16", SAVE_AS_UTF8)
        else:
            diags.error(path, line, col, "byte 0x00 (NUL) is not text: is this a binary file?",
                        "check that this is the right file; if it is text, " + SAVE_AS_UTF8)
        return None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        try:
            guess = f' (it looks like "{bytes([bad]).decode("cp1252")}" saved in an older encoding, Windows-1252)'
        except UnicodeDecodeError:
            guess = ""
        line, col = _byte_position(data, exc.start)
        diags.error(path, line, col, f"byte 0x{bad:02x} is not UTF-8{guess}", SAVE_AS_UTF8)
        return None


def _byte_position(data: bytes, pos: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte ``pos``; ``data`` is valid before it."""
    start = data.rfind(b"\n", 0, pos) + 1
    return data.count(b"\n", 0, pos) + 1, len(data[start:pos].decode("utf-8", errors="replace")) + 1


def read_text(path: Path, diags: Diagnostics) -> str | None:
    """Read and decode a content file, or None after an error."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        diags.error(path, 0, 0, f"cannot read this file: {exc.strerror or exc}", "check that it exists and is readable")
        return None
    return decode_text(data, path, diags)


def parse_yaml(text: str, path: str | Path, diags: Diagnostics, *, first_line: int = 1) -> Node | None:
    """Parse one YAML document into positioned nodes; None when errors were reported.

    ``first_line`` is the file line where ``text`` starts (2 for story front matter).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    simple = read_simple_mapping(text, first_line)
    return simple if simple is not None else _Parser(text, path, diags, first_line).run()


# Most front matter is `key: value` lines at the left margin, each value a quoted text without
# escapes, plain text, or a [list, of, words]. Such a text is read with one pattern a line, 3-4x
# faster than libyaml's events through Python, into the very nodes the full parser makes (a test
# holds the two together); anything else, including every text the full parser would find a
# problem in, is left to the full parser. Refused characters: YAML's non-printable ones, tabs,
# invisible line breaks and the BOM. A plain value may not start with a YAML indicator, hold a #,
# or a : before a space or the end; a list's items are plain and hold no quotes, colons or question marks.
_UNUSUAL_CHARACTER = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")  # (listed: a
# class of what is allowed takes 4 ms to compile)
_SIMPLE_ENTRY = re.compile(
    r"([A-Za-z_][A-Za-z0-9_-]{0,99}):( +)(?:"  # a key at the margin (libyaml wants a key under 1024)
    r'"([^"\\]*)"'  # "double quotes", no escapes
    r"|'([^']*)'"  # 'single quotes', no '' inside
    r"|\[([^\]\[{}#\"':]*)\]"  # [a list, of plain items]
    r"|([^-?:,\[\]{}#&*!|>'\"%@` \n](?:[^#:\n]|:(?=[^ \n]))*)"  # plain text
    r")")  # (matched against the line without its trailing spaces: a pattern for them would backtrack)
_SIMPLE_ITEM = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@` ][^,?]*")  # (PyYAML ends a list item at a ?)


def read_simple_mapping(text: str, first_line: int) -> Mapping | None:
    """The mapping of a text made only of simple `key: value` lines (see above), or None."""
    if _UNUSUAL_CHARACTER.search(text):
        return None
    entries: list[tuple[Scalar, Node]] = []
    seen: set[str] = set()
    for row, line in enumerate(text.split("\n")):
        match = _SIMPLE_ENTRY.fullmatch(line.rstrip(" "))
        if match is None:
            if line.strip(" "):
                return None
            continue
        key, gap, double, single, items, plain = match.groups()
        if key in seen:  # the full parser explains it
            return None
        seen.add(key)
        line_number, col = first_line + row, len(key) + len(gap) + 2
        value: Node | None
        if items is not None:
            value = _simple_sequence(items, line_number, col)
            if value is None:
                return None
        elif plain is not None:
            value = Scalar(plain, False, line_number, col)
        else:
            value = Scalar(single if double is None else double, True, line_number, col)
        entries.append((Scalar(key, False, line_number, 1), value))
    return Mapping(tuple(entries), entries[0][0].line, 1) if entries else None


def _simple_sequence(items: str, line: int, col: int) -> Sequence | None:
    """The list ``[items]`` whose ``[`` is at ``col``, or None when an item is not simple (or empty)."""
    if not items.strip(" "):
        return Sequence((), line, col)
    found, at = [], col + 1
    for part in items.split(","):
        item = part.strip(" ")
        if not _SIMPLE_ITEM.fullmatch(item):
            return None
        found.append(Scalar(item, False, line, at + len(part) - len(part.lstrip(" "))))
        at += len(part) + 1
    return Sequence(tuple(found), line, col)


def split_front_matter(text: str, path: str | Path, diags: Diagnostics) -> tuple[Node | None, str, int]:
    """Split a Markdown file into (front matter mapping or None, body, 1-based line where the body starts)."""
    opened = text.find("\n")
    if (text if opened < 0 else text[:opened]).rstrip(" \t") != "---":
        if _KEY_LINE.match(text) and _CLOSING_LINE.search(text):  # the settings are there, the first --- is not
            diags.error(path, 1, 1, "the line --- that opens the front matter is missing",
                        "add a line with just --- above this one: the settings go between two --- lines")
        else:
            diags.error(path, 1, 1, "this story has no front matter",
                        "start the file with these lines, then the story text:" + STORY_SHAPE)
        return None, text, 1
    close = _CLOSING_LINE.search(text, opened)  # (a story's text is not split into lines: it is long)
    if opened < 0 or close is None:
        diags.error(path, 1, 1, "the front matter that starts here with --- is never closed",
                    "add a line with just --- after the last `key: value` line, before the story text")
        return None, text, 1
    node = parse_yaml(text[opened + 1:close.start()] + "\n", path, diags, first_line=2)
    if node is not None and not isinstance(node, Mapping):
        kind = "a list" if isinstance(node, Sequence) else "a single text"
        diags.error(path, node.line, node.col, f"the front matter must be `key: value` lines, but this is {kind}",
                    "write one setting per line, like this:" + STORY_SHAPE)
        node = None
    return (node, *_body_after(text, close))


def markdown_body(text: str) -> tuple[str, int] | None:
    """A Markdown file's body and the line it starts on, as :func:`split_front_matter` finds them,
    without reading the front matter; None when it has no complete front matter."""
    opened = text.find("\n")
    if opened < 0 or text[:opened].rstrip(" \t") != "---":
        return None
    close = _CLOSING_LINE.search(text, opened)
    return None if close is None else _body_after(text, close)


def _body_after(text: str, close: re.Match[str]) -> tuple[str, int]:
    return text[close.end() + 1:], text.count("\n", 0, close.start()) + 3


_CLOSING_LINE = re.compile(r"\n(?:---|\.\.\.)[ \t]*(?=\n|$)")  # after the opening line: --- or ... alone
_KEY_LINE = re.compile(r"\ufeff?[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$)", re.MULTILINE)  # title: ...

_NO_KEY = object()  # an open mapping waiting for its next key


@dataclass
class _Open:
    """A mapping or sequence whose end has not been read yet."""

    event: yaml.Event
    is_mapping: bool
    items: list = field(default_factory=list)
    key: object = _NO_KEY  # the key waiting for its value
    seen: dict[str, Scalar] = field(default_factory=dict)  # first occurrence of each key


class _Parser:
    """One pass over the events of one document: builds the nodes and reports every problem met."""

    def __init__(self, text: str, path: str | Path, diags: Diagnostics, first_line: int):
        self.text, self.path, self.diags, self.first_line = text, path, diags, first_line
        self.lines = text.split("\n")
        self.starts = [0]  # text index where each line starts
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.exempt: set[int] = set()  # 0-based rows inside multi-line quoted or block values
        self.failed = False

    def row(self, index: int) -> int:
        return bisect.bisect_right(self.starts, index) - 1

    def error(self, index: int, message: str, hint: str) -> None:
        row = self.row(index)
        self.diags.error(self.path, row + self.first_line, index - self.starts[row] + 1, message, hint)
        self.failed = True

    def run(self) -> Node | None:
        failure: yaml.MarkedYAMLError | None = None
        root: Node | None = None
        stopped_at: int | None = None  # text index where reading stopped early
        for match in re.finditer("[\x85\u2028\u2029]", self.text):  # pasted from a word processor or a PDF
            self.error(match.start(), f"this line contains an invisible line break (U+{ord(match.group()):04X}), "
                       "which YAML reads as the end of the line",
                       "delete it (it comes with text copied out of other programs) and type a space if one is needed")
        if self.failed:
            return None
        try:
            root, stopped_at = self.build()
        except yaml.reader.ReaderError as exc:  # raised before any event
            self.error(exc.position, f"this line contains an invisible control character (U+{exc.character:04X})",
                       "retype the text around it; such characters come from text copied out of other programs")
            return None
        except yaml.MarkedYAMLError as exc:
            failure, stopped_at = exc.with_traceback(None), exc.problem_mark.index  # (a kept traceback holds
            # this frame, which holds the exception: a cycle that would keep the text until exit without the collector)
        tab_rows = self.check_tabs(stopped_at)
        if failure is not None and self.row(failure.problem_mark.index) not in tab_rows:
            at = failure.problem_mark.index
            if "tab" in (failure.problem or "") or self.text[at:at + 1] == "\t":
                self.error(at, "a tab is used for indentation", TAB_HINT)
            else:
                self.error(*self.explain(failure))
        if self.failed:
            return None
        if root is None or (isinstance(root, Scalar) and root.is_null):
            return Mapping((), self.first_line, 1)
        return root

    def build(self) -> tuple[Node | None, int | None]:
        """Turn events into nodes: the root, and the text index where reading stopped early (or None)."""
        stack: list[_Open] = []
        root: Node | None = None
        documents = 0
        for event in yaml.parse(self.text, Loader=_LOADER):
            at = event.start_mark.index
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.error(at, "a second YAML document starts here (after a --- or ... line)",
                               "a handbill file holds one document: remove the --- line, or move the rest elsewhere")
                    return None, at
                continue
            anchor = getattr(event, "anchor", None)
            if anchor is not None:  # refused before anything is expanded: no billion laughs
                sign, word = ("*", "alias") if isinstance(event, yaml.AliasEvent) else ("&", "anchor")
                self.error(at, f'"{sign}{anchor}" is a YAML {word}, and handbill does not support YAML anchors',
                           f"write the value out again instead of using & and *; "
                           f"if the value is text that starts with {sign}, {QUOTE_HINT}")
                return None, at
            if getattr(event, "tag", None) is not None:
                written = self.text[at:at + 200].split(None, 1)[0]
                self.error(at, f'"{written}" is a YAML tag, and handbill does not read tags',
                           f"remove {written}; if the value is text that starts with !, {QUOTE_HINT}")
            if isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    self.error(at, f"the values here are nested more than {MAX_DEPTH} levels deep",
                               "handbill files never nest this deep: look for stray [ or { or extra indentation")
                    return None, at
                stack.append(_Open(event, isinstance(event, yaml.MappingStartEvent)))
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                kind = Mapping if done.is_mapping else Sequence
                node: Node = kind(tuple(done.items), *self.position(done.event))
            elif isinstance(event, yaml.ScalarEvent):
                node = self.scalar(event, stack)
            else:
                continue
            if stack:
                self.attach(stack[-1], node)
            else:
                root = node
        return root, None

    def position(self, event: yaml.Event) -> tuple[int, int]:
        row = self.row(event.start_mark.index)
        return row + self.first_line, event.start_mark.index - self.starts[row] + 1

    def scalar(self, event: yaml.ScalarEvent, stack: list[_Open]) -> Scalar:
        node = Scalar(event.value, bool(event.style), *self.position(event), block=event.style in ("|", ">"))
        if event.style:  # a tab on a continuation line of a quoted or block value is part of the text
            last = self.row(event.end_mark.index) - (event.style in ("|", ">") and event.end_mark.column == 0)
            self.exempt.update(range(self.row(event.start_mark.index) + 1, last + 1))
        elif not (stack and stack[-1].is_mapping and stack[-1].key is _NO_KEY):  # a plain value, not a key
            self.check_comment_trap(event, node, stack[-1] if stack else None)
        return node

    def check_comment_trap(self, event: yaml.ScalarEvent, node: Scalar, parent: _Open | None) -> None:
        """`title: We are #1` reads as 'We are' plus a comment: say so instead of cutting quietly."""
        end = event.end_mark.index
        row = self.row(end)
        match = re.match(r"[ \t]+(#\S.*)", self.lines[row][end - self.starts[row]:].rstrip())  # (no pattern for the
        # trailing spaces: a lazy one before them backtracks over every run of spaces)
        if not match:
            return
        name, prefix = "the value", ""
        if parent is not None and not parent.is_mapping:
            name, prefix = "this list item", "- "
        elif parent is not None and isinstance(parent.key, Scalar):
            name, prefix = parent.key.text, f"{parent.key.text}: "
        cut = f'was cut to "{node.text}"' if node.text else "is empty"
        whole = f"{node.text} {match.group(1)}".strip()
        self.error(end + match.start(1), f"the # starts a comment, so {name} {cut}",
                   f"{QUOTE_HINT}: {prefix}{_quoted(whole)}")

    def attach(self, top: _Open, node: Node) -> None:
        """Add a finished node to the open mapping or sequence around it."""
        if not top.is_mapping:
            top.items.append(node)
        elif top.key is not _NO_KEY:
            key, top.key = top.key, _NO_KEY
            if isinstance(key, Scalar) and top.seen.get(key.text) is key:
                top.items.append((key, node))
        else:
            top.key = node
            at = self.starts[node.line - self.first_line] + node.col - 1
            if not isinstance(node, Scalar):
                self.error(at, "a key must be plain text, not a list or a mapping",
                           "write the key as a word followed by a colon, like: title: ...")
            elif node.text in top.seen:
                first = top.seen[node.text].line
                lines = f"on line {first}" if first == node.line else f"(lines {first} and {node.line})"
                self.error(at, f"{node.text} appears twice {lines}", f"keep one {node.text}: and delete the other")
            else:
                top.seen[node.text] = node

    def check_tabs(self, stopped_at: int | None) -> set[int]:
        """Report each line indented with a tab, up to where reading stopped; returns their rows."""
        rows: set[int] = set()
        last = len(self.lines) if stopped_at is None else self.row(stopped_at) + 1
        for row, (start, line) in enumerate(zip(self.starts[:last], self.lines)):
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            if "\t" in indent and line.strip() and row not in self.exempt:
                rows.add(row)
                self.error(start + indent.index("\t"), "a tab is used for indentation", TAB_HINT)
        return rows

    def explain(self, exc: yaml.MarkedYAMLError) -> tuple[int, str, str]:
        """Plain words for a parser error: (text index, message, hint)."""
        problem, context = exc.problem or "", exc.context or ""
        at = exc.problem_mark.index
        opened = exc.context_mark.index if exc.context_mark else at  # e.g. where a quote opened
        line = self.lines[self.row(at)]
        before = line[: at - self.starts[self.row(at)]]  # the line up to the problem
        char, first = self.text[at:at + 1], self.text[opened:opened + 1]
        if "quoted scalar" in context and ("end of stream" in problem or "document" in problem):
            return opened, "this quote is never closed", f"add the closing {first} at the end of the value"
        if "unknown escape" in problem:
            at = self.text.rfind("\\", opened, at + 1)  # libyaml marks the backslash, PyYAML the letter
            return at, f'"{self.text[at:at + 2]}" is not allowed inside double quotes', \
                "use single quotes around this value instead, or write each backslash twice (\\\\)"
        if "invalid Unicode character escape" in problem:  # "\ud800" (half a UTF-16 pair), "\U00110000"
            at = self.text.rfind("\\", opened, at + 1)
            escape = self.text[at:at + {"x": 4, "u": 6, "U": 10}.get(self.text[at + 1:at + 2], 2)]
            return at, f'"{escape}" is not the code of a character', \
                "type the character itself instead, or write its code like \\u00e9 (for é) or \\U0001F600"
        if "mapping values are not allowed" in problem and ":" in before:
            return at, 'this value contains ": ", which YAML reads as the start of a new key', _quote_hint(line)
        if "mapping values are not allowed" in problem:
            return at, "this line is indented more than the lines above it", \
                "start it in the same column as the other keys of its block, using spaces"
        if "could not find expected ':'" in problem:
            block = _block_text_key(self.lines, self.row(opened))
            if block is not None:
                key, indent = block
                return opened, f"this line is not indented like the lines of `{key}` above it", \
                    f"start it with {indent} spaces, like the other lines of the text that follows {key}: |"
            return opened, 'this line is not "key: value", and is not indented to continue the value above', \
                "write it as key: value; if it continues the text above, put that whole value in quotes"
        if ("expected key" in problem or "<block end>" in problem or "'-' indicator" in problem) and before.strip():
            return at, f'YAML did not expect "{char}" here, after the value', _quote_hint(line)
        if "expected key" in problem or "<block end>" in problem or "'-' indicator" in problem:
            return at, "the indentation of this line does not match the lines above", \
                "keys that belong together must start in the same column; indent with spaces only"
        if "cannot start any token" in problem:
            return at, f'a value cannot start with "{char}"', _quote_hint(line)
        if any(word in context for word in ("an alias", "an anchor", "a block scalar", "a tag")):
            return opened, f'a value cannot start with "{first}" like this', _quote_hint(self.lines[self.row(opened)])
        for close, kind in (("]", "list in [ ]"), ("}", "mapping in { }")):
            if f"',' or '{close}'" in problem:
                return opened, f"this {kind} is never closed, or an item in it needs quotes", \
                    f"end it with {close} on the same line, separate items with commas, and quote items with : or #"
        words = f"{problem} ({context})" if context else problem
        return at, f"YAML cannot read this: {words}", \
            "check this line and the one above it; putting the value in quotes often fixes it"


_BLOCK_KEY = re.compile(r"([ \t]*)(?:-[ \t]+)?([^\s#:][^:#]*?)[ \t]*:[ \t]+[|>][-+0-9]*[ \t]*(?:#.*)?")


def _block_text_key(lines: list[str], row: int) -> tuple[str, int] | None:
    """When line ``row`` follows the text of a ``key: |`` (or ``>``) block, written more indented than the key,
    that key and the indentation of its text: the line must have lost its own indentation."""
    indent = None
    for above in range(row - 1, -1, -1):
        line = lines[above]
        if not line.strip():
            continue
        match = _BLOCK_KEY.fullmatch(line.rstrip())
        if match:
            return (match.group(2), indent) if indent is not None and indent > len(match.group(1)) else None
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            return None
    return None


def _quoted(value: str) -> str:
    """``value`` written as a YAML quoted scalar."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _quote_hint(line: str) -> str:
    """'put the whole value in quotes: key: "value"', built from the offending line."""
    match = re.match(r"((?:-\s+)?)(?:([^\s:#][^:#]*?):\s+)?(\S.*)", line.strip())  # (stripped: linear)
    if not match:
        return QUOTE_HINT
    dash, key, value = match.groups()
    closing = _CURLY_QUOTES.get(value[:1])
    if closing and len(value) > 1 and value.endswith(closing):  # “quoted” by a word processor
        return (f"curly quotes like {value[0]} {closing} do not count as quotes here: use straight ones, "
                f"{dash}{key + ': ' if key else ''}{_quoted(value[1:-1])}")
    comment = re.search(r"\s#\s", value)  # a comment after the value (one space of the run: linear)
    value = value[:comment.start()].rstrip() if comment else value
    curly = f" (the {value[0]} {closing} a word processor types do not count as quotes)" if closing else ""
    return f"{QUOTE_HINT}: {dash}{key + ': ' if key else ''}{_quoted(value)}{curly}"


_CURLY_QUOTES = {"“": "”", "‘": "’", "„": "“", "‚": "‘", "«": "»", "”": "”", "’": "’"}  # opening -> closing
