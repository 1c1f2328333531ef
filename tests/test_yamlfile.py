"""yamlfile: strict YAML with positions, and the traps volunteers fall into."""
from __future__ import annotations

import time

import pytest
import yaml

from handbill import yamlfile
from handbill.diagnostics import Diagnostic, Diagnostics
from handbill.yamlfile import (
    MAX_DEPTH,
    Mapping,
    Scalar,
    Sequence,
    decode_text,
    parse_yaml,
    read_text,
    split_front_matter,
)

LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


@pytest.fixture(params=LOADERS, ids=lambda loader: loader.__name__)
def loader(request, monkeypatch):
    """Run a test with libyaml and with the pure-Python fallback: their error texts differ."""
    monkeypatch.setattr(yamlfile, "_LOADER", request.param)
    return request.param


def parse(text: str, first_line: int = 1) -> tuple[object, list[Diagnostic]]:
    diags = Diagnostics()
    node = parse_yaml(text, "content/site.yaml", diags, first_line=first_line)
    return node, diags.items


def one_error(text: str, first_line: int = 1) -> Diagnostic:
    node, items = parse(text, first_line)
    assert node is None
    assert len(items) == 1, [d.format() for d in items]
    assert items[0].severity == "error" and items[0].path == "content/site.yaml"
    return items[0]


def where(diag: Diagnostic) -> tuple[int, int]:
    return diag.line, diag.col


# --- the tree ------------------------------------------------------------------------------

def test_mapping_keeps_order_positions_and_quoting():
    node, items = parse("title: 1000 Days\npetition:\n  goal: 250000\n  consent: 'I agree'\ntags: [a, \"b\"]\n")
    assert items == []
    assert isinstance(node, Mapping)
    assert node.keys() == ["title", "petition", "tags"]
    assert (node.line, node.col) == (1, 1)
    assert node.get("title") == Scalar("1000 Days", False, 1, 8)
    assert node.get("missing") is None
    petition = node.get("petition")
    assert isinstance(petition, Mapping) and (petition.line, petition.col) == (3, 3)
    assert petition.entries[0][0] == Scalar("goal", False, 3, 3)
    assert petition.get("goal") == Scalar("250000", False, 3, 9)
    assert petition.get("consent") == Scalar("I agree", True, 4, 12)
    tags = node.get("tags")
    assert isinstance(tags, Sequence) and (tags.line, tags.col) == (5, 7)
    assert tags.items == (Scalar("a", False, 5, 8), Scalar("b", True, 5, 11))


@pytest.mark.parametrize("written", ["NO", "no", "yes", "on", "12:30", "0123", "1e3", "2026-05-01", ".inf", "~", "null", "true"])
def test_plain_scalars_stay_text_exactly_as_written(written):
    node, items = parse(f"value: {written}\n")
    assert items == []
    assert node.get("value") == Scalar(written, False, 1, 8)


def test_the_examples_from_the_brief():
    node, _ = parse("country: NO\ntime: 12:30\nzip: 0123\n")
    assert [node.get(k).text for k in node.keys()] == ["NO", "12:30", "0123"]


def test_null_values():
    node, _ = parse("a:\nb: ~\nc: null\nd: ''\ne: x\n")
    assert [node.get(k).is_null for k in "abcde"] == [True, True, True, False, False]
    assert node.get("a") == Scalar("", False, 1, 3)


def test_block_scalars_keep_their_text_and_count_as_quoted():
    node, items = parse("body: |\n  Line one\n\n  Line three\nshort: >\n  folded\n  text\nnext: x\n")
    assert items == []
    assert node.get("body") == Scalar("Line one\n\nLine three\n", True, 1, 7, block=True)
    assert node.get("short") == Scalar("folded text\n", True, 5, 8, block=True)
    assert node.get("next") == Scalar("x", False, 8, 7)


def test_empty_document_is_an_empty_mapping():
    for text in ("", "# only a comment\n", "---\n"):
        node, items = parse(text, first_line=2)
        assert items == [] and node == Mapping((), 2, 1)


