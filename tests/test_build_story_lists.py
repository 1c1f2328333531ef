"""A campaign's list of stories, page by page: `stories/`, then `stories/page/2/` and on."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import MINIMAL, SITE_YAML, alternates, build_files, canonical, errors_of, h1, parse_html, run_build, story, \
    text_of

BASE = "https://example.org/"


def many_stories(count: int, folder: str = "content/en/c/stories") -> dict[str, str]:
    """``count`` stories a day apart, story-00 the oldest."""
    first = dt.date(2026, 1, 1)
    return {f"{folder}/story-{n:02d}.md": story(f"Story {n:02d}", date=(first + dt.timedelta(days=n)).isoformat())
            for n in range(count)}


def project_files(count: int, site_extra: str = "") -> dict[str, str]:
    files = {k: v for k, v in MINIMAL.items() if "/stories/" not in k}
    return {**files, **many_stories(count), "content/site.yaml": SITE_YAML + site_extra}


def listed_titles(tree) -> list[str]:
    return [text_of(card.find(".//h2")) for card in tree.iter("article")]


def pager(tree):
    navs = [nav for nav in tree.iter("nav") if nav.get("class") == "pager"]
    assert len(navs) <= 1
    return navs[0] if navs else None


def pager_links(tree, rel_path: str) -> dict[str, str]:
    """rel (prev/next) -> the output file the pager's link leads to."""
    links = {}
    for a in pager(tree).iter("a"):
        target = urlsplit(urljoin(BASE + rel_path, a.get("href"))).path.lstrip("/")
        links[a.get("rel")] = target + "index.html"
    return links


def test_fifty_stories_are_listed_24_a_page_newest_first_each_once(make_project):
    files = build_files(make_project(project_files(50)))
    lists = ["c/stories/index.html", "c/stories/page/2/index.html", "c/stories/page/3/index.html"]
    assert sorted(k for k in files if re.fullmatch(r"c/stories/(page/\d+/)?index\.html", k)) == sorted(lists)
    trees = {rel: parse_html(files[rel]) for rel in lists}
    shown = [title for rel in lists for title in listed_titles(trees[rel])]
    assert shown == [f"Story {n:02d}" for n in reversed(range(50))]  # every story once, newest first
    assert [len(listed_titles(trees[rel])) for rel in lists] == [24, 24, 2]
    for number, rel in enumerate(lists, 1):
        tree = trees[rel]
        nav = pager(tree)
        assert nav.get("aria-label") == "Pages of stories"
        assert text_of(nav.find("p")) == f"Page {number} of 3"
        links = pager_links(tree, rel.removesuffix("index.html"))
        expected = {**({"prev": lists[number - 2]} if number > 1 else {}), **({"next": lists[number]} if number < 3 else {})}
        assert links == expected and all(target in files for target in links.values())
        assert canonical(tree) == BASE + rel.removesuffix("index.html")
    assert [text_of(h1(trees[rel])) for rel in lists] == [
        "Stories: Clean water", "Stories: Clean water (page 2 of 3)", "Stories: Clean water (page 3 of 3)"]
    titles = [text_of(trees[rel].find(".//title")) for rel in lists]
    assert len(set(titles)) == 3
    sitemap = files["sitemap.xml"].decode()
    assert all(f"<loc>{BASE}{rel.removesuffix('index.html')}</loc>" in sitemap for rel in lists)
    assert "stories/page/1/" not in sitemap and "c/stories/page/1/index.html" not in files


@pytest.mark.parametrize("count, site_extra, pages", [(24, "", 1), (25, "", 2), (7, "stories_per_page: 3\n", 3),
                                                      (60, "stories_per_page: 0\n", 1)])
def test_the_number_of_pages_follows_stories_per_page(make_project, count, site_extra, pages):
    files = build_files(make_project(project_files(count, site_extra)))
    lists = sorted(k for k in files if re.fullmatch(r"c/stories/(page/\d+/)?index\.html", k))
    assert len(lists) == pages
    first = parse_html(files["c/stories/index.html"])
    assert (pager(first) is None) == (pages == 1)
    assert sum(len(listed_titles(parse_html(files[rel]))) for rel in lists) == count


def test_a_translated_list_has_its_own_pages_with_alternates_and_its_own_numbers(make_project):
    files = {**project_files(5, "locales: [en, ar]\nstories_per_page: 2\nnative_digits: {ar: true}\n"),
             "content/ar/c/campaign.yaml": "title: مياه نظيفة\n"}
    built = build_files(make_project(files))
    tree = parse_html(built["ar/c/stories/page/2/index.html"])
    assert text_of(pager(tree).find("p")) == "الصفحة ٢ من ٣"
    assert text_of(h1(tree)) == "قصص: مياه نظيفة (الصفحة ٢ من ٣)"
    assert {text_of(a) for a in pager(tree).iter("a")} == {"قصص أحدث", "قصص أقدم"}
    assert alternates(tree) == {"en": BASE + "c/stories/page/2/", "ar": BASE + "ar/c/stories/page/2/",
                                "x-default": BASE + "c/stories/page/2/"}


def test_a_story_named_page_keeps_its_address_beside_the_list_pages(make_project):
    files = {**project_files(30), "content/en/c/stories/page.md": story("A story called page", date="2025-01-01")}
    built = build_files(make_project(files))
    assert text_of(h1(parse_html(built["c/stories/page/index.html"]))) == "A story called page"
    assert "A story called page" in listed_titles(parse_html(built["c/stories/page/2/index.html"]))


def test_stories_per_page_must_be_a_whole_number(make_project):
    project = make_project(project_files(3, "stories_per_page: lots\n"))
    code, _, stderr = run_build(project)
    assert code == 1
    (problem,) = [e for e in errors_of(stderr) if "stories_per_page" in e]
    line = len(SITE_YAML.splitlines()) + 1
    assert f"site.yaml:{line}:" in problem and "whole number" in problem and not (project / "site").exists()


def test_a_new_story_moves_one_story_onto_the_next_page_in_the_preview_as_in_a_clean_build(make_project):
    from test_serve import clean_build, preview_files, preview_of
    project = make_project(project_files(48))
    preview = preview_of(project)
    assert preview.rebuild().ok
    assert "c/stories/page/3/index.html" not in preview_files(preview)
    (project / "content/en/c/stories/newest.md").write_text(story("The newest", date="2026-12-01"), encoding="utf-8")
    assert preview.rebuild().ok
    files = preview_files(preview)
    assert files == clean_build(project)
    assert listed_titles(parse_html(files["c/stories/page/3/index.html"])) == ["Story 00"]
    assert listed_titles(parse_html(files["c/stories/index.html"]))[:2] == ["The newest", "Story 47"]


def test_the_list_pages_are_valid_html5(make_project, tmp_path):
    from external_tools import html_errors

    files = build_files(make_project(project_files(30, "locales: [en, ar]\n")))
    pages = []
    for rel in ("c/stories/index.html", "c/stories/page/2/index.html", "ar/c/stories/page/2/index.html"):
        pages.append(tmp_path / rel.replace("/", "_"))
        pages[-1].write_bytes(files[rel])
    assert html_errors([str(page) for page in pages]) == []
