"""`new campaign` and `new story`: files that build, explain every key, and never replace a file."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import pytest

from conftest import BUILD_PY, MINIMAL, REPO, build_files, h1, parse_html, run_build, text_of
from handbill import Diagnostics, schema
from handbill.scaffold import (MANAGED_KEYS, ScaffoldRefused, campaign_text, new_campaign, new_story,
                               story_text, yaml_text)
from handbill.slugs import ascii_slug
from handbill.yamlfile import parse_yaml


@pytest.mark.parametrize("title, slug", [
    ("Maria's first day", "marias-first-day"),
    ("Åsa’s Straße", "asas-strasse"),
    ("Ærø & Łódź", "aero-and-lodz"),
    ("  Paid   Leave!! ", "paid-leave"),
    ("Ирина из Киева", "irina-iz-kieva"),
    ("Η Ελένη", "i-eleni"),
    ("Café №5", "cafe-no5"),
    ("قصة أمل", ""),  # no Latin spelling: the caller chooses a name
])
def test_ascii_slug_transliterates_titles(title, slug):
    assert ascii_slug(title) == slug


def test_ascii_slug_keeps_slugs_short_and_whole_words():
    slug = ascii_slug("word " * 40)
    assert len(slug) <= 60 and slug.endswith("word") and not slug.endswith("-")


@pytest.mark.parametrize("text", ["Maria's well", 'She said: "no"', "#1 for families", "- a dash", "yes", "12:30",
                                  "[brackets]", "ends with colon:", "tab\there", "Åsa ✊"])
def test_yaml_text_reads_back_exactly(text):
    diags = Diagnostics()
    node = parse_yaml(f"title: {yaml_text(text)}\n", "x.yaml", diags)
    assert not diags.items and node.get("title").text == text


def documented_keys(text: str) -> set[str]:
    """Top-level keys written or explained in a template (`key:` or `# key:` at the start of a line)."""
    return set(re.findall(r"^(?:# )?([a-z_]+):", text, re.MULTILINE))


def test_the_story_template_explains_every_key_a_story_can_have():
    text = story_text("Title", "title", dt.date(2026, 5, 1))
    front = text.split("---\n")[1]
    assert documented_keys(front) == set(schema.STORY.keys) - MANAGED_KEYS


def test_the_campaign_template_explains_every_key_a_campaign_can_have():
    text = campaign_text("Title", "title")
    assert documented_keys(text) == set(schema.CAMPAIGN.keys) - MANAGED_KEYS
    petition_block = text.split("# petition:\n", 1)[1].split("\n\n", 1)[0]
    assert set(re.findall(r"^#   ([a-z_]+):", petition_block, re.MULTILINE)) == set(schema.PETITION.keys)
    share_block = text.split("# share:\n", 1)[1].split("\n\n", 1)[0]
    assert set(re.findall(r"^#   ([a-z_]+):", share_block, re.MULTILINE)) == set(schema.SHARE.keys)


def test_every_commented_example_in_the_templates_is_valid_yaml_for_its_key(make_project):
    """Uncommenting every example gives a file that builds without a warning."""
    project = make_project(MINIMAL)
    new_campaign(project / "content", "water")
    new_story(project / "content", "water", "Ana", today=dt.date(2026, 5, 1))
    campaign = project / "content/en/water/campaign.yaml"
    story = project / "content/en/water/stories/ana.md"
    campaign.write_text(re.sub(r"^# ((?:[a-z_]+:|  ).*)$", r"\1", campaign.read_text(), flags=re.MULTILINE)
                        .replace("image: hero.jpg\n", "").replace("image_alt: Parents and children marching with a banner\n", ""))
    story.write_text("\n".join(line for line in re.sub(r"^# ([a-z_]+: .*)$", r"\1", story.read_text(),
                                                       flags=re.MULTILINE).splitlines()
                               if not line.startswith(("image:", "image_alt:"))) + "\n")
    assert "endpoint: https://forms" in campaign.read_text() and "author: Maria, Ohio" in story.read_text()
    code, _, err = run_build(project, "--strict", "--drafts")
    assert code == 0, err


def test_new_campaign_creates_a_draft_that_builds(make_project):
    project = make_project(MINIMAL)
    created = new_campaign(project / "content", "Fair Wages for Carers")
    assert created.path == project / "content/en/fair-wages-for-carers/campaign.yaml"
    assert any("new story fair-wages-for-carers" in step for step in created.next_steps)

    published = build_files(project, strict=True)
    assert "fair-wages-for-carers/index.html" not in published  # a draft until `draft: true` is removed
    preview = build_files(project, out="preview", strict=True, drafts=True)
    page = parse_html(preview["fair-wages-for-carers/index.html"])
    assert text_of(page.find(".//h1")) == "Fair Wages for Carers"


def test_new_story_uses_the_title_and_todays_date(make_project):
    project = make_project(MINIMAL)
    title = 'Åsa: "the #1 carer" in Straße'
    created = new_story(project / "content", "c", title, today=dt.date(2026, 3, 4))
    assert created.path == project / "content/en/c/stories/asa-the-1-carer-in-strasse.md"
    assert "\ndate: 2026-03-04\n" in created.path.read_text(encoding="utf-8")

    files = build_files(project, strict=True, drafts=True)
    page = parse_html(files["c/stories/asa-the-1-carer-in-strasse/index.html"])
    assert text_of(page.find(".//h1")) == title
    assert b"never published" not in files["c/stories/asa-the-1-carer-in-strasse/index.html"]  # the notes stay out
    assert "c/stories/asa-the-1-carer-in-strasse/index.html" not in build_files(project, out="site2")  # a draft


def test_a_title_without_latin_letters_gets_a_dated_name_or_the_one_given(make_project):
    project = make_project(MINIMAL)
    assert new_story(project / "content", "c", "قصة أمل", today=dt.date(2026, 3, 4)).path.name == "story-2026-03-04.md"
    assert new_story(project / "content", "c", "قصة أمل", slug="amal").path.name == "amal.md"
    with pytest.raises(ScaffoldRefused, match="cannot be a file name"):
        new_story(project / "content", "c", "x", slug="Not A Slug")


def test_titles_without_latin_letters_on_one_day_get_numbered_names_that_build(make_project):
    project = make_project(MINIMAL)
    titles = ["مريم عادت إلى العمل", "玛丽亚产后两周就回去上班了", "मारिया की कहानी"]
    names = [new_story(project / "content", "c", title, today=dt.date(2026, 11, 22)).path.stem for title in titles]
    assert names == ["story-2026-11-22", "story-2026-11-22-2", "story-2026-11-22-3"]
    (project / "content/en/c/stories/story-2026-11-22-2.md").unlink()  # a gap is filled first
    assert new_story(project / "content", "c", "ሰላም", today=dt.date(2026, 11, 22)).path.stem == "story-2026-11-22-2"
    files = build_files(project, drafts=True)
    assert [text_of(h1(parse_html(files[f"c/stories/{name}/index.html"]))) for name in names] == \
        [titles[0], "ሰላም", titles[2]]


def test_new_never_overwrites_a_file(make_project):
    project = make_project(MINIMAL)
    maria = project / "content/en/c/stories/maria.md"
    before = maria.read_bytes()
    with pytest.raises(ScaffoldRefused, match="already exists, and handbill never overwrites") as refused:
        new_story(project / "content", "c", "Maria")
    assert maria.read_bytes() == before
    assert refused.value.hint == ("open that file to edit the story, or give the new story its own file name: "
                                  "add --slug maria-2 (or another name) to the command")

    campaign = project / "content/en/c/campaign.yaml"
    before = campaign.read_bytes()
    with pytest.raises(ScaffoldRefused, match="never overwrites"):
        new_campaign(project / "content", "c")
    assert campaign.read_bytes() == before


def test_the_new_command_reports_and_exits_1_instead_of_overwriting(make_project):
    project = make_project(MINIMAL)

    def new(*args: str):
        done = subprocess.run([sys.executable, str(BUILD_PY), "new", *args], cwd=project, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
        return done.returncode, done.stdout, done.stderr

    code, out, err = new("story", "c", "A new day")
    assert code == 0 and out.startswith("Created content/en/c/stories/a-new-day.md")
    written = (project / "content/en/c/stories/a-new-day.md").read_bytes()
    code, out, err = new("story", "c", "A new day")
    assert code == 1 and "never overwrites" in err and "hint:" in err
    assert (project / "content/en/c/stories/a-new-day.md").read_bytes() == written
    code, _, err = new("story", "cc", "Another")
    assert code == 1 and "did you mean `c`?" in err


@pytest.mark.parametrize("name, words", [("media", "needs that address"), ("sv", "language code"), ("قصة", "no letters")])
def test_campaign_names_the_site_needs_are_refused(make_project, name, words):
    project = make_project(MINIMAL)
    with pytest.raises(ScaffoldRefused, match=words):
        new_campaign(project / "content", name)


def test_the_next_steps_name_the_content_folder_when_it_is_not_the_usual_one(tmp_path, monkeypatch):
    from pathlib import Path
    from conftest import write_project
    project = write_project(tmp_path / "p", MINIMAL)
    monkeypatch.chdir(project)
    assert not any("--content" in step for step in new_story(Path("content"), "c", "One").next_steps)
    monkeypatch.chdir(tmp_path)
    steps = new_story(Path("p/content"), "c", "Two").next_steps
    assert "Preview it: python build.py serve --drafts --content p/content" in steps
    spaced = write_project(tmp_path / "our site", MINIMAL)
    steps = new_story(spaced.relative_to(tmp_path) / "content", "c", "Three").next_steps
    assert "Preview it: python build.py serve --drafts --content 'our site/content'" in steps  # copied, it works


def test_a_title_that_makes_a_name_windows_keeps_gets_a_name_that_works(make_project):
    project = make_project(MINIMAL)
    assert new_story(project / "content", "c", "Con").path.name == "con-story.md"
    with pytest.raises(ScaffoldRefused, match="`nul` cannot be a file name") as refused:
        new_story(project / "content", "c", "Nul", slug="nul")
    assert refused.value.hint == "use lowercase letters a-z, digits and -, like nul-story"  # not the refused name


def test_an_empty_slug_is_refused_instead_of_ignored(make_project):
    project = make_project(MINIMAL)
    with pytest.raises(ScaffoldRefused, match="--slug is empty"):
        new_story(project / "content", "c", "Ana", slug="")
    assert not (project / "content/en/c/stories/ana.md").exists()


def test_a_campaign_cannot_take_the_address_of_a_page(make_project):
    project = make_project(MINIMAL)
    with pytest.raises(ScaffoldRefused, match="the page .*pages/about.md is at /about/ already") as refused:
        new_campaign(project / "content", "About")
    assert refused.value.hint == "choose another name, for example about-campaign"
    assert not (project / "content/en/about").exists()


def test_a_story_for_a_missing_campaign_gets_a_hint_that_works_as_written(tmp_path, monkeypatch):
    from pathlib import Path
    from conftest import write_project
    write_project(tmp_path / "p", MINIMAL)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScaffoldRefused) as refused:
        new_story(Path("p/content"), "water", "Ana")
    assert refused.value.hint == "create it first: python build.py new campaign water --content p/content"
    with pytest.raises(ScaffoldRefused) as refused:
        new_story(Path("p/content"), "sv", "Ana")  # a language folder, which `new campaign` would refuse
    assert refused.value.hint == "`sv` is a language code: name one of the campaigns, like c"
