"""What a story's text may hold and what it is told: a note (`<!--`) never closed, headings and HTML ids that
would take the theme's own ids, the direction of a quotation (`dir`, <bdi>, <bdo>), photos with no
description. Each with both Markdown engines where the engine matters."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import MINIMAL, REPO, SITE_YAML, build_files, errors_of, jpeg_bytes, parse_html, run_build, story, text_of
from hardening_helpers import assert_located_with_hint, problems
from handbill import petition, submissions
from handbill.markdown_engines import THEME_IDS, content_id

ENGINES = ["commonmark", "python-markdown"]
MARIA = "content/en/c/stories/maria.md"


def site(engine: str) -> dict[str, str | bytes]:
    return {**MINIMAL, "content/site.yaml": SITE_YAML + f"markdown: {engine}\n"}


# --- a note that is never closed ------------------------------------------------------------------

NOTE_BODY = """\
The first paragraph.

<!-- note to editor: check the dates with Maria

## The first two weeks

The rest of the story.
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_note_never_closed_is_an_error_at_its_line(make_project, engine):
    # front matter: 4 lines, so the note is on line 7; CommonMark would hide the rest of the story,
    # Python-Markdown would publish the private note
    project = make_project({**site(engine), MARIA: story("Maria's well", NOTE_BODY)})
    code, _, stderr = run_build(project)
    assert code == 1
    blocks = problems(stderr)
    assert len(blocks) == 1, blocks
    assert blocks[0].startswith(f"{MARIA}:7: this note `<!--` is never ended with `-->`")
    assert "hint: write --> where the note ends" in blocks[0]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_note_never_closed_in_a_line_of_text_or_a_campaign_body_is_an_error_too(make_project, engine):
    project = make_project({
        **site(engine),
        "content/en/c/campaign.yaml": "title: Clean water\nbody: |\n  Sign it.\n\n  Thanks <!-- (ask Lan)\n",
        MARIA: story("Maria's well", "One.\n\nTwo <!-- draft: ask Maria\n\nThree."),
    })
    code, _, stderr = run_build(project)
    blocks = problems(stderr)
    assert code == 1
    assert [block.split(" this note", 1)[0] for block in blocks] == ["content/en/c/campaign.yaml:5:", f"{MARIA}:7:"]


@pytest.mark.parametrize("engine", ENGINES)
def test_closed_notes_and_notes_shown_as_code_are_not_reported(make_project, engine):
    body = ("<!-- a note -->\n\nText <!-- inline --> and `<!--` in code, and \\<!-- shown.\n\n"
            "```html\n<!-- an example\n```\n\n<!--> an empty one, and <!-- one --!> closed the other way.")
    project = make_project({**site(engine), MARIA: story("Maria's well", body)})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    assert "<!--" not in stderr


# --- ids the theme uses -------------------------------------------------------------------------

CAMPAIGN_BODY = """\
title: Clean water
body: |
  Sign it.

  ## Sign

  ## Thank you step

  ## Why it matters

  <p id="main">A paragraph with the skip link's id.</p>

  ## Count text

  ## Count text
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_body_never_takes_an_id_the_theme_uses(make_project, engine):
    project = make_project({
        **site(engine),
        "content/en/c/campaign.yaml": CAMPAIGN_BODY,
        MARIA: story("Maria's well", "## Share heading\n\n## CTA heading\n\n## More heading\n\n<a id=\"main\">x</a>"),
    })
    files = build_files(project)
    for rel in ("c/index.html", "c/stories/maria/index.html"):
        tree = parse_html(files[rel])
        ids = Counter(element.get("id") for element in tree.iter() if element.get("id"))
        assert [name for name, count in ids.items() if count > 1] == [], rel
    campaign = parse_html(files["c/index.html"])
    by_id = {element.get("id"): element for element in campaign.iter() if element.get("id")}
    assert by_id["sign"].tag == "section" and by_id["main"].tag == "main"
    assert "thank-you-step" in by_id["thank-you-step"].get("class")  # the petition's thank-you step, not the heading
    headings = {text_of(h): h.get("id") for h in campaign.iter("h2") if h.get("id", "").endswith(("_1", "_2", "matters"))}
    assert headings == {"Sign": "sign_1", "Thank you step": "thank-you-step_1", "Why it matters": "why-it-matters",
                        "Count text": "count-text_2"}  # (the first "Count text" is count-text_1)
    assert by_id["main_1"].tag == "p"
    story_page = parse_html(files["c/stories/maria/index.html"])
    story_ids = {element.get("id"): element.tag for element in story_page.iter() if element.get("id")}
    assert story_ids["share-heading_1"] == story_ids["cta-heading_1"] == story_ids["more-heading_1"] == "h2"
    assert story_ids["main"] == "main" and story_ids["main_1"] == "a"


def test_the_theme_ids_are_the_ids_of_the_default_theme_templates():
    # every id a template writes, its template expressions as THEME_IDS writes them
    written = set()
    placeholders = {"field.key": "{key}", "loop.index": "{n}", "heading_level": "{n}"}
    for template in (REPO / "themes" / "default" / "templates").glob("*.html"):
        for value in re.findall(r'\sid="([^"]*)"', template.read_text(encoding="utf-8")):
            expressions = re.findall(r"\{\{\s*(.*?)\s*\}\}", value)
            assert all(e in placeholders for e in expressions), (template.name, value)
            written.add(re.sub(r"\{\{\s*(.*?)\s*\}\}", lambda m: placeholders[m.group(1)], value))
    assert written == set(THEME_IDS)
    keys = set(petition.FIELD_SPECS) | set(submissions.FIELD_SPECS) | {"consent"}
    assert all(re.fullmatch(r"[a-z_]+", key) for key in keys)  # what {key} stands for


@pytest.mark.parametrize("taken", ["sign", "f-email", "f-first_name-error", "s-hp2", "share-heading-3", "main"])
def test_an_id_the_theme_uses_gets_a_number_that_no_theme_id_has(taken):
    assert content_id(taken) == f"{taken}_1"


@pytest.mark.parametrize("free", ["signs", "why-it-matters", "f-16_1", "mainly", "share-heading-x"])
def test_an_id_the_theme_does_not_use_is_left_alone(free):
    assert content_id(free) == free


# --- the direction of a quotation -----------------------------------------------------------------

DIRECTION_BODY = """\
He told me: <span lang="en" dir="ltr">"Hello, world!"</span>