def test_first_line_offsets_positions_of_nodes_and_errors():
    node, _ = parse("title: x\nauthor: y\n", first_line=2)
    assert node.get("author") == Scalar("y", False, 3, 9)
    assert where(one_error("title: x\ntitle: y\n", first_line=2)) == (3, 1)


def test_a_single_document_may_start_with_dashes_and_end_with_dots():
    node, items = parse("---\na: 1\n...\n")
    assert items == [] and node.get("a") == Scalar("1", False, 2, 4)


def test_non_ascii_text_keeps_columns_in_characters():
    node, _ = parse("é: ééé\nb: ü\n")
    assert node.get("b") == Scalar("ü", False, 2, 4)


# --- refused constructs --------------------------------------------------------------------

def test_billion_laughs_fails_fast_at_the_first_anchor(loader):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.perf_counter()
    diag = one_error("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 0.5
    assert where(diag) == (1, 4)
    assert '"&a" is a YAML anchor' in diag.message and "does not support YAML anchors" in diag.message
    assert "write the value out again" in diag.hint


def test_alias_is_refused_where_it_is_met():
    diag = one_error("a: 1\nsummary: *bold text\n")
    assert where(diag) == (2, 10)
    assert '"*bold" is a YAML alias' in diag.message
    assert "starts with *, put the whole value in quotes" in diag.hint


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!str", "!foo"])
def test_explicit_tags_are_refused(loader, tag):
    diag = one_error(f"title: ok\ncmd: {tag} [rm, -rf]\n")
    assert where(diag) == (2, 6)
    assert diag.message == f'"{tag}" is a YAML tag, and handbill does not read tags'
    assert f"remove {tag}" in diag.hint


def test_every_tag_is_reported_in_one_pass():
    _, items = parse("a: !!str 1\nb: !!int 2\n")
    assert [where(d) for d in items] == [(1, 4), (2, 4)]


def test_a_second_document_is_an_error(loader):
    diag = one_error("a: 1\n---\nb: 2\n")
    assert where(diag) == (2, 1)
    assert "a second YAML document starts here" in diag.message
    assert "remove the --- line" in diag.hint


def test_deep_nesting_is_one_error_without_recursion(loader):
    diag = one_error("[" * 100 + "]" * 100 + "\n")
    assert where(diag) == (1, MAX_DEPTH + 1)
    assert f"nested more than {MAX_DEPTH} levels deep" in diag.message


def test_deep_block_nesting_is_one_error():
    text = "".join(" " * level + f"k{level}:\n" for level in range(100)) + " " * 100 + "leaf: x\n"
    diag = one_error(text)
    assert where(diag) == (MAX_DEPTH + 1, MAX_DEPTH + 1)  # the 33rd mapping starts at k32


def test_nesting_up_to_the_limit_is_fine():
    node, items = parse("[" * MAX_DEPTH + "x" + "]" * MAX_DEPTH + "\n")
    assert items == []
    for _ in range(MAX_DEPTH):
        assert isinstance(node, Sequence)
        (node,) = node.items
    assert node == Scalar("x", False, 1, MAX_DEPTH + 1)


def test_duplicate_keys_name_both_lines():
    diag = one_error("title: A\nauthor: B\ntitle: C\n")
    assert where(diag) == (3, 1)
    assert diag.message == "title appears twice (lines 1 and 3)"
    assert diag.hint.startswith("keep one")


def test_duplicate_keys_in_a_nested_mapping_and_on_one_line():
    _, items = parse("petition:\n  goal: 1\n  goal: 2\ncolors: {primary: red, primary: blue}\n")
    assert [(where(d), d.message) for d in items] == [
        ((3, 3), "goal appears twice (lines 2 and 3)"),
        ((4, 24), "primary appears twice on line 4"),
    ]


def test_a_list_as_a_key_is_refused():
    for text in ("? [a, b]\n: c\n", "[a, b]: c\n"):
        diag = one_error(text)
        assert diag.message == "a key must be plain text, not a list or a mapping"


# --- tabs ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, pos", [
    ("petition:\n\tgoal: 1\n", (2, 1)),
    ("petition:\n  goal: 1\n  \tcount: 2\n", (3, 3)),
    ("a: 1\n\t\nb: 2\n", (2, 1)),
])
def test_a_tab_used_for_indentation(loader, text, pos):
    diag = one_error(text)
    assert where(diag) == pos
    assert diag.message == "a tab is used for indentation"
    assert "spaces" in diag.hint


