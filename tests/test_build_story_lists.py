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
    return {a.get("rel"): target_file(rel_path, a) for a in pager(tree).iter("a") if a.get("rel")}


def target_file(rel_path: str, a) -> str:
    return urlsplit(urljoin(BASE + rel_path, a.get("href"))).path.lstrip("/") + "index.html"


def numbered(tree, rel_path: str) -> list[tuple[str, str | None, bool]]:
    """The pager's numbers as (text, the file it leads to or None for a gap, whether it is this page)."""
    shown = []
    for item in pager(tree).iter("li"):
        a = item.find("a")
        if a is None:
            assert item.get("aria-hidden") == "true"
            shown.append((text_of(item), None, False))
        elif not a.get("rel"):
            assert a.get("aria-label") == f"Page {text_of(a)} of {text_of(pager(tree).find('p')).split()[-1]}"
            shown.append((text_of(a), target_file(rel_path, a), a.get("aria-current") == "page"))
    return shown


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
    assert [text_of(a) for a in pager(tree).iter("a")] == ["قصص أحدث", "١", "٢", "٣", "قصص أقدم"]
    assert [a.get("aria-label") for a in pager(tree).iter("a") if not a.get("rel")] == \
        ["الصفحة ١ من ٣", "الصفحة ٢ من ٣", "الصفحة ٣ من ٣"]
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


def test_the_pager_numbers_the_first_the_last_and_the_pages_around_this_one(make_project):
    files = build_files(make_project(project_files(29, "stories_per_page: 1\n")))

    def page_file(number: int) -> str:
        return "c/stories/index.html" if number == 1 else f"c/stories/page/{number}/index.html"

    for number, expected in [(1, [1, 2, 3, None, 29]), (5, [1, 2, 3, 4, 5, 6, 7, None, 29]),
                             (15, [1, None, 13, 14, 15, 16, 17, None, 29]), (29, [1, None, 27, 28, 29])]:
        shown = numbered(parse_html(files[page_file(number)]), page_file(number).removesuffix("index.html"))
        assert [(text, target) for text, target, _ in shown] == \
            [(str(n), page_file(n)) if n else ("…", None) for n in expected]
        assert [text for text, _, current in shown if current] == [str(number)]
        assert all(target in files for _, target, _ in shown if target)


def test_a_theme_with_its_own_list_of_stories_keeps_one_page_unless_asked(make_project):
    """A stories.html written before lists had pages shows no pager: its site keeps every story on one page,
    until site.yaml asks for pages (and the theme is then expected to show the pager)."""
    own = {"themes/mine/templates/stories.html": '{% extends "base.html" %}{% block main %}'
                                                 '{% for story in stories %}<p>{{ story.title }}</p>{% endfor %}'
                                                 '{% endblock %}\n'}
    files = build_files(make_project({**project_files(30, "theme: mine\n"), **own}))
    assert "c/stories/page/2/index.html" not in files
    assert len(list(parse_html(files["c/stories/index.html"]).iter("p"))) >= 30
    files = build_files(make_project({**project_files(30, "theme: mine\nstories_per_page: 10\n"), **own}))
    assert "c/stories/page/3/index.html" in files


@pytest.mark.parametrize("template", [
    '{% extends "default:stories.html" %}\n',
    '{% extends "default:stories.html" %}{% block main %}<p>Ours</p>{{ super() }}{% endblock %}\n',
    '{% extends "base.html" %}{% block main %}{% for s in stories %}{{ s.title }}{% endfor %}'
    '{% if pager.older %}<a href="{{ pager.older }}">older</a>{% endif %}{% endblock %}\n'])
def test_a_theme_list_that_shows_the_pager_has_pages(make_project, template):
    files = build_files(make_project({**project_files(30, "theme: mine\n"), "themes/mine/templates/stories.html": template}))
    assert "c/stories/page/2/index.html" in files


def test_the_language_switcher_on_a_page_a_language_lacks_goes_to_its_first_page(make_project):
    files = {**project_files(30, "locales: [en, sv]\nfallback: {sv: skip}\n"),
             "content/sv/c/campaign.yaml": "title: Rent vatten\n",
             **{f"content/sv/c/stories/story-{n:02d}.md": story(f"Sv {n}") for n in range(3)}}
    built = build_files(make_project(files))
    assert "sv/c/stories/page/2/index.html" not in built
    tree = parse_html(built["c/stories/page/2/index.html"])
    switcher = {a.get("lang"): a.get("href") for a in tree.iter("a") if a.get("hreflang") or a.get("lang") == "sv"}
    assert switcher.get("sv") == "/sv/c/stories/"
