"""`check`'s link check as a volunteer reads it: a broken link written in a story is reported at the story's
file and line, once however many languages show it; a #part written against the original's headings is
not blamed on a translation's; and under a base_url with a folder, a path that leaves the folder is caught."""
from __future__ import annotations

from pathlib import Path

from conftest import MINIMAL, SITE_YAML, errors_of, page, run_build, story
from handbill import Diagnostics
from handbill.linkcheck import check_links, page_sources
from handbill.pipeline import BuildOptions, render_site

SUB_PATH = SITE_YAML.replace("https://example.org/", "https://org.github.io/repo/")
TWO_LANGUAGES = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
                 "content/en/c/stories/maria.md": story("Maria's well", "Intro.\n\n## The first day\n\nText."),
                 "content/sv/c/stories/maria.md": story("Marias brunn", "Intro.\n\n## Den första dagen\n\nText.")}


def checked(project: Path) -> Diagnostics:
    """`check`'s link check over the pages in memory, told the content folder they come from."""
    diags = Diagnostics(root=project)
    content = project / "content"
    result = render_site(BuildOptions(content, project / "site", cards=False), diags)
    assert not diags.errors, diags.report()
    check_links(result.files, result.base_url, diags, content=content)
    return diags


def test_a_broken_link_in_a_story_is_reported_once_at_its_line_though_two_languages_show_it(make_project):
    body = "Intro.\n\nSee [the typo](/c/storys/maria/) and [this](../marai/).\n"
    project = make_project({**TWO_LANGUAGES, "content/en/c/stories/bob.md": story("Bob", body)})  # no sv copy
    diags = checked(project)
    assert [(d.path, d.line, d.message) for d in diags.errors] == [
        ("content/en/c/stories/bob.md", 7, "the link to ../marai/ goes to a page or file that is not part of the site"),
        ("content/en/c/stories/bob.md", 7, "the link to /c/storys/maria/ goes to a page or file that is not part of "
                                           "the site")]
    assert diags.errors[0].hint.startswith("link to the file instead (like ../stories/maria.md)")


def test_the_same_broken_link_written_twice_is_reported_at_both_lines(make_project):
    body = "[one](/gone/)\n\nText.\n\n[two](/gone/)\n"
    project = make_project({**MINIMAL, "content/en/pages/about.md": page("About", body)})
    assert [(d.path, d.line) for d in checked(project).errors] == [("content/en/pages/about.md", 4),
                                                                   ("content/en/pages/about.md", 8)]


def test_a_link_in_a_campaigns_body_is_reported_at_the_campaign_file(make_project):
    campaign = "title: Clean water\nsummary: Water.\nbody: |\n  Sign it.\n\n  See [the plan](/plan/).\n"
    project = make_project({**TWO_LANGUAGES, "content/en/c/campaign.yaml": campaign,
                            "content/sv/c/campaign.yaml": "title: Rent vatten\n"})  # the body is the original's
    assert [(d.path, d.line) for d in checked(project).errors] == [("content/en/c/campaign.yaml", 6)]


def test_a_link_to_a_heading_of_the_original_is_not_blamed_on_the_translation_of_its_page(make_project):
    link = "Read [the first day](maria.md#the-first-day) and [nothing](maria.md#no-such-part)."
    project = make_project({**TWO_LANGUAGES, "content/en/c/stories/bob.md": story("Bob", link)})  # sv shows it too
    diags = checked(project)
    assert not diags.errors
    assert [(d.path, d.line, d.message) for d in diags.warnings] == [
        ("content/en/c/stories/bob.md", 5, "the link to maria.md#no-such-part points at a part of the page that does "
                                           "not exist")]


def test_a_translation_that_keeps_the_originals_heading_link_is_told_at_its_own_line(make_project):
    link = "Read [the first day](maria.md#the-first-day)."
    project = make_project({**TWO_LANGUAGES, "content/en/c/stories/bob.md": story("Bob", link),
                            "content/sv/c/stories/bob.md": story("Bob", "Läs " + link)})
    assert [(d.path, d.line) for d in checked(project).warnings] == [("content/sv/c/stories/bob.md", 5)]


def test_a_link_of_the_theme_is_still_reported_at_the_built_page(make_project):
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "theme: mine\n",
                            "themes/mine/templates/page.html":
                                '{% extends "default:page.html" %}{% block main %}<a href="/gone/">x</a>'
                                "{{ super() }}{% endblock %}"})
    (error,) = checked(project).errors
    assert error.path == "about/index.html"
    assert "if it comes from the theme, fix the template" in error.hint


def test_page_sources_name_the_translation_then_the_original(make_project):
    project = make_project(TWO_LANGUAGES)
    sources = page_sources(project / "content")
    content = project / "content"
    assert sources["sv/c/stories/maria/index.html"].files == (content / "sv/c/stories/maria.md",
                                                              content / "en/c/stories/maria.md")
    assert sources["sv/about/index.html"].files == (content / "en/pages/about.md",)  # a fallback: the original
    assert sources["sv/about/index.html"].original_page == "about/index.html"


def test_under_a_base_url_with_a_folder_a_path_that_leaves_it_is_an_error(make_project):
    body = "[maria](/c/stories/maria/), [gone](/nope/), [good](maria.md), [photo](/media/x.txt)"
    project = make_project({**MINIMAL, "content/site.yaml": SUB_PATH, "content/media/x.txt": "x",
                            "content/en/c/stories/bob.md": story("Bob", body)})
    code, _, err = run_build(project, command="check")
    assert code == 1
    problems = errors_of(err)
    assert len(problems) == 2, err
    leaves = next(p for p in problems if "/c/stories/maria/" in p)
    assert "leaves the site's folder /repo/" in leaves and "the page is at /repo/c/stories/maria/" in leaves
    gone = next(p for p in problems if "/nope/" in p)
    assert "is not part of the site (the site is published at https://org.github.io/repo/)" in gone
    assert "like https://org.github.io/nope/" in gone  # how to link to another site on the same host
    diags = checked(project)  # and told at the story's line when check knows the content folder
    assert sorted((d.path, d.line) for d in diags.errors) == [("content/en/c/stories/bob.md", 5)] * 2


def test_under_a_base_url_with_a_folder_a_full_address_elsewhere_on_the_host_is_left_alone(make_project):
    body = "[another project](https://org.github.io/other-app/)"
    project = make_project({**MINIMAL, "content/site.yaml": SUB_PATH, "content/en/c/stories/bob.md": story("Bob", body)})
    code, _, err = run_build(project, command="check")
    assert code == 0, err