def test_tabs_inside_values_are_fine():
    node, items = parse('a: "x\ty"\nb: \'one\n\ttwo\'\nc: |\n  code\n  \tindented\nd: 1\n')
    assert items == []
    assert node.get("a").text == "x\ty"
    assert node.get("c").text == "code\n\tindented\n"


def test_every_tab_line_is_reported():
    _, items = parse("tags: [a,\n\tb,\n\tc]\n")
    assert [where(d) for d in items] == [(2, 1), (3, 1)]


# --- the # trap ----------------------------------------------------------------------------

def test_hash_inside_a_value_cuts_it(loader):
    diag = one_error("title: We are #1 for families\n")
    assert where(diag) == (1, 15)
    assert diag.message == 'the # starts a comment, so title was cut to "We are"'
    assert diag.hint == 'put the whole value in quotes: title: "We are #1 for families"'


def test_hash_at_the_start_of_a_value_empties_it(loader):
    diag = one_error("author: x\ntitle: #MeToo stories\n")
    assert where(diag) == (2, 8)
    assert diag.message == "the # starts a comment, so title is empty"
    assert diag.hint == 'put the whole value in quotes: title: "#MeToo stories"'


def test_hash_trap_in_a_list_item():
    diag = one_error("tags:\n  - #paidleave\n")
    assert diag.message == "the # starts a comment, so this list item is empty"
    assert diag.hint == 'put the whole value in quotes: - "#paidleave"'


def test_a_normal_comment_is_fine():
    node, items = parse("goal: 250000  # our target\n# a whole-line comment\nempty:   # nothing yet\n")
    assert items == []
    assert node.get("goal") == Scalar("250000", False, 1, 7)
    assert node.get("empty").is_null


def test_quoted_values_with_hash_are_fine():
    node, items = parse('title: "We are #1 for families"\n')
    assert items == [] and node.get("title").text == "We are #1 for families"


def test_independent_problems_are_reported_together():
    _, items = parse("title: We are #1\ngoal: 3\ntitle: again\n")
    assert [(where(d), d.message.split(" (")[0]) for d in items] == [
        ((1, 15), 'the # starts a comment, so title was cut to "We are"'),
        ((3, 1), "title appears twice"),
    ]


# --- parser errors in plain words ----------------------------------------------------------

def test_colon_space_inside_a_value(loader):
    diag = one_error("title: Paid leave\nsummary: One sentence: the ask\n")
    assert where(diag) == (2, 22)
    assert 'this value contains ": "' in diag.message
    assert diag.hint == 'put the whole value in quotes: summary: "One sentence: the ask"'


def test_unclosed_quote_points_where_it_opens(loader):
    diag = one_error('title: x\nsummary: "Paid leave\nauthor: Maria\n')
    assert where(diag) == (2, 10)
    assert diag.message == "this quote is never closed"
    assert 'closing "' in diag.hint


def test_line_without_a_key(loader):
    diag = one_error("title: x\njust some words\nauthor: y\n")
    assert where(diag) == (2, 1)
    assert 'not "key: value"' in diag.message


@pytest.mark.parametrize("text, pos", [("a:\n  b: 1\n c: 2\n", (3, 2)), ("tags:\n  - a\n - b\n", (3, 2))])
def test_bad_indentation(loader, text, pos):
    diag = one_error(text)
    assert where(diag) == pos
    assert "indentation" in diag.message


def test_a_key_indented_too_far(loader):
    diag = one_error("title: x\n  author: y\n")
    assert where(diag) == (2, 9)
    assert diag.message == "this line is indented more than the lines above it"


