"""The translator's commands: `new locale`, `new translation`, `check` with its per-language report,
stale translations found by source hash, and `check --mark-translated`."""
from __future__ import annotations

import re

from conftest import MINIMAL, SITE_YAML, errors_of, run_build, story
from handbill.diagnostics import Diagnostics
from handbill.project import load_project
from handbill.translation import normalise, source_hash, with_source_hash

WORLD = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv, ar, hi]\n",
    "content/en/c/campaign.yaml": "title: Clean water\nsummary: Water for every school.\nimage_alt: A well\n"
                                  "petition:\n  goal: 5000\n  consent: Yes please\n",
    "content/en/c/stories/bob.md": story("Bob's pump", date="2026-04-01", extra="author: Bob\ntags: [pumps]\n"),
    "content/sv/c/campaign.yaml": "title: Rent vatten\n",
    "content/sv/c/stories/maria.md": story("Marias brunn"),
    "content/ar/c/stories/maria.md": story("بئر ماريا", extra="draft: true\n"),
    "content/hi/strings.yaml": "sign_button: अभी हस्ताक्षर करें\n",
}


def cli(project, *args):
    """``python build.py ARGS`` in ``project`` (run_build adds --content and --out, which these commands do not take)."""
    import os
    import subprocess
    import sys

    from conftest import BUILD_PY, REPO
    done = subprocess.run([sys.executable, str(BUILD_PY), *args], cwd=project, capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    return done.returncode, done.stdout, done.stderr


def section(stdout: str, title: str) -> list[str]:
    """The indented file lines under a report heading like `  stale: ...:`."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(title))
    out = []
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        out.append(line.strip())
    return out


def table(stdout: str) -> dict[str, list[str]]:
    lines = stdout.split("Translation status\n", 1)[1].splitlines()
    return {line.split()[0]: line.split() for line in lines[1:] if line.strip()}


# --- check ------------------------------------------------------------------------------------------

def test_check_reports_each_language_and_ends_with_a_table(make_project):
    project = make_project(WORLD)
    code, out, err = run_build(project, command="check")
    assert code == 0, err
    assert "Swedish (sv): 2 of 4 files translated" in out
    sv = out.split("Swedish (sv)", 1)[1]
    assert section(sv, "not translated yet, shown in English") == [
        "content/sv/c/stories/bob.md", "content/sv/pages/about.md"]
    assert "Arabic (ar): 0 of 4 files translated" in out
    ar = out.split("Arabic (ar)", 1)[1].split("\n\n", 1)[0]
    assert "in progress (draft: true), the original is shown:\n    content/ar/c/stories/maria.md" in ar
    hi = out.split("Hindi (hi)", 1)[1].split("\n\n", 1)[0]
    assert "UI strings not translated" not in hi  # the theme translates Hindi; the override is extra
    rows = table(out)
    assert rows["en"][:3] == ["en", "English", "(default)"] and rows["en"][3:5] == ["4/4", "100%"]
    assert rows["sv"][2:4] == ["2/4", "50%"]
    assert rows["ar"][2:4] == ["0/4", "0%"] and rows["ar"][-1] == "1"  # one in progress
    assert not (project / "site").exists()  # check writes no site


def test_check_lists_ui_strings_a_language_lacks(make_project):
    project = make_project({**WORLD, "content/site.yaml": SITE_YAML + "locales: [en, sv, ja]\n",
                            "content/ja/strings.yaml": "sign_button: 署名する\n"})
    code, out, err = run_build(project, command="check")
    assert code == 0, err
    ja = out.split("Japanese (ja)", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"UI strings not translated \((\d+)\): .*skip_to_content", ja)
    assert re.search(r"ja\s+Japanese\s+0/4\s+0%\s+1/\d+", out)


def test_check_exit_code_is_for_errors_or_warnings_with_strict(make_project):
    project = make_project({**WORLD, "content/sv/c/stories/zed.md": story("Zed")})  # an orphan: a warning
    code, out, _ = run_build(project, command="check")
    assert code == 0
    assert section(out, "no original, not published") == ["content/sv/c/stories/zed.md"]
    code, _, _ = run_build(project, "--strict", command="check")
    assert code == 1


def test_a_changed_original_makes_its_marked_translation_stale(make_project):
    project = make_project(WORLD)
    code, out, err = cli(project, "check", "--mark-translated", "content/sv/c/stories/maria.md")
    assert code == 0, err
    assert "Marked content/sv/c/stories/maria.md as up to date with its original." in out
    text = (project / "content/sv/c/stories/maria.md").read_text()
    assert re.search(r"^source_hash: [0-9a-f]{12}$", text, re.MULTILINE)
    code, out, _ = run_build(project, command="check")
    assert "stale: " not in out
    original = project / "content/en/c/stories/maria.md"
    original.write_text(original.read_text().replace("Maria tells her story.", "Maria tells her whole story."))
    code, out, _ = run_build(project, command="check")
    assert code == 0
    assert section(out, "stale: the original changed after it was translated") == ["content/sv/c/stories/maria.md"]
    assert table(out)["sv"][-2] == "1"


def test_changing_a_setting_of_the_original_does_not_make_translations_stale(make_project):
    project = make_project(WORLD)
    cli(project, "check", "--mark-translated")
    campaign = project / "content/en/c/campaign.yaml"
    campaign.write_text(campaign.read_text().replace("goal: 5000", "goal: 9000"))
    code, out, _ = run_build(project, command="check")
    assert "stale: " not in out


def test_mark_translated_without_files_marks_every_unmarked_translation_once(make_project):
    project = make_project(WORLD)
    code, out, _ = cli(project, "check", "--mark-translated")
    assert code == 0
    assert sorted(re.findall(r"Marked (\S+)", out)) == [
        "content/ar/c/stories/maria.md", "content/sv/c/campaign.yaml", "content/sv/c/stories/maria.md"]
    code, out, _ = cli(project, "check", "--mark-translated")
    assert "Nothing to mark" in out


def test_mark_translated_refuses_an_original(make_project):
    project = make_project(WORLD)
    code, _, err = cli(project, "check", "--mark-translated", "content/en/c/stories/maria.md")
    assert code == 1
    assert errors_of(err)[0].startswith("content/en/c/stories/maria.md: cannot mark this file as translated: "
                                        "it is in the default language folder")


def test_source_hash_ignores_settings_line_endings_and_trailing_spaces(make_project):
    project = make_project(WORLD)
    before = load_project(project / "content", Diagnostics()).sources["en"]["c/campaign.yaml"]
    path = project / "content/en/c/campaign.yaml"
    path.write_bytes(path.read_bytes().replace(b"goal: 5000", b"goal: 7").replace(b"\n", b"  \r\n"))
    after = load_project(project / "content", Diagnostics()).sources["en"]["c/campaign.yaml"]
    assert source_hash(before) == source_hash(after)
    path.write_text(path.read_text().replace("Yes please", "Yes, please"))
    changed = load_project(project / "content", Diagnostics()).sources["en"]["c/campaign.yaml"]
    assert source_hash(changed) != source_hash(before)  # petition.consent is text
    assert normalise("a  \r\nb\r\n\r\n") == "a\nb"


def test_with_source_hash_keeps_crlf_and_replaces_an_old_hash():
    md = "---\r\ntitle: X\r\n---\r\nBody\r\n"
    once = with_source_hash(md, "aaa", markdown=True)
    assert once == "---\r\ntitle: X\r\nsource_hash: aaa\r\n---\r\nBody\r\n"
    assert with_source_hash(once, "bbb", markdown=True) == once.replace("aaa", "bbb")
    assert with_source_hash("title: X", "ccc", markdown=False) == "title: X\nsource_hash: ccc\n"


# --- new locale, new translation --------------------------------------------------------------------

def test_new_locale_writes_strings_to_translate_and_says_what_next(make_project):
    project = make_project(WORLD)
    code, out, err = cli(project, "new", "locale", "ja")
    assert code == 0, err
    text = (project / "content/ja/strings.yaml").read_text(encoding="utf-8")
    assert "# Sign the petition\nsign_button:\n" in text
    assert "signed_count:\n  other:\n" in text  # Japanese has one plural form
    assert "Add ja to `locales:` in content/site.yaml" in out
    assert "new translation ja" in out
    code, out, err = run_build(project, command="check")  # empty values: not translated yet, no error
    assert code == 0, err


def test_new_locale_for_a_language_the_theme_has_lists_the_theme_text_as_comments(make_project):
    project = make_project({**WORLD, "content/site.yaml": SITE_YAML})
    code, out, err = cli(project, "new", "locale", "ar")
    assert code == 0, err
    text = (project / "content/ar/strings.yaml").read_text(encoding="utf-8")
    assert '# sign_button: "وقّع العريضة"' in text
    assert "the theme translates all" in out and "UI strings already" in out and "fill in the empty values" not in out


def test_new_locale_fixes_the_spelling_and_never_overwrites(make_project):
    project = make_project(WORLD)
    code, out, _ = cli(project, "new", "locale", "pt_br")
    assert code == 0
    assert "Using `pt-BR`" in out
    assert (project / "content/pt-BR/strings.yaml").is_file()
    (project / "content/pt-BR/strings.yaml").write_text("sign_button: Assine já\n")
    code, out, _ = cli(project, "new", "locale", "pt-BR")
    assert "already exists; it was left as it is" in out
    assert (project / "content/pt-BR/strings.yaml").read_text() == "sign_button: Assine já\n"


def test_new_locale_refuses_a_code_that_is_no_language(make_project):
    project = make_project(WORLD)
    code, _, err = cli(project, "new", "locale", "jp")
    assert code == 1
    assert "`jp` is not a language code (JP is the country code of Japan)" in err
    assert "did you mean `ja` (Japanese)?" in err
    assert not (project / "content/jp").exists()


def test_new_translation_copies_the_text_keys_as_a_draft_with_the_source_hash(make_project):
    project = make_project(WORLD)
    code, out, err = cli(project, "new", "translation", "hi", "c/campaign.yaml", "c/stories/bob.md")
    assert code == 0, err
    campaign = (project / "content/hi/c/campaign.yaml").read_text(encoding="utf-8")
    assert "title: Clean water" in campaign and "summary: Water for every school." in campaign
    assert "petition:\n  consent: Yes please" in campaign
    assert "goal" not in campaign  # settings keep following the original
    assert "draft: true" in campaign
    bob = (project / "content/hi/c/stories/bob.md").read_text(encoding="utf-8")
    assert "title: Bob's pump" in bob and "author: Bob" in bob and "date:" not in bob and "tags" not in bob
    assert bob.endswith("---\nStory text.\n")
    code, out, err = run_build(project, command="check")
    assert code == 0, err
    hi = out.split("Hindi (hi)", 1)[1].split("\n\n", 1)[0]
    assert "in progress (draft: true)" in hi and "content/hi/c/stories/bob.md" in hi
    path = project / "content/hi/c/stories/bob.md"
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    code, out, _ = run_build(project, command="check")
    assert "stale: " not in out.split("Hindi (hi)", 1)[1].split("\n\n", 1)[0]  # the hash was recorded by `new`
    assert "not marked" not in out.split("Hindi (hi)", 1)[1].split("\n\n", 1)[0]
    code, _, err = cli(project, "new", "translation", "hi", "c/stories/bob.md")
    assert code == 1 and "exists already" in err