<p lang="en" dir="LTR">I had to choose (really).</p>

<bdi>Name (MD)</bdi> and <span dir="auto">Test!</span> and <bdo dir="rtl">abc</bdo>

<span dir="sideways">odd</span> <bdo>none</bdo>
"""


def test_dir_bdi_and_bdo_written_in_a_story_are_kept(make_project):
    project = make_project({**MINIMAL, MARIA: story("Maria's well", DIRECTION_BODY)})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    prose = parse_html((project / "site/c/stories/maria/index.html").read_bytes()).find(".//div[@class='prose']")
    directions = [(element.tag, element.get("dir"), text_of(element)) for element in prose.iter()
                  if element.tag in ("span", "p", "bdi", "bdo") and element.get("dir", "x") != "x" or element.tag in ("bdi", "bdo")]
    assert directions == [("span", "ltr", "“Hello, world!”"), ("p", "ltr", "I had to choose (really)."),
                          ("bdi", None, "Name (MD)"), ("span", "auto", "Test!"), ("bdo", "rtl", "abc"), ("bdo", None, "none")]
    assert [e.get("dir") for e in prose.iter("span") if text_of(e) == "odd"] == [None]
    warnings = [block for block in errors_of(stderr) if ": warning: " in block]
    assert len(warnings) == 2, warnings
    assert any(block.startswith(f'{MARIA}:11: warning: <bdo> needs dir="ltr" or dir="rtl"') for block in warnings)
    assert any(block.startswith(f'{MARIA}:11: warning: dir="sideways" was removed') for block in warnings)


# --- photos with no description -------------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_a_photo_in_the_text_with_no_description_is_a_warning_at_its_line(make_project, engine):
    body = ("![](maria.jpg)\n\n"                            # line 5: Markdown, nothing between the brackets
            "<img src=\"maria.jpg\">\n\n"                   # line 7: HTML without alt
            "![Maria at the well](maria.jpg)\n\n"           # described
            "<img src=\"maria.jpg\" alt=\"\">\n")           # alt="" written on purpose: decoration
    project = make_project({**site(engine), MARIA: story("Maria's well", body), "content/en/c/stories/maria.jpg": jpeg_bytes()})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    warnings = [block for block in errors_of(stderr) if ": warning: " in block]
    assert [block.split(": warning: ")[0] for block in warnings] == [f"{MARIA}:5", f"{MARIA}:7"], warnings
    assert all("this photo has no description" in block for block in warnings)
    assert "![Maria at the march](photo.jpg)" in warnings[0] and 'alt="what the photo shows"' in warnings[1]
    for block in warnings:
        assert_located_with_hint("content/" + block.split("content/", 1)[1])
    prose = parse_html((project / "site/c/stories/maria/index.html").read_bytes()).find(".//div[@class='prose']")
    assert [img.get("alt") for img in prose.iter("img")] == ["", "", "Maria at the well", ""]  # never without alt


def test_a_heading_that_only_looks_like_a_theme_id_keeps_its_own():
    """`f-{key}` is the form's fields: F-Droid and S-Bahn are not among them."""
    from handbill.markdown_engines import _THEME_ID
    assert not any(_THEME_ID.fullmatch(name) for name in ("f-droid", "s-bahn", "f-1", "main-street"))
    assert all(_THEME_ID.fullmatch(name) for name in ("f-email", "f-first_name-error", "s-story", "main", "f-hp2"))