@pytest.mark.parametrize("char", ["@", "`"])
def test_value_starting_with_a_reserved_character(loader, char):
    diag = one_error(f"handle: {char}maria\n")
    assert where(diag) == (1, 9)
    assert diag.message == f'a value cannot start with "{char}"'
    assert diag.hint == f'put the whole value in quotes: handle: "{char}maria"'


def test_markdown_emphasis_at_the_start_of_a_value(loader):
    diag = one_error("summary: *Really* important\n")
    assert where(diag) == (1, 10)
    assert diag.hint == 'put the whole value in quotes: summary: "*Really* important"'


def test_unclosed_flow_list(loader):
    diag = one_error("tags: [a, b\nauthor: x\n")
    assert where(diag) == (1, 7)
    assert "never closed" in diag.message


def test_bad_escape_in_double_quotes(loader):
    diag = one_error('path: "C:\\media"\n')
    assert where(diag) == (1, 10)
    assert diag.message == '"\\m" is not allowed inside double quotes'
    assert "single quotes" in diag.hint


def test_control_character(loader):
    diag = one_error("a: 1\nb: x\x1by\n")
    assert where(diag) == (2, 5)
    assert "U+001B" in diag.message


def test_text_after_a_quoted_value(loader):
    diag = one_error('quote: "No" she said\n')
    assert where(diag) == (1, 13)
    assert diag.message == 'YAML did not expect "s" here, after the value'
    assert diag.hint == """put the whole value in quotes: quote: '"No" she said'"""


def test_other_parser_errors_keep_yamls_words(loader):
    diag = one_error("a: 1\nb: !x!y c\n")
    assert where(diag) == (2, 4)
    assert diag.message.startswith("YAML cannot read this: found undefined tag handle")
    assert diag.hint


# --- decoding ------------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str | None, list[Diagnostic]]:
    diags = Diagnostics()
    return decode_text(data, "content/en/strings.yaml", diags), diags.items


def test_bom_crlf_and_cr_give_the_same_text():
    plain = "title: Café\nsummary: x\n"
    for data in (plain.encode(), b"\xef\xbb\xbf" + plain.encode(), plain.replace("\n", "\r\n").encode(),
                 plain.replace("\n", "\r").encode()):
        assert decode(data) == (plain, [])


@pytest.mark.parametrize("data, pos, byte, guess", [
    ("title: x\nauthor: Jos\xe9\n".encode("latin-1"), (2, 12), 0xE9, "é"),
    (b"title: x\nquote: \x93quoted\x94\n", (2, 8), 0x93, "\u201c"),
])
def test_legacy_encodings_name_the_byte_and_line(data, pos, byte, guess):
    text, items = decode(data)
    assert text is None and len(items) == 1
    assert where(items[0]) == pos
    assert items[0].message.startswith(f"byte 0x{byte:02x} is not UTF-8")
    assert f'"{guess}"' in items[0].message
    assert "Save with encoding: UTF-8" in items[0].hint


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused(encoding):
    text, items = decode("title: x\n".encode(encoding))
    assert text is None and len(items) == 1
    assert items[0].line == 1 and "UTF-16" in items[0].message
    assert "byte 0x" in items[0].message
    assert "UTF-8" in items[0].hint


def test_nul_byte_in_a_binary_file():
    text, items = decode(b"title: x\nab\x00cdefghijklmnop\n")
    assert text is None
    assert where(items[0]) == (2, 3)
    assert "0x00" in items[0].message and "binary" in items[0].message


def test_read_text(tmp_path):
    path = tmp_path / "site.yaml"
    path.write_bytes(b"\xef\xbb\xbftitle: x\r\n")
    diags = Diagnostics()
    assert read_text(path, diags) == "title: x\n"
    assert read_text(tmp_path / "missing.yaml", diags) is None
    assert diags.items[0].message.startswith("cannot read this file")


# --- front matter --------------------------------------------------------------------------

def split(text: str) -> tuple[object, str, int, list[Diagnostic]]:
    diags = Diagnostics()
    node, body, start = split_front_matter(text, "stories/maria.md", diags)
    return node, body, start, diags.items


