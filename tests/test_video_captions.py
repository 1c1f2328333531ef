"""A video's captions: WebVTT files beside it, named after it (clip.vtt, clip.ar.vtt), published and shown as
<track>s, the page's language on by default; files that cannot be captions are warned about and left out;
a captions file added later is seen by a warm build; a real browser loads the cues under the site's policy."""
from __future__ import annotations

import threading
import xml.etree.ElementTree as ET

import pytest

from conftest import MINIMAL, SITE_YAML, build_files, parse_html, run_build, snapshot, story, write_project
from external_tools import CHROMIUM_ARGS, chromium_path, html_errors, sync_playwright
from test_browser_petition import CaptureServer
from test_video_pages import CLIP

ENGLISH_CUES = b"WEBVTT\n\n00:00.000 --> 00:02.000\nI had to choose.\n"
ARABIC_CUES = "WEBVTT\n\n00:00.000 --> 00:02.000\nكان عليّ أن أختار.\n".encode()
PERSIAN_CUES = "\ufeffWEBVTT - فارسی\n\n00:00.000 --> 00:02.000\nباید انتخاب می‌کردم.\n".encode()

WORLD: dict[str, str | bytes] = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, ar, fa]\n",
    "content/en/c/stories/clip.mp4": CLIP,
    "content/en/c/stories/clip.vtt": ENGLISH_CUES,  # unmarked, in the English folder: English
    "content/en/c/stories/clip.ar.vtt": ARABIC_CUES,
    "content/fa/c/stories/clip.vtt": PERSIAN_CUES,  # unmarked, in the Persian folder: Persian, for Persian pages
    "content/en/c/stories/maria.md": story("Maria's well", "Before.\n\n![Maria speaks](clip.mp4)\n\nAfter.\n"),
    "content/ar/c/stories/maria.md": story("بئر ماريا", "قبل.\n\n![ماريا تتحدث](clip.mp4)\n"),
}


