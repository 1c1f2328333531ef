"""`markdown:` in site.yaml chooses the engine: CommonMark/GFM (the default) or Python-Markdown.

The choice reaches every renderer (the build process and its workers), and is part of every
cache key: a body rendered by one engine is never served for the other.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL, SITE_YAML, errors_of, parse_html, run_build, story, text_of
from handbill import Diagnostics, parallel
from handbill.markdown_engines import DEFAULT_ENGINE, ENGINES
from handbill.parsecache import ParseCache
from handbill.pipeline import render_site
from handbill.project import load_site_config
from handbill.schema import SITE
from test_cache_build import options

BODY = "What we ask:\n- paid leave\n- clean air\n\nA note.[^1]\n\n[^1]: From the survey.\n"
WORLD = {**MINIMAL, "content/en/c/stories/maria.md": story("Maria's well", BODY)}


def with_engine(engine: str | None) -> dict[str, str | bytes]:
    site = SITE_YAML + (f"markdown: {engine}\n" if engine else "")
    return {**WORLD, "content/site.yaml": site}


def story_prose(files: dict[str, bytes]):
    tree = parse_html(files["c/stories/maria/index.html"])
    return next(div for div in tree.iter("div") if div.get("class") == "prose")


def rendered(project: Path, cache: ParseCache | None = None, **extra) -> tuple[dict[str, bytes], ParseCache]:
    cache = cache or ParseCache()
    diags = Diagnostics(root=project)
    result = render_site(options(project, "site", **extra), diags, cache=cache)
    assert not diags.errors, diags.report()
    return result.files, cache


def test_the_schema_and_the_engines_agree():
    assert SITE.keys["markdown"].choices == ENGINES and DEFAULT_ENGINE == "commonmark"


@pytest.mark.parametrize("engine", [None, *ENGINES])
def test_the_key_is_read_with_commonmark_as_default(make_project, engine):
    project = make_project(with_engine(engine))
    site = load_site_config(project / "content", Diagnostics(root=project), None)
    assert site.markdown == (engine or "commonmark")


@pytest.mark.parametrize("engine, items, notes", [
    (None, ["paid leave", "clean air"], "footnotes"),  # GitHub's flavour: a list right after a line
    ("commonmark", ["paid leave", "clean air"], "footnotes"),
    ("python-markdown", [], "footnote"),  # Python-Markdown wants a blank line before a list
])
def test_the_site_is_rendered_with_its_engine(make_project, engine, items, notes):
    files, _ = rendered(make_project(with_engine(engine)))
    prose = story_prose(files)
    assert [text_of(li) for li in prose.iter("li") if not li.get("id")] == items
    assert [el.get("class") for el in prose.iter() if el.get("class") in ("footnote", "footnotes")] == [notes]


def test_an_unknown_engine_is_an_error_at_its_line_naming_both(make_project):
    project = make_project({**WORLD, "content/site.yaml": SITE_YAML + "markdown: github\n"})
    code, _, stderr = run_build(project)
    assert code == 1
    line = SITE_YAML.count("\n") + 1
    assert [block for block in errors_of(stderr) if not block.startswith("Build failed:")] == [
        f"content/site.yaml:{line}:11: markdown cannot be 'github'\n"
        "  hint: choose one of: commonmark, python-markdown"]


def test_the_disk_cache_key_names_the_engine():
    keys = set()
    for engine in ENGINES:
        cache = ParseCache()
        cache.use_markdown_engine(engine)
        keys.add(cache.markdown_key("Some *text*.", "content/en/c/stories/maria.md", 5))
    assert len(keys) == 2


def test_switching_engines_never_reuses_the_other_engines_bodies(make_project):
    project = make_project(with_engine("python-markdown"))
    site_yaml = project / "content/site.yaml"
    python_markdown, cold = rendered(project)
    assert cold.stats.rendered >= 3
    assert story_prose(python_markdown).find(".//div[@class='footnote']") is not None
    site_yaml.write_text(SITE_YAML + "markdown: commonmark\n", encoding="utf-8")
    commonmark, switched = rendered(project)  # a new process: only the disk cache is shared
    assert switched.stats.render_disk_hits == 0 and switched.stats.rendered == cold.stats.rendered
    assert story_prose(commonmark).find(".//div[@class='footnote']") is None
    site_yaml.write_text(SITE_YAML + "markdown: python-markdown\n", encoding="utf-8")
    again, warm = rendered(project)  # the python-markdown bodies are still stored (cmark's never are)
    assert warm.stats.rendered == 0 and warm.stats.render_disk_hits == cold.stats.rendered
    assert again == python_markdown


def test_serve_switching_engines_rerenders_from_memory_too(make_project):
    project = make_project(with_engine(None))
    cache = ParseCache()  # one cache across rebuilds, like `serve`
    first, _ = rendered(project, cache, disk_cache=False)
    (project / "content/site.yaml").write_text(SITE_YAML + "markdown: python-markdown\n", encoding="utf-8")
    second, _ = rendered(project, cache, disk_cache=False)
    assert cache.stats.render_hits == 0 and cache.stats.rendered >= 3
    assert [li for li in story_prose(second).iter("li") if not li.get("id")] == []
    assert first != second


def test_workers_render_with_the_sites_engine(make_project, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    project = make_project(with_engine("python-markdown"))
    one, _ = rendered(project, disk_cache=False)
    many, cache = rendered(project, workers=2)
    assert cache.stats.prerendered >= 3 and cache.stats.rendered == 0  # the workers did the rendering
    assert many == one


@pytest.mark.parametrize("engine", ENGINES)
def test_footnote_back_links_are_named_in_the_language_of_the_text(make_project, engine):
    """Both engines name the link back from a footnote in English; the page names it in the text's
    language: Swedish in a Swedish story, Arabic (and Arabic digits where asked) in an Arabic one,
    English in the English original shown where a language has no translation."""
    files = {**with_engine(engine), "content/site.yaml": with_engine(engine)["content/site.yaml"]
             + "locales: [en, sv, ar, de]\nnative_digits: {ar: true}\n",
             "content/en/c/stories/maria.md": story("Maria's well", "One.[^a] Two.[^b]\n\n[^a]: A.\n\n[^b]: B.\n"),
             "content/sv/c/stories/maria.md": story("Marias brunn", "Ett.[^1]\n\n[^1]: Källan.\n"),
             "content/ar/c/stories/maria.md": story("بئر ماريا", "واحد.[^1] اثنان.[^1]\n\n[^1]: المصدر.\n")}
    project = make_project(files)
    code, _, stderr = run_build(project)
    assert code == 0, stderr

    def back_links(rel: str) -> list[str]:
        tree = parse_html((project / "site" / rel).read_bytes())
        links = [a for a in tree.iter("a") if a.get("class") == "footnote-backref"]
        assert all(a.get("title") in (None, a.get("aria-label")) for a in links)  # Python-Markdown's tooltip too
        return [a.get("aria-label") for a in links]

    assert back_links("c/stories/maria/index.html") == ["Back to reference 1", "Back to reference 2"]
    assert back_links("sv/c/stories/maria/index.html") == ["Tillbaka till hänvisning 1"]
    cited_twice = {"commonmark": ["العودة إلى الإشارة ١", "العودة إلى الإشارة ١-٢"],  # cmark: the 2nd link back to 1
                   "python-markdown": ["العودة إلى الإشارة ١", "العودة إلى الإشارة ١"]}
    assert back_links("ar/c/stories/maria/index.html") == cited_twice[engine]
    assert back_links("de/c/stories/maria/index.html") == ["Back to reference 1", "Back to reference 2"]