def test_front_matter_and_body():
    node, body, start, items = split("---\ntitle: Maria\ndate: 2026-05-01\n---\nFirst line.\n\n---\n\nAfter a rule.\n")
    assert items == []
    assert node.get("title") == Scalar("Maria", False, 2, 8)
    assert node.get("date") == Scalar("2026-05-01", False, 3, 7)
    assert body == "First line.\n\n---\n\nAfter a rule.\n"
    assert start == 5


def split_line_by_line(text: str) -> tuple[object, str, int]:
    """The front matter split the long way, line by line, as the rules say it."""
    lines = text.split("\n")
    close = next((i for i, line in enumerate(lines) if i and line.rstrip(" \t") in ("---", "...")), None)
    if lines[0].rstrip(" \t") != "---" or close is None:
        return None, text, 1
    node = parse_yaml("\n".join(lines[1:close]) + "\n", "stories/maria.md", Diagnostics(), first_line=2)
    return node if isinstance(node, Mapping) else None, "\n".join(lines[close + 1:]), close + 2


def test_front_matter_is_found_as_the_line_by_line_rules_say():
    """The splitter searches for the closing line instead of splitting a whole story into lines."""
    import random

    pieces = ["---", "...", "--- ", "---\t", " ---", "----", "---\r", "..", "title: x", "a: 1", "- b", "", " ",
              "\t", "text", "#c", "x: [1", "é", "\u2028"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 7))) + rng.choice(["", "\n", "\n\n"])
        assert split(text)[:3] == split_line_by_line(text), text


def test_front_matter_closed_by_dots_and_trailing_spaces():
    node, body, start, items = split("---  \ntitle: x\n...\nBody")
    assert items == [] and node.keys() == ["title"] and body == "Body" and start == 4


def test_front_matter_errors_are_positioned_in_the_file():
    node, _, _, items = split("---\ntitle: x\nsummary: a: b\n---\n")
    assert node is None and where(items[0]) == (3, 11)


def test_missing_front_matter():
    node, body, start, items = split("Maria's story.\n")
    assert node is None and body == "Maria's story.\n" and start == 1
    assert where(items[0]) == (1, 1)
    assert items[0].message == "this story has no front matter"
    assert "---\n    title:" in items[0].hint


def test_unclosed_front_matter():
    node, _, _, items = split("---\ntitle: x\n\nBody text\n")
    assert node is None and len(items) == 1
    assert where(items[0]) == (1, 1)
    assert "never closed" in items[0].message


@pytest.mark.parametrize("yaml_text, kind", [("- a\n- b\n", "a list"), ("just words\n", "a single text")])
def test_front_matter_that_is_not_a_mapping(yaml_text, kind):
    node, _, _, items = split(f"---\n{yaml_text}---\nBody\n")
    assert node is None and len(items) == 1
    assert where(items[0]) == (2, 1)
    assert items[0].message.endswith(f"but this is {kind}")


def test_empty_front_matter_is_an_empty_mapping():
    node, body, start, items = split("---\n---\nBody\n")
    assert items == [] and node == Mapping((), 2, 1) and body == "Body\n" and start == 3


# --- the simple reader: `key: value` lines read without libyaml, into the full parser's very nodes ---

def full_parse(text: str, first_line: int = 1) -> tuple[object, list[Diagnostic]]:
    diags = Diagnostics()
    return yamlfile._Parser(text, "content/site.yaml", diags, first_line).run(), diags.items


def test_usual_front_matter_is_read_by_the_simple_reader_into_the_full_parsers_nodes(loader):
    text = ('title: "Maria\'s first day: 12 hours"\nauthor: Zed Okafor\ndate: 2022-03-11\n\n'
            "summary: 'She said \"enough\" #1'\ntags: [energy,  clean air , é]\nlink: https://example.org/a?b=c\n"
            "draft: no\nquote:   \"مرحبا 😀 中文\"  \nempty: []\n")
    simple = yamlfile.read_simple_mapping(text, 2)
    assert simple is not None
    assert simple == full_parse(text, 2)[0]
    assert simple.get("tags") == Sequence((Scalar("energy", False, 7, 8), Scalar("clean air", False, 7, 17),
                                           Scalar("é", False, 7, 29)), 7, 7)
    assert parse(text, 2) == (simple, [])