def tracks(files: dict[str, bytes], rel: str) -> list[tuple[str, str, str, bool]]:
    """(language, label, on by default, the published file's bytes) of each <track> of the page's video."""
    (video,) = parse_html(files[rel]).iter("video")
    return [(t.get("srclang"), t.get("label"), t.get("default") is not None, files[t.get("src").lstrip("/")])
            for t in video.iter("track") if t.get("kind") == "captions"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[object, dict[str, bytes]]:
    project = write_project(tmp_path_factory.mktemp("captions"), WORLD)
    code, _, stderr = run_build(project)
    assert code == 0 and "warning" not in stderr, stderr
    return project, snapshot(project / "site")


def test_each_captions_file_is_a_track_and_the_pages_language_is_on(built):
    _, files = built
    assert tracks(files, "c/stories/maria/index.html") == [
        ("ar", "العربية", False, ARABIC_CUES), ("en", "English", True, ENGLISH_CUES)]
    assert tracks(files, "ar/c/stories/maria/index.html") == [
        ("ar", "العربية", True, ARABIC_CUES), ("en", "English", False, ENGLISH_CUES)]


def test_a_languages_own_folder_captions_its_pages_even_the_untranslated_ones(built):
    """fa/ has no translation of Maria's story: the page shows the English text, with the Persian captions
    saved in fa/ on; English and Arabic pages do not offer them."""
    _, files = built
    assert tracks(files, "fa/c/stories/maria/index.html") == [
        ("ar", "العربية", False, ARABIC_CUES), ("en", "English", False, ENGLISH_CUES),
        ("fa", "فارسی", True, PERSIAN_CUES)]


def test_the_pages_with_captions_are_valid_html(built):
    project, _ = built
    assert html_errors([str(project / "site" / rel) for rel in ("c/stories/maria/index.html",
                                                                "fa/c/stories/maria/index.html")]) == []


@pytest.mark.parametrize("name, data, message", [
    ("clip.es.srt", b"1\n00:00:00,000 --> 00:00:02,000\nHola\n",
     "content/en/c/stories/clip.es.srt: warning: these captions are SubRip (.srt), which browsers do not play\n"
     "  hint: save them as WebVTT, named clip.es.vtt"),
    ("clip.final.vtt", ENGLISH_CUES,
     "content/en/c/stories/clip.final.vtt: warning: these captions are not shown: `final` in their name is not a "
     "language code\n  hint: name them clip.vtt (in the language of the text) or clip.<language code>.vtt"),
    ("clip.sv.vtt", "WEBVTT\r\n\r\n00:00.000 --> 00:02.000\r\nHej\r\n".encode("utf-16"),
     "content/en/c/stories/clip.sv.vtt: warning: these captions are not shown: they are saved as UTF-16, and "
     "browsers read captions only as UTF-8\n  hint: open them in a text editor and save them again with the "
     "encoding UTF-8"),
    ("clip.sv.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\nHej på dig\n".encode("cp1252"),
     "content/en/c/stories/clip.sv.vtt: warning: these captions are not shown: they are saved as another encoding "
     "than UTF-8"),
    ("clip.sv.vtt", b"1\n00:00:00,000 --> 00:00:02,000\nHej\n",
     "content/en/c/stories/clip.sv.vtt: warning: these captions are not shown: a WebVTT file starts with the line "
     "WEBVTT, and this one does not"),
])
def test_a_file_that_cannot_be_captions_is_warned_about_and_left_out(make_project, name, data, message):
    project = make_project({**WORLD, f"content/en/c/stories/{name}": data})
    code, _, stderr = run_build(project)
    assert code == 0 and message in stderr and stderr.count("warning:") == 1, stderr
    files = snapshot(project / "site")
    assert [lang for lang, *_ in tracks(files, "c/stories/maria/index.html")] == ["ar", "en"]
    assert not [rel for rel in files if rel.endswith((".srt", ".sv.vtt")) or "final" in rel]


def test_a_pasted_track_is_removed_and_the_captions_beside_the_video_are_used(make_project):
    body = 'Hi.\n\n<video src="clip.mp4" controls><track kind="captions" src="clip.ar.vtt" default></video>\n'
    project = make_project({**WORLD, "content/en/c/stories/maria.md": story("Maria's well", body)})
    code, _, stderr = run_build(project)
    assert code == 0
    assert "content/en/c/stories/maria.md:7: warning: the <track> was removed: a video's captions are found by " \
           "their file name" in stderr
    assert [(lang, on) for lang, _, on, _ in tracks(snapshot(project / "site"), "c/stories/maria/index.html")] == [
        ("ar", False), ("en", True)]


def test_captions_added_after_a_build_are_in_the_warm_build_as_in_a_clean_one(make_project):
    project = make_project({key: value for key, value in WORLD.items() if not key.endswith(".vtt")})
    first = build_files(project)
    assert tracks(first, "c/stories/maria/index.html") == []
    (project / "content/en/c/stories/clip.vtt").write_bytes(ENGLISH_CUES)
    warm = {rel: data for rel, data in build_files(project).items() if rel != ".handbill-site"}
    clean = {rel: data for rel, data in build_files(project, out="clean", disk_cache=False).items()
             if rel != ".handbill-site"}
    assert warm == clean
    assert tracks(warm, "c/stories/maria/index.html") == [("en", "English", True, ENGLISH_CUES)]


def test_a_browser_loads_the_captions_under_the_sites_security_policy(built):
    project, files = built
    capture = CaptureServer()
    capture.root, capture.files = project / "site", files
    capture.csp = next(line.split(":", 1)[1].strip() for line in files["_headers"].decode().splitlines()
                       if line.strip().startswith("Content-Security-Policy:"))
    threading.Thread(target=capture.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            tab = chromium.new_page()
            refused: list[str] = []
            tab.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
            tab.goto(f"{capture.base}/ar/c/stories/maria/")
            tab.wait_for_function("() => { const t = [...document.querySelector('video').textTracks]"
                                  ".find(t => t.mode === 'showing'); return t && t.cues && t.cues.length > 0; }",
                                  timeout=8000)
            shown = tab.evaluate("() => [...document.querySelector('video').textTracks].map(t => "
                                 "[t.language, t.mode, t.cues ? [...t.cues].map(c => c.text) : null])")
            chromium.close()
    finally:
        capture.shutdown()
        capture.server_close()
    assert refused == []
    assert shown == [["ar", "showing", ["كان عليّ أن أختار."]], ["en", "disabled", None]]


def test_a_video_in_media_takes_the_captions_beside_it(make_project):
    body = "![Maria speaks](/media/clip.mp4)\n"
    project = make_project({**MINIMAL, "content/media/clip.mp4": CLIP, "content/media/clip.vtt": ENGLISH_CUES,
                            "content/en/c/stories/maria.md": story("Maria's well", body)})
    files = build_files(project)
    assert tracks(files, "c/stories/maria/index.html") == [("en", "English", True, ENGLISH_CUES)]
    assert ET.fromstring(files["feed.xml"]) is not None  # (the feed holds the body too, and still parses)


def test_captions_linked_from_outside_the_content_folder_are_refused_once(make_project, tmp_path):
    secret = tmp_path / "secret.vtt"
    secret.write_bytes(b"WEBVTT\n\n00:00.000 --> 00:02.000\nnot for the site\n")
    project = make_project(WORLD)
    (project / "content/en/c/stories/clip.sv.vtt").symlink_to(secret)
    code, _, stderr = run_build(project)
    assert code == 1 and stderr.count("clip.sv.vtt") == 1, stderr
    assert "content/en/c/stories/clip.sv.vtt: this link (symlink) points outside the content folder" in stderr
    assert not (project / "site").exists()


def test_unmarked_captions_of_a_video_in_media_are_in_the_sites_language_on_every_page(make_project):
    body = "![Maria speaks](/media/clip.mp4)\n"
    project = make_project({**WORLD, "content/media/clip.mp4": CLIP, "content/media/clip.vtt": ENGLISH_CUES,
                            "content/en/c/stories/maria.md": story("Maria's well", body),
                            "content/ar/c/stories/maria.md": story("بئر ماريا", body)})
    files = build_files(project)
    assert tracks(files, "c/stories/maria/index.html") == [("en", "English", True, ENGLISH_CUES)]
    assert tracks(files, "ar/c/stories/maria/index.html") == [("en", "English", False, ENGLISH_CUES)]


def test_the_track_on_by_default_is_the_closest_to_the_pages_language(make_project):
    cues = {code: f"WEBVTT\n\n00:00.000 --> 00:02.000\n{code}\n".encode() for code in ("pt", "pt-BR", "pt-PT")}
    files = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, pt-BR, pt, pt-AO]\n",
             "content/en/c/stories/clip.mp4": CLIP,
             "content/en/c/stories/maria.md": story("Maria's well", "![Maria speaks](clip.mp4)\n"),
             **{f"content/en/c/stories/clip.{code}.vtt": data for code, data in cues.items()}}
    built = build_files(make_project(files))

    def on(rel: str) -> list[str]:
        return [lang for lang, _, is_on, _ in tracks(built, rel) if is_on]
    assert on("pt-BR/c/stories/maria/index.html") == ["pt-BR"]  # its own, not the first Portuguese one
    assert on("pt/c/stories/maria/index.html") == ["pt"]
    assert on("pt-AO/c/stories/maria/index.html") == ["pt"]  # Portuguese without a country, before pt-PT
    assert on("c/stories/maria/index.html") == []  # no English captions: none is on


