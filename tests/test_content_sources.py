"""Files of the content folder that would be left out without a word, or reported wrongly: a story saved as
`.MD`, `.markdown` or `.md.txt`, a name that clashes with another by letter case, a name with invisible
characters, a named pipe."""
from __future__ import annotations

import os

import pytest

from conftest import MINIMAL, SITE_YAML, errors_of, run_build, story, page
from hardening_helpers import assert_located_with_hint, problems
from handbill.text import is_blank, visible_name

S = "content/en/c/stories/"
FRONT = story("Saved another way")


def test_a_story_or_page_whose_name_does_not_end_in_md_is_named_with_what_to_rename_it_to(make_project):
    project = make_project({
        **MINIMAL,
        S + "upper.MD": FRONT,
        S + "mixed.Md": FRONT,
        S + "long.markdown": FRONT,
        S + "notepad.md.txt": FRONT,  # Notepad's "Save as type: Text Documents"
        S + "space.md ": FRONT,
        S + "text.txt": FRONT,
        S + "maria.markdown": FRONT,  # maria.md is there
        "content/en/pages/contact.MD": page("Contact"),
        S + "transcript.txt": "What Maria said, word for word.\n",  # a text file to link to, not a story
        "content/en/c/flyer.txt": FRONT,  # not in stories/: a file of the campaign
    })
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    warnings = {block.split(": ", 1)[0]: block for block in errors_of(stderr) if ": warning: " in block}
    expected = {
        S + "upper.MD": ("`.MD`", "rename it to upper.md"),
        S + "mixed.Md": ("`.Md`", "rename it to mixed.md"),
        S + "long.markdown": ("`.markdown`", "rename it to long.md"),
        S + "notepad.md.txt": ("`.md.txt`", "rename it to notepad.md"),
        S + "space.md ": ("`.md `", "rename it to space.md"),
        S + "text.txt": ("`.txt`", "rename it to text.md"),
        S + "maria.markdown": ("`.markdown`", "maria.md is there already: delete this file if it is an old copy, "
                                              "else rename it to maria-2.md"),
        "content/en/pages/contact.MD": ("`.MD`", "rename it to contact.md"),
    }
    assert sorted(warnings) == sorted(expected), stderr
    for path, (end, hint) in expected.items():
        kind = "page" if "/pages/" in path else "story"
        assert f"warning: this {kind} is not published: its file name ends in {end} instead of `.md`" in warnings[path]
        assert f"  hint: {hint}" in warnings[path]


def test_a_settings_file_named_in_capitals_is_not_read_and_said_so(make_project):
    project = make_project({**MINIMAL, "content/en/d/campaign.YAML": "title: D\n"})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    (block,) = [b for b in errors_of(stderr) if b.startswith("content/en/d/campaign.YAML: ")]
    assert "this settings file is not read" in block and "rename it to campaign.yaml" in block


@pytest.mark.parametrize("other", ["Campaign.yaml", "CAMPAIGN.yaml", "campaign.YAML"])
def test_a_campaign_yaml_clash_is_reported_once_and_the_campaign_is_still_read(make_project, other):
    project = make_project({
        **MINIMAL,
        "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
        f"content/en/c/{other}": "title: Old copy\n",
        "content/sv/c/campaign.yaml": "title: Rent vatten\n",
        "content/sv/c/stories/maria.md": story("Marias brunn"),
    })
    code, _, stderr = run_build(project)
    blocks = problems(stderr)
    assert code == 1
    assert len(blocks) == 1, "\n".join(blocks)  # no "has no campaign.yaml", no "translation has no original"
    assert blocks[0].startswith(f"content/en/c/{other}: this name differs from `c/campaign.yaml` only by capital letters")
    assert_located_with_hint(blocks[0])


def test_a_story_clash_is_reported_once_and_its_translation_keeps_its_original(make_project):
    project = make_project({
        **MINIMAL,
        "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
        S + "Maria.md": story("Maria, an old copy"),
        "content/sv/c/campaign.yaml": "title: Rent vatten\n",
        "content/sv/c/stories/maria.md": story("Marias brunn"),
    })
    code, _, stderr = run_build(project)
    blocks = problems(stderr)
    assert code == 1
    assert blocks == [f"{S}Maria.md: this name differs from `c/stories/maria.md` only by capital letters or accents\n"
                      "  hint: on Windows and macOS the two would be one file: rename or remove one"], "\n".join(blocks)


def test_invisible_characters_in_a_file_name_are_shown_escaped(make_project):
    project = make_project({**MINIMAL, S + "zw\u200bx.md": story("Zero width"), S + "bidi\u202e.md": story("Bidi"),
                            "content/s\u200bv/c/campaign.yaml": "title: Rent vatten\n"})
    code, _, stderr = run_build(project)
    assert code == 1
    messages = {block.split(": ", 1)[0]: block.split(": ", 1)[1] for block in problems(stderr)}
    # the file's own path at the start of the line is escaped too
    assert messages[S + "zw\\u200bx.md"].startswith("the story file name `zw\\u200bx` cannot be used in a web address")
    assert messages[S + "bidi\\u202e.md"].startswith("the story file name `bidi\\u202e` cannot be used in a web address")
    assert messages["content/s\\u200bv"].startswith("`s\\u200bv` is neither a language folder nor media/")
    assert "content/en/s\\u200bv/" in messages["content/s\\u200bv"]
    assert len(messages) == 3
    assert "\u200b" not in stderr and "\u202e" not in stderr
    assert not any(char in message for message in messages.values() for char in "\u200b\u202e")


def test_names_are_escaped_only_where_something_cannot_be_seen():
    assert visible_name("maría-ب-中文.md") == "maría-ب-中文.md"
    assert visible_name("a\u00a0b\u200dc\u2066") == "a\\u00a0b\\u200dc\\u2066"
    assert visible_name("tag\U000e0041") == "tag\\U000e0041"


@pytest.mark.parametrize("text", ["", "  ", "\t", "\u202e", "\x7f", "\u200b \u200d", "\u3000"])
def test_blank_text_is_text_nobody_would_see(text):
    assert is_blank(text)


@pytest.mark.parametrize("text", ["a", " ب ", "\u200dx", "…", "🙂"])
def test_text_with_something_to_see_is_not_blank(text):
    assert not is_blank(text)


@pytest.mark.parametrize("where", [S + "notes.md", "content/en/c/photo.jpg", "content/media/x.jpg"])
def test_a_named_pipe_in_the_content_folder_is_skipped_with_a_warning(make_project, where):
    project = make_project(MINIMAL)
    (project / where).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(project / where)
    for command in ("check", "build"):
        code, _, stderr = run_build(project, command=command, timeout=60)  # (reading it would wait forever)
        assert code == 0, stderr
    (block,) = [b for b in errors_of(stderr) if b.startswith(f"{where}: ")]
    assert "warning: this is not an ordinary file (a named pipe, a socket or a device), so it is skipped" in block
    assert_located_with_hint(block)