@pytest.mark.parametrize("text", [
    "title: We are #1\n",  # a comment that cuts the value: the full parser says so
    "title: a: b\n", "title: ends with:\n", "title:\tx\n", "\ttitle: x\n", "title: x\ntitle: y\n",
    "title: 'It''s'\n", 'title: "a \\"b\\""\n', 'tags: [a, "b"]\n', "tags: [a, b,]\n", "tags: [a, [b]]\n",
    "title:\n", "title: -5\n", "- a\n", "title: x\n  more\n", "title: a\u2028b\n", "title: \ufeffx\n",
    "title: x\x07\n", "title: |\n  x\n", "title: &a x\n", "title: *a\n", "title: !tag x\n", "title: 'x' y\n",
    "---\ntitle: x\n", "title : x\n", "ti tle: x\n", "\n\n", "title: x # note\n", "? title\n: x\n",
])
def test_anything_else_is_left_to_the_full_parser(loader, text):
    assert yamlfile.read_simple_mapping(text, 1) is None
    assert parse(text) == full_parse(text)


_ODD = [*"-?:,[]{}#&*!|>'\"%@`\\ \t.", "é", "ع", "中", "😀", "\u2028", "\x85", "\u00a0", "\u3000", "\ufeff", "\x07",
        ": ", " #", "''", '\\"', "\n", "\n ", "\n  x", "---", "...", "  "]
_WORDS = ["Maria", "clean air", "2022-03-11", "yes", "null", "~", "10:30", "https://example.org/a?b=c#d", "C++",
          "Ünïcödé", "مرحبا بالعالم", "中文 标题", "😀 x 😀", "1", "3.5", "It's", 'say "hi"', "a, b", "[x]", "{y}",
          "100%", "a:b", "a :b", "…"]
_KEYS = ["title", "author", "date", "summary", "tags", "photo_alt", "k-1", "_x", "Title"]


def _near_simple_text(rng) -> str:
    """`key: value` lines, then up to two odd characters dropped in anywhere."""
    lines = []
    for _ in range(rng.randint(1, 7)):
        word, kind = rng.choice(_WORDS), rng.random()
        value = (f'"{word}"' if kind < 0.3 else f"'{word}'" if kind < 0.45 else
                 "[" + ", ".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 3))) + "]" if kind < 0.6 else word)
        lines.append(f"{rng.choice(_KEYS)}:{' ' * rng.choice([1, 1, 2])}{value}{' ' * rng.choice([0, 0, 1])}")
    text = "\n".join(lines) + rng.choice(["\n", ""])
    for _ in range(rng.choice([0, 1, 1, 2])):
        at = rng.randint(0, len(text))
        text = text[:at] + rng.choice(_ODD) + text[at:]
    return text


def test_the_simple_reader_gives_the_full_parsers_nodes_or_nothing(loader):
    import random
    rng, simple_ones = random.Random(20261122), 0
    for _ in range(4000):
        text, first_line = _near_simple_text(rng), rng.choice([1, 2])
        simple = yamlfile.read_simple_mapping(text, first_line)
        if simple is not None:
            simple_ones += 1
            assert (simple, []) == full_parse(text, first_line), text
    assert simple_ones > 500  # the texts did reach the simple reader


@pytest.mark.parametrize("text", ['title: "never closed\n', "title: [a\n", "a: b\n c: d\n", "title: x\n  - y\n"])
def test_a_yaml_error_leaves_no_reference_cycle_behind(loader, text):
    """A build runs without the cyclic collector (cli.run): an error must not keep its parser and text alive."""
    import gc
    gc.collect()
    gc.disable()
    try:
        node, items = parse(text * 200)
        assert node is None and items
        assert gc.collect() == 0
    finally:
        gc.enable()
