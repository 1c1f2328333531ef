"""A video in a story, on real pages: its description kept (a figure's caption), and its texts ("Download the
video", "▶ Watch the video on YouTube") in the language of the page, whichever Markdown engine a site uses,
in the feeds too, and the same after a warm or a `serve` rebuild as after a clean build."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import MINIMAL, SITE_YAML, build_files, lang_of, parse_html, run_build, snapshot, story, text_of
from external_tools import html_errors
from handbill import BuildOptions, Diagnostics
from handbill.memo import RebuildMemo
from handbill.parsecache import ParseCache
from handbill.pipeline import render_site

ENGINES = ["commonmark", "python-markdown"]
CLIP = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(64)
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
MARKERS = re.compile("[\x0e\x0f\x1f]")


def world(engine: str) -> dict[str, str | bytes]:
    """en + ar + he (a language the theme has no strings for): Maria's story translated into both, Bob's only
    in English (shown as it is on the Arabic and Hebrew pages)."""
    return {
        **MINIMAL,
        "content/site.yaml": SITE_YAML + f"locales: [en, ar, he]\nmarkdown: {engine}\n",
        "content/en/c/stories/clip.mp4": CLIP,
        "content/en/c/stories/maria.md": story("Maria's well", f"Before.\n\n![Maria speaks about her first week](clip.mp4)"
                                               f"\n\n{YOUTUBE}\n\nAfter.\n"),
        "content/ar/c/stories/maria.md": story("بئر ماريا", f"قبل.\n\n![ماريا تتحدث](clip.mp4)\n\n{YOUTUBE}\n"),
        "content/he/c/stories/maria.md": story("הבאר של מריה", f"לפני.\n\n![מריה מדברת](clip.mp4)\n\n{YOUTUBE}\n"),
        "content/en/c/stories/bob.md": story("Bob's pump", f"![](clip.mp4)\n\n{YOUTUBE}\n", date="2026-04-01"),
    }


@pytest.fixture(scope="module", params=ENGINES)
def built(request, tmp_path_factory) -> tuple[str, Path, dict[str, bytes]]:
    project = tmp_path_factory.mktemp(request.param)
    for rel, data in world(request.param).items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data, encoding="utf-8")
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    return request.param, project, snapshot(project / "site")


def prose(files: dict[str, bytes], rel: str) -> tuple[ET.Element, ET.Element]:
    tree = parse_html(files[rel])
    (body,) = [div for div in tree.iter("div") if div.get("class") == "prose"]
    return tree, body


def video_texts(files: dict[str, bytes], rel: str) -> list[tuple[str, str | None]]:
    """(text, language a browser gives it) of the download link in each player and of the "Watch" links."""
    tree, body = prose(files, rel)
    links = [a for video in body.iter("video") for a in video.iter("a")]
    links += [p.find("a") for p in body.iter("p") if p.get("class") == "video-link"]
    return [(text_of(a), lang_of(tree, next((span for span in a.iter("span")), a))) for a in links]


def test_a_described_video_is_a_figure_captioned_with_its_description(built):
    _, _, files = built
    for rel, description in [("c/stories/maria/index.html", "Maria speaks about her first week"),
                             ("ar/c/stories/maria/index.html", "ماريا تتحدث"),
                             ("he/c/stories/maria/index.html", "מריה מדברת"),
                             ("ar/c/stories/bob/index.html", None)]:
        _, body = prose(files, rel)
        figures = list(body.iter("figure"))
        if description is None:  # `![](clip.mp4)`: no description is made up
            assert figures == [] and [v.get("aria-label") for v in body.iter("video")] == [None]
            continue
        (figure,) = figures
        assert [child.tag for child in figure] == ["video", "figcaption"]
        assert figure.find("video").get("src").endswith(".mp4")
        assert text_of(figure.find("figcaption")) == description


def test_the_videos_texts_are_in_the_language_of_the_page(built):
    _, _, files = built
    assert video_texts(files, "c/stories/maria/index.html") == [
        ("Download the video", "en"), ("▶ Watch the video on YouTube", "en")]
    assert video_texts(files, "ar/c/stories/maria/index.html") == [
        ("تنزيل الفيديو", "ar"), ("▶ شاهد الفيديو على YouTube", "ar")]
    # Bob's English story on the Arabic page: Arabic texts, marked as Arabic inside the English text
    assert video_texts(files, "ar/c/stories/bob/index.html") == [
        ("تنزيل الفيديو", "ar"), ("▶ شاهد الفيديو على YouTube", "ar")]
    tree, body = prose(files, "ar/c/stories/bob/index.html")
    assert lang_of(tree, body) == "en"
    assert [span.get("dir") for span in body.iter("span")] == ["rtl", "rtl"]
    # Hebrew has no theme strings: the English ones, marked as English inside the Hebrew story ...
    assert video_texts(files, "he/c/stories/maria/index.html") == [
        ("Download the video", "en"), ("▶ Watch the video on YouTube", "en")]
    tree, body = prose(files, "he/c/stories/maria/index.html")
    assert lang_of(tree, body) == "he" and {span.get("dir") for span in body.iter("span")} == {"ltr"}
    # ... and left unmarked inside Bob's English story there
    tree, body = prose(files, "he/c/stories/bob/index.html")
    assert video_texts(files, "he/c/stories/bob/index.html") == [
        ("Download the video", "en"), ("▶ Watch the video on YouTube", "en")]
    assert list(body.iter("span")) == []


def test_no_page_or_feed_holds_a_marker(built):
    _, _, files = built
    texts = {rel: data.decode("utf-8") for rel, data in files.items() if rel.endswith((".html", ".xml"))}
    assert [rel for rel, text in texts.items() if MARKERS.search(text) or "video_download" in text] == []
    assert "Download the video" in texts["feed.xml"] and "▶ Watch the video on YouTube" in texts["feed.xml"]
    assert "تنزيل الفيديو" in texts["ar/feed.xml"] and "Download the video" not in texts["ar/feed.xml"]


def test_both_engines_write_the_same_video_html(tmp_path):
    made = {}
    for engine in ENGINES:
        project = tmp_path / engine
        for rel, data in world(engine).items():
            path = project / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data, encoding="utf-8")
        files = build_files(project)
        shown = [element for rel in ("c/stories/maria/index.html", "ar/c/stories/bob/index.html")
                 for element in prose(files, rel)[1] if element.tag in ("figure", "p", "video")]
        for element in shown:
            element.tail = None  # (the white space between blocks differs)
        made[engine] = [ET.tostring(element, encoding="unicode") for element in shown]
    assert made["commonmark"] == made["python-markdown"]
    assert len(made["commonmark"]) == 6  # Before, the figure, the Watch link, After; Bob's player and link


def test_the_pages_with_videos_are_valid_html(built):
    _, project, _ = built
    pages = [str(project / "site" / rel) for rel in ("c/stories/maria/index.html", "ar/c/stories/maria/index.html",
                                                    "ar/c/stories/bob/index.html", "he/c/stories/maria/index.html")]
    assert html_errors(pages) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_translators_text_is_used_after_a_warm_build_and_a_serve_rebuild_as_after_a_clean_one(make_project, engine):
    project = make_project(world(engine))
    build_files(project)  # fills .handbill-cache (python-markdown's bodies)
    cache, memo = ParseCache(), RebuildMemo()

    def serve_rebuild() -> dict[str, bytes]:
        options = BuildOptions(content=project / "content", out=project / "unused", cards=False, workers=1)
        diags = Diagnostics(root=project)
        return render_site(options, diags, cache=cache, memo=memo).files

    serve_rebuild()
    (project / "content/ar/strings.yaml").write_text('video_download: "نزّل المقطع"\n', encoding="utf-8")
    warm = {rel: data for rel, data in build_files(project).items() if rel != ".handbill-site"}
    clean = {rel: data for rel, data in build_files(project, out="clean", disk_cache=False).items()
             if rel != ".handbill-site"}
    rebuilt = serve_rebuild()
    assert warm == clean
    assert rebuilt == clean
    assert video_texts(clean, "ar/c/stories/bob/index.html")[0] == ("نزّل المقطع", "ar")
