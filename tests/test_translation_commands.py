"""The translator's commands as a translator meets them: what `new translation` copies (only text, so a
moved event reaches every language), what it says when a step is missing, the paths each command takes,
and what `check`'s report says about drafts under each fallback policy."""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import BUILD_PY, MINIMAL, REPO, SITE_YAML, build_files, errors_of, page, parse_html, run_build

CAMPAIGN = """\
title: Clean water
summary: Water for every school.
events:
  - title: Rally at the Capitol
    date: 2027-03-06T11:00                    # local time
    timezone: America/New_York
    end: 2027-03-06T13:00
    city: Washington
    country: US
    location: 1 First St NE
    url: https://example.org/rally
  - date: 2027-05-08
    title: Picnic
petition:
  goal: 5000
  consent: Yes please
"""

WORLD = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n", "content/en/c/campaign.yaml": CAMPAIGN}


def cli(cwd, *args: str) -> tuple[int, str, str]:
    done = subprocess.run([sys.executable, str(BUILD_PY), *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    return done.returncode, done.stdout, done.stderr


def event_times(html: bytes) -> list[str]:
    return [t.get("datetime") for t in parse_html(html).iter("time") if t.get("datetime", "").startswith("2027")]


def test_new_translation_copies_only_the_text_of_each_event_so_a_moved_event_moves_in_every_language(make_project):
    project = make_project(WORLD)
    code, _, err = cli(project, "new", "translation", "sv", "c/campaign.yaml")
    assert code == 0, err
    path = project / "content/sv/c/campaign.yaml"
    text = path.read_text(encoding="utf-8")
    assert ("events:\n  - title: Rally at the Capitol\n    city: Washington\n    location: 1 First St NE\n"
            "  - title: Picnic\n") in text
    for setting in ("date:", "timezone:", "end:", "country:", "url:", "goal:"):
        assert setting not in text
    path.write_text(text.replace("title: Clean water", "title: Rent vatten").replace("draft: true\n", ""),
                    encoding="utf-8")
    original = project / "content/en/c/campaign.yaml"
    original.write_text(CAMPAIGN.replace("2027-03-06", "2027-03-13"), encoding="utf-8")  # the rally moves a week
    code, _, err = run_build(project, "--strict")
    assert code == 0, err  # no "this translation changes `events.0.date`" either
    files = build_files(project, out="site2")
    assert event_times(files["sv/c/events/index.html"]) == event_times(files["c/events/index.html"])
    assert "2027-03-13T11:00-05:00" in event_times(files["sv/c/events/index.html"])
    assert "sv/c/events/2027-03-13-rally-at-the-capitol.ics" in files


def test_new_translation_keeps_every_text_of_nested_settings(make_project):
    project = make_project({**WORLD, "content/en/c/campaign.yaml": CAMPAIGN + (
        "stories:\n  submit:\n    endpoint: https://forms.example.org/stories\n    intro: Tell us what happened.\n")})
    code, _, err = cli(project, "new", "translation", "sv", "c/campaign.yaml")
    assert code == 0, err
    text = (project / "content/sv/c/campaign.yaml").read_text(encoding="utf-8")
    assert "stories:\n  submit:\n    intro: Tell us what happened.\n" in text and "endpoint" not in text
    assert "petition:\n  consent: Yes please\n" in text


def test_new_translation_after_new_locale_says_to_list_the_language_in_site_yaml(make_project):
    project = make_project(WORLD)
    assert cli(project, "new", "locale", "fr")[0] == 0
    code, _, err = cli(project, "new", "translation", "fr", "c/campaign.yaml")
    assert code == 1
    assert errors_of(err) == ["error: `fr` is not listed under `locales:` in content/site.yaml, so its pages would "
                              "not be published\n  hint: add fr to `locales:` in content/site.yaml, like: "
                              "locales: [en, sv, fr]; then run this command again"]
    assert not (project / "content/fr/c").exists()


def test_new_translation_into_a_language_not_started_names_both_steps_with_the_content_folder(make_project):
    project = make_project(WORLD)
    code, _, err = cli(project.parent, "new", "translation", "de", "c/campaign.yaml", "--content",
                       f"{project.name}/content")
    assert code == 1
    assert f"run `python build.py new locale de --content {project.name}/content` first, then add de to " \
           f"`locales:` in {project.name}/content/site.yaml, like: locales: [en, sv, de]" in err
    code, _, err = cli(project, "new", "translation", "en", "c/campaign.yaml")
    assert code == 1 and "`en` is the default language of this site" in err and "one of: sv" in err


def test_new_translation_takes_the_paths_a_translator_writes_and_names_the_real_content_folder(make_project):
    project = make_project({**WORLD, "content/en/pages/privacy.md": page("Privacy")})
    os.rename(project / "content", project / "site-content")
    code, _, err = cli(project, "new", "translation", "sv", "site-content/en/c/stories/maria.md",  # from here
                         "sv/pages/about.md",  # the translation to make, from the content folder
                         "site-content/sv/pages/privacy.md", "--content", "site-content")
    assert code == 0, err
    for rel in ("c/stories/maria.md", "pages/about.md", "pages/privacy.md"):
        assert (project / "site-content/sv" / rel).is_file()
    code, _, err = cli(project, "new", "translation", "sv", "nope.md", "--content", "site-content")
    assert code == 1
    assert errors_of(err) == ["error: nope.md: there is no original site-content/en/nope.md\n  hint: name a story, "
                              "page or campaign.yaml inside site-content/en/, like paid-leave/stories/maria.md"]


def test_mark_translated_takes_a_path_from_the_content_folder_and_says_when_a_file_is_not_there(make_project):
    project = make_project({**WORLD, "content/sv/c/stories/maria.md": "---\ntitle: Marias brunn\n---\nText.\n"})
    code, out, err = cli(project, "check", "--mark-translated", "sv/c/stories/maria.md")
    assert code == 0, err
    assert "Marked content/sv/c/stories/maria.md as up to date with its original." in out
    assert "source_hash: " in (project / "content/sv/c/stories/maria.md").read_text(encoding="utf-8")
    code, _, err = cli(project, "check", "--mark-translated", "content/sv/c/stories/nobody.md")
    assert code == 1
    assert errors_of(err)[0] == ("content/sv/c/stories/nobody.md: cannot mark this file as translated: there is no "
                                 "such file\n  hint: name a translation by its path from here, like "
                                 "content/sv/<campaign>/stories/<story>.md")


def test_the_reports_hint_to_mark_translations_names_the_content_folder(make_project):
    project = make_project({**WORLD, "content/sv/c/stories/maria.md": "---\ntitle: Marias brunn\n---\nText.\n"})
    _, out, _ = cli(project, "check", "--content", "content")
    assert "run `python build.py check --mark-translated FILE`" in out  # the usual folder: nothing to add
    os.rename(project / "content", project / "web")
    _, out, _ = cli(project, "check", "--content", "web")
    assert "run `python build.py check --content web --mark-translated FILE`" in out


def test_the_report_says_what_happens_to_a_draft_under_each_fallback_policy(make_project):
    drafted = {**WORLD, "content/sv/pages/about.md": "---\ntitle: Om oss\ndraft: true\n---\nText.\n"}
    expected = {"fallback": "in progress (draft: true), the original is shown:",
                "skip": "in progress (draft: true), not published (fallback: skip):",
                "error": "in progress (draft: true), errors (fallback: error):"}
    for policy, heading in expected.items():
        project = make_project({**drafted, "content/site.yaml": SITE_YAML + f"locales: [en, sv]\nfallback: {policy}\n"})
        _, out, _ = run_build(project, command="check")
        assert f"  {heading}\n    content/sv/pages/about.md" in out, policy
    assert "the original is shown" not in out