def test_captions_named_for_deaf_viewers_and_for_another_video_go_to_the_right_place(make_project):
    files = {**MINIMAL, "content/en/c/stories/clip.mp4": CLIP, "content/en/c/stories/clip.short.mp4": CLIP + b"2",
             "content/en/c/stories/clip.en.sdh.vtt": ENGLISH_CUES,
             "content/en/c/stories/clip.short.vtt": ENGLISH_CUES + b"short\n",
             "content/en/c/stories/clip.short.ar.vtt": ARABIC_CUES,
             "content/en/c/stories/maria.md": story("Maria's well", "![Long](clip.mp4)\n\n![Short](clip.short.mp4)\n")}
    project = make_project(files)
    code, _, stderr = run_build(project)
    assert code == 0 and "warning" not in stderr, stderr
    (long_video, short_video) = parse_html((project / "site/c/stories/maria/index.html").read_bytes()).iter("video")
    assert [(t.get("srclang"), t.get("label")) for t in long_video.iter("track")] == [("en", "English")]
    assert [t.get("srclang") for t in short_video.iter("track")] == ["ar", "en"]


def test_two_captions_files_in_one_language_are_one_warning(make_project):
    project = make_project({**WORLD, "content/en/c/stories/clip.en.vtt": ENGLISH_CUES})
    code, _, stderr = run_build(project)
    assert code == 0 and stderr.count("warning:") == 1
    assert ("content/en/c/stories/clip.vtt: warning: these captions are not shown: clip.en.vtt are captions in the "
            "same language (en)") in stderr


@pytest.mark.parametrize("written, warned", [('<video src="clip.mp4" controls>', True), ('<video src="clip.mp4"/>', False)])
def test_a_video_never_closed_keeps_the_rest_of_the_story_visible(make_project, written, warned):
    body = f"Before.\n\n{written}\n\nThen we marched.\n\n![Maria at the rally](clip.mp4)\n\nThe end.\n"
    project = make_project({**WORLD, "content/en/c/stories/maria.md": story("Maria's well", body)})
    code, _, stderr = run_build(project)
    assert code == 0 and ("this <video> is never closed" in stderr) == warned, stderr
    page = project / "site/c/stories/maria/index.html"
    tree = parse_html(page.read_bytes())
    (prose,) = [div for div in tree.iter("div") if div.get("class") == "prose"]
    paragraphs = [p.text for p in prose.iter("p") if p.text]
    assert "Then we marched." in paragraphs and "The end." in paragraphs
    assert not [p for video in prose.iter("video") for p in video.iter("p")]  # no text hidden in a player
    assert html_errors([str(page)]) == []


def test_a_language_with_no_folder_yet_is_offered_the_captions_there_are_in_their_own_languages(make_project):
    """sv is listed but has no folder: its pages show the English text, the English captions as English."""
    project = make_project({**WORLD, "content/site.yaml": SITE_YAML + "locales: [en, ar, fa, sv]\n"})
    code, _, stderr = run_build(project)
    assert code == 0 and "captions" not in stderr, stderr
    assert [(lang, on) for lang, _, on, _ in tracks(snapshot(project / "site"), "sv/c/stories/maria/index.html")] == [
        ("ar", False), ("en", False)]
