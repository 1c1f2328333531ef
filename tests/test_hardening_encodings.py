"""Encodings and characters: BOM, CRLF and CR-only files build the same site as LF ones; other encodings are
errors naming the byte and line; control characters, lone surrogates and U+2028 never make invalid HTML or XML."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import (MINIMAL, SITE_YAML, build_files, jpeg_bytes, page, parse_html, run_build, story, text_of,
                      write_project)
from hardening_helpers import problems

SAVE_AS = "  hint: in your editor choose Save with encoding: UTF-8 (in some editors: Save As, then Encoding: UTF-8)"

TEXTS = {
    "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
    "content/en/c/campaign.yaml": "title: Clean water\nsummary: Water for every school.\nbody: |\n"
                                  "  Sign it.\n\n  ## Why\n\n  Because.\n",
    "content/en/c/stories/maria.md": story("Maria's well", "Maria tells her story.\n\n- one\n- two\n\n"
                                           "    code block\n\nLast line.", extra="summary: A summary.\n"),
    "content/en/pages/about.md": page("About us", "Line one  \nline two.\n\n> quoted"),
    "content/sv/strings.yaml": "sign_button: Skriv under nu\n",
    "content/sv/c/campaign.yaml": "title: Rent vatten\n",
}


def variant(text: str, kind: str) -> bytes:
    if kind == "lf":
        return text.encode()
    if kind == "crlf":
        return text.replace("\n", "\r\n").encode()
    if kind == "cr":
        return text.replace("\n", "\r").encode()
    return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()  # BOM + CRLF: Windows Notepad


def test_bom_crlf_and_cr_only_files_build_to_identical_output(make_project):
    builds = {}
    for kind in ("lf", "crlf", "cr", "bom"):
        project = make_project({**{rel: variant(text, kind) for rel, text in TEXTS.items()}})
        builds[kind] = build_files(project, workers=1)
    assert "c/stories/maria/index.html" in builds["lf"] and "sv/c/index.html" in builds["lf"]
    for kind in ("crlf", "cr", "bom"):
        assert sorted(builds[kind]) == sorted(builds["lf"])
        assert [rel for rel in builds["lf"] if builds[kind][rel] != builds["lf"][rel]] == [], kind
    assert b"\r" not in builds["lf"]["c/stories/maria/index.html"]
    assert "Skriv under nu" in builds["lf"]["sv/c/index.html"].decode()


LEGACY = {
    **MINIMAL,
    "content/en/c/stories/latin.md": "---\ntitle: Caf\xe9\ndate: 2026-05-01\n---\nx\n".encode("latin-1"),
    "content/en/c/stories/windows.md": "---\ntitle: Hi\ndate: 2026-05-01\n---\nShe said \u201cno\u201d.\n".encode("cp1252"),
    "content/en/c/stories/utf16.md": "\ufeff---\ntitle: Hi\ndate: 2026-05-01\n---\nx\n".encode("utf-16-le"),
    "content/en/c/stories/utf16-no-bom.md": "---\ntitle: Hi\ndate: 2026-05-01\n---\nx\n".encode("utf-16-be"),
    "content/en/c/stories/binary.md": b"---\ntitle: Hi\ndate: 2026-05-01\n---\nsome text\x00 here\n",
    "content/en/c/stories/separator.md": "---\ntitle: a\u2028b\ndate: 2026-05-01\n---\nx\n".encode(),
    # a lone surrogate: as UTF-8 bytes (CESU-8, from some Java and database exports), and as a YAML escape
    "content/en/c/stories/surrogate.md": b"---\ntitle: Hi\ndate: 2026-05-01\n---\nbad \xed\xa0\x80 here\n",
    "content/en/c/stories/escaped.md": b'---\ntitle: "half \\ud800 pair"\ndate: 2026-05-01\n---\nx\n',
    "content/en/d/campaign.yaml": "title: Gr\xfc\xdfe\nsummary: ok\n".encode("cp1252"),
    "content/en/strings.yaml": "sign_button: \u201cSign\u201d\n".encode("cp1252"),
}


def test_other_encodings_are_errors_naming_the_byte_and_line(make_project):
    code, _, stderr = run_build(make_project(LEGACY))
    assert code == 1
    s = "content/en/c/stories/"
    assert problems(stderr) == [
        f'{s}binary.md:5:10: byte 0x00 (NUL) is not text: is this a binary file?\n'
        "  hint: check that this is the right file; if it is text, in your editor choose Save with encoding: UTF-8 "
        "(in some editors: Save As, then Encoding: UTF-8)",
        f'{s}escaped.md:2:14: "\\ud800" is not the code of a character\n'
        "  hint: type the character itself instead, or write its code like \\u00e9 (for é) or \\U0001F600",
        f'{s}latin.md:2:11: byte 0xe9 is not UTF-8 (it looks like "é" saved in an older encoding, Windows-1252)\n'
        + SAVE_AS,
        f"{s}separator.md:2:9: this line contains an invisible line break (U+2028), which YAML reads as the end of "
        "the line\n  hint: delete it (it comes with text copied out of other programs) and type a space if one is needed",
        f'{s}surrogate.md:5:5: byte 0xed is not UTF-8 (it looks like "í" saved in an older encoding, Windows-1252)\n'
        + SAVE_AS,
        f"{s}utf16-no-bom.md:1:1: byte 0x00 is not UTF-8 text: this file looks saved as UTF-16\n" + SAVE_AS,
        f"{s}utf16.md:1:1: byte 0xff is not UTF-8: this file is saved as UTF-16\n" + SAVE_AS,
        f'{s}windows.md:5:10: byte 0x93 is not UTF-8 (it looks like "“" saved in an older encoding, Windows-1252)\n'
        + SAVE_AS,
        'content/en/d/campaign.yaml:1:10: byte 0xfc is not UTF-8 (it looks like "ü" saved in an older encoding, '
        "Windows-1252)\n" + SAVE_AS,
        'content/en/strings.yaml:1:14: byte 0x93 is not UTF-8 (it looks like "“" saved in an older encoding, '
        "Windows-1252)\n" + SAVE_AS,
    ]


# Written as YAML escapes, so they reach the values: NUL, C0 and C1 controls, DEL, ESC, lone surrogates
# are not allowed in HTML or XML; U+2028/U+2029 are, but must not break the JSON-LD script.
ESCAPED = r"Tom\0\x01\x08\x0b\x0c\x1b\x7f\x85\x9f & \u2028Jerry\u2029 \uFEFFend"
CLEAN = "Tom & \u2028Jerry\u2029 \ufeffend"
RAW_BODY = "Body \x01\x02\x1b[31m red \x7f\x85 \u2028 line \u2029 para \ufffe\uffff end."
NOT_IN_HTML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@pytest.fixture(scope="module")
def odd_characters(tmp_path_factory):
    project = write_project(tmp_path_factory.mktemp("characters"), {
        **MINIMAL,
        "content/site.yaml": SITE_YAML.replace("title: Test Site", f'title: "Site {ESCAPED}"'),
        "content/en/c/campaign.yaml": f'title: "{ESCAPED}"\nsummary: "{ESCAPED}"\nbody: "{ESCAPED}"\n'
                                      f'image: hero.jpg\nimage_alt: "{ESCAPED}"\n',
        "content/en/c/hero.jpg": jpeg_bytes(40, 30),
        "content/en/c/stories/maria.md": story(f'"{ESCAPED}"', RAW_BODY,
                                               extra=f'summary: "{ESCAPED}"\nauthor: "{ESCAPED}"\n'
                                                     f'quote: "{ESCAPED}"\ntags: ["{ESCAPED}"]\n'),
    })
    return build_files(project, cards=True, card_workers=1, workers=1)


def test_control_characters_and_surrogates_never_reach_any_output_text(odd_characters):
    files = odd_characters
    texts = {rel: data.decode("utf-8") for rel, data in files.items()
             if rel.endswith((".html", ".xml", ".txt", ".css", ".js", ".json", ".ics", "_headers"))}
    assert len(texts) > 10
    assert {rel: NOT_IN_HTML.findall(text) for rel, text in texts.items() if NOT_IN_HTML.search(text)} == {}


def test_the_values_arrive_cleaned_but_otherwise_exact(odd_characters):
    tree = parse_html(odd_characters["c/stories/maria/index.html"])
    (h1,) = tree.iter("h1")
    assert "".join(h1.itertext()) == CLEAN
    description = next(m.get("content") for m in tree.iter("meta") if m.get("name") == "description")
    assert description == CLEAN
    prose = next(div for div in tree.iter("div") if div.get("class") == "prose")
    assert "".join(prose.itertext()).strip() == "Body [31m red  \u2028 line \u2029 para  end."
    campaign = parse_html(odd_characters["c/index.html"])
    assert [img.get("alt") for img in campaign.iter("img") if "hero" in (img.get("src") or "")][:1] == [CLEAN]


def test_u2028_cannot_break_the_json_ld_script(odd_characters):
    for rel in ("c/index.html", "c/stories/maria/index.html"):
        html = odd_characters[rel].decode()
        (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert "\u2028" not in block and "\u2029" not in block  # written \\u2028: old JS parsers end a line there
        data = json.loads(block)
        assert (data.get("headline") or data.get("name")) == CLEAN


def test_feed_and_sitemap_stay_well_formed_xml_with_the_text_exact(odd_characters):
    feed = ET.fromstring(odd_characters["feed.xml"])
    atom = "{http://www.w3.org/2005/Atom}"
    assert f"Site {CLEAN}" in feed.findtext(f"{atom}title")
    (entry,) = feed.iter(f"{atom}entry")
    assert entry.findtext(f"{atom}title") == CLEAN
    assert entry.findtext(f"{atom}summary") == CLEAN
    assert entry.find(f"{atom}author").findtext(f"{atom}name") == CLEAN
    content = parse_html(entry.findtext(f"{atom}content"))
    assert "Body [31m red" in text_of(content)
    ET.fromstring(odd_characters["sitemap.xml"])
