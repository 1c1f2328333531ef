"""What content reaches the site: drafts only with --drafts, never junk files, photos without metadata."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from conftest import (MINIMAL, SITE_YAML, build_files, page, errors_of, jpeg_bytes, parse_html, run_build, snapshot,
                      story, text_of, write_project)
from handbill import BuildFailed

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# --- drafts ---------------------------------------------------------------------------------------

DRAFTS = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
    "content/en/c/stories/secret.md": story("Secret plan", "Not yet.", date="2026-06-01", extra="draft: true\n"),
    "content/en/c/stories/wip.md": story("Work in progress", "English.", date="2026-05-20"),
    "content/sv/c/stories/wip.md": story("Pågående arbete", "Svenska.", date="2026-05-20", extra="draft: yes\n"),
    "content/en/pages/soon.md": "---\ntitle: Coming soon\ndraft: true\n---\nSoon.\n",
}


@pytest.fixture(scope="module", params=[False, True], ids=["default", "with-drafts"])
def drafts_build(request, tmp_path_factory):
    project = write_project(tmp_path_factory.mktemp("drafts"), DRAFTS)
    return request.param, build_files(project, drafts=request.param)


def story_links(files, rel) -> set[str]:
    return {a.get("href") for a in parse_html(files[rel]).iter("a")}


def test_draft_story_page(drafts_build):
    drafts, files = drafts_build
    assert ("c/stories/secret/index.html" in files) is drafts
    assert ("sv/c/stories/secret/index.html" in files) is drafts
    assert ("soon/index.html" in files) is drafts


@pytest.mark.parametrize("rel", ["c/stories/index.html", "c/index.html", "c/stories/maria/index.html",
                                 "index.html", "sv/c/stories/index.html"])
def test_draft_story_in_lists_and_links(drafts_build, rel):
    drafts, files = drafts_build
    hrefs = {href for href in story_links(files, rel) if href and "secret" in href}
    assert bool(hrefs) is (drafts and rel != "index.html")  # the home page lists campaigns, not stories
    titles = [text_of(a) for a in parse_html(files[rel]).iter("a")]
    assert ("Secret plan" in titles) is (drafts and rel != "index.html")


def test_a_draft_leaves_no_folder_and_no_empty_file(tmp_path):
    project = write_project(tmp_path, DRAFTS)
    build_files(project)  # a first build: the folders of the stories are made before they are read
    site = project / "site"
    assert not (site / "c/stories/secret").exists() and not (site / "sv/c/stories/secret").exists()
    assert (site / "c/stories/wip/index.html").stat().st_size > 0
    empty = [p for p in site.rglob("*")
             if (p.is_file() and p.stat().st_size == 0) or (p.is_dir() and not any(p.iterdir()))]
    assert empty == []


def test_draft_page_in_the_footer(drafts_build):
    drafts, files = drafts_build
    assert ("/soon/" in story_links(files, "index.html")) is drafts


def test_draft_story_in_the_feed(drafts_build):
    drafts, files = drafts_build
    feed = ET.fromstring(files["feed.xml"])
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert ("Secret plan" in titles) is drafts
    assert "Maria's well" in titles


def test_draft_story_in_the_sitemap(drafts_build):
    drafts, files = drafts_build
    locs = {loc.text for loc in ET.fromstring(files["sitemap.xml"]).iter(f"{SITEMAP}loc")}
    assert ("https://example.org/c/stories/secret/" in locs) is drafts
    assert ("https://example.org/soon/" in locs) is drafts
    assert "https://example.org/c/stories/maria/" in locs


def test_draft_story_text_is_nowhere(drafts_build):
    drafts, files = drafts_build
    if not drafts:
        assert [rel for rel, data in files.items() if b"Secret plan" in data or b"secret" in data] == []


def test_draft_translation_shows_the_original_meanwhile(drafts_build):
    drafts, files = drafts_build
    tree = parse_html(files["sv/c/stories/wip/index.html"])
    (h1,) = tree.iter("h1")
    assert text_of(h1) == ("Pågående arbete" if drafts else "Work in progress")
    notices = [p for p in tree.iter("p") if p.get("role") == "note"]
    assert bool(notices) is (not drafts)


def test_a_link_to_a_draft_is_an_error_without_drafts(make_project):
    project = make_project({**DRAFTS, "content/en/c/stories/maria.md": story("Maria", "See [it](secret.md).")})
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    (error,) = failed.value.diagnostics.errors
    assert (error.path, error.line) == ("content/en/c/stories/maria.md", 5)
    assert build_files(project, drafts=True)["c/stories/maria/index.html"]


# --- one mistake, one error ---------------------------------------------------------------------------

LINKED = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
    "content/en/c/stories/bob.md": story("Bob", "Read [Maria](maria.md)."),
    "content/en/pages/about.md": page("About us", "Start with [Maria](../c/stories/maria.md)."),
    "content/en/d/campaign.yaml": "title: Clean air\n",
    "content/en/d/stories/lin.md": story("Lin", "And [Maria](../../c/stories/maria.md)."),
    "content/sv/c/stories/maria.md": story("Marias brunn"),
}


@pytest.mark.parametrize("broken, where", [
    ("content/en/c/stories/maria.md", "---\ntitle: Maria: two weeks\ndate: 2026-05-01\n---\nText.\n"),
    ("content/en/c/campaign.yaml", "title: Clean water: now\n"),
])
def test_a_file_that_cannot_be_read_is_the_only_error(make_project, broken, where):
    """Links to a story whose front matter (or whose campaign.yaml) does not parse, and the story's
    translation, are not reported as well: the one mistake is the one error."""
    project = make_project({**LINKED, broken: where})
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    problems = failed.value.diagnostics.items
    assert [(p.path, p.severity) for p in problems] == [(broken, "error")], failed.value.diagnostics.report()


def test_a_link_to_a_story_that_does_not_exist_is_still_an_error_beside_a_broken_one(make_project):
    project = make_project({**LINKED, "content/en/c/stories/maria.md": "---\ntitle: Maria: x\ndate: 2026-05-01\n---\n",
                            "content/en/c/stories/bob.md": story("Bob", "Read [Maria](maria.md) and [Mario](mario.md).")})
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    errors = [(e.path, e.message) for e in failed.value.diagnostics.errors]
    assert ("content/en/c/stories/bob.md", "the link to `mario.md` goes to a page that does not exist") in errors
    assert len(errors) == 2


@pytest.mark.parametrize("where", ["en", "sv"])
def test_the_text_of_a_story_whose_front_matter_is_broken_is_checked_in_the_same_build(make_project, where):
    """A colon in the title and, below it, a mistyped link, a missing photo and a script link: all four
    are reported at once, the text's at their own lines, its links resolved in the file's language."""
    broken = f"content/{where}/c/stories/maria.md"
    text = ("---\ntitle: Maria: two weeks\ndate: 2026-05-01\n---\nFirst line.\n\n"
            "Read [Bob](bobb.md) and [Lin](../../d/stories/lin.md).\n\n![Well](no-such.jpg)\n\n[x](javascript:alert(1))\n")
    project = make_project({**LINKED, broken: text})
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    problems = [(p.path, p.line, p.severity, p.message) for p in failed.value.diagnostics.items]
    assert problems == [
        (broken, 2, "error", 'this value contains ": ", which YAML reads as the start of a new key'),
        (broken, 7, "error", "the link to `bobb.md` goes to a page that does not exist"),
        (broken, 9, "error", "the file `no-such.jpg` was not found"),
        (broken, 11, "warning", "the link to a `javascript:` address was removed"),
    ], failed.value.diagnostics.report()


def test_the_texts_a_broken_original_or_campaign_keeps_back_are_checked_in_the_same_build(make_project):
    """The translation of a broken original, and the stories of a broken campaign.yaml, are not published;
    their texts' problems come with the one that keeps them back, not one build later. A link to a story
    that exists in the broken campaign is not an error of its own."""
    files = {**LINKED,
             "content/en/c/stories/maria.md": "---\ntitle: Maria: two weeks\ndate: 2026-05-01\n---\nText.\n",
             "content/sv/c/stories/maria.md": story("Marias brunn", "Se [ingen](ingenstans.md)."),
             "content/en/d/campaign.yaml": "title: Clean air: now\n",
             "content/en/d/stories/lin.md": story("Lin", "See [Ann](ann.md) and [Lee](lee.md)."),
             "content/en/d/stories/lee.md": story("Lee")}
    project = make_project(files)
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    problems = [(p.path, p.line, p.message) for p in failed.value.diagnostics.errors]
    assert problems == [
        ("content/en/c/stories/maria.md", 2, 'this value contains ": ", which YAML reads as the start of a new key'),
        ("content/en/d/campaign.yaml", 1, 'this value contains ": ", which YAML reads as the start of a new key'),
        ("content/en/d/stories/lin.md", 5, "the link to `ann.md` goes to a page that does not exist"),
        ("content/sv/c/stories/maria.md", 5, "the link to `ingenstans.md` goes to a page that does not exist"),
    ], failed.value.diagnostics.report()


@pytest.mark.parametrize("draft_campaign", [False, True])
def test_a_broken_draft_is_not_checked_for_links_to_other_drafts(make_project, draft_campaign):
    """A draft's text is not checked as a published text would be: a broken draft (or a broken story of a
    draft campaign) linking to a draft sibling is its one front-matter error."""
    extra = "draft: true\n" if not draft_campaign else ""
    files = {**LINKED, "content/en/e/campaign.yaml": "title: Clean soil\n" + ("draft: true\n" if draft_campaign else ""),
             "content/en/e/stories/two.md": story("Part two", extra="draft: true\n"),
             "content/en/e/stories/one.md": f"---\ntitle: Part one: start\ndate: 2026-05-01\n{extra}---\n[Two](two.md)\n"}
    with pytest.raises(BuildFailed) as failed:
        build_files(make_project(files))
    assert [(p.path, p.line) for p in failed.value.diagnostics.errors] == [("content/en/e/stories/one.md", 2)]


def test_a_failing_build_checks_a_bounded_number_of_kept_back_texts(make_project, monkeypatch):
    from handbill import unread
    monkeypatch.setattr(unread, "MAX_UNREAD_TEXTS", 1)
    broken = "---\ntitle: Broken: {n}\ndate: 2026-05-01\n---\n[x](nowhere-{n}.md)\n"
    files = {**LINKED, **{f"content/en/c/stories/b{n}.md": broken.format(n=n) for n in range(3)}}
    with pytest.raises(BuildFailed) as failed:
        build_files(make_project(files))
    links = [p for p in failed.value.diagnostics.errors if "nowhere" in p.message]
    assert len(failed.value.diagnostics.errors) == 4 and len(links) == 1


def test_a_link_to_a_draft_is_not_told_to_go_to_the_file_it_is_written_in(make_project):
    files = {**LINKED, "content/en/c/stories/part-two.md": story("Part two", extra="draft: true\n"),
             "content/en/c/stories/part-one.md": story("Part one", "[Two](part-two.md)")}
    with pytest.raises(BuildFailed) as failed:
        build_files(make_project(files))
    (problem,) = failed.value.diagnostics.errors
    assert "part-two.md" in problem.message and "part-one" not in problem.hint and "--drafts" in problem.hint


def test_a_broken_translation_under_fallback_error_is_its_own_error_only(make_project):
    files = {**LINKED, "content/site.yaml": SITE_YAML + "locales: [en, sv]\nfallback: {sv: error}\n",
             "content/sv/c/campaign.yaml": "title: Rent vatten\n", "content/sv/pages/about.md": page("Om oss"),
             "content/sv/c/stories/bob.md": story("Bob"), "content/sv/d/campaign.yaml": "title: Ren luft\n",
             "content/sv/d/stories/lin.md": story("Lin"),
             "content/sv/c/stories/maria.md": "---\ntitle: Maria: två veckor\ndate: 2026-05-01\n---\nText.\n"}
    with pytest.raises(BuildFailed) as failed:
        build_files(make_project(files))
    assert [(p.path, p.line) for p in failed.value.diagnostics.errors] == [("content/sv/c/stories/maria.md", 2)], \
        failed.value.diagnostics.report()


def test_a_text_too_long_to_read_is_not_read_for_its_links_either(make_project):
    from handbill.project import MAX_SOURCE_BYTES
    too_long = "---\ntitle: Long\ndate: 2026-05-01\n---\n[x](nowhere.md)\n" + "word " * (MAX_SOURCE_BYTES // 5)
    project = make_project({**LINKED, "content/en/c/stories/long.md": too_long})
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    assert [(p.path, p.message.split(" is ")[0]) for p in failed.value.diagnostics.errors] == \
        [("content/en/c/stories/long.md", "this file")]


# --- junk files never reach the output -------------------------------------------------------------

SECRET = "SECRET-TOKEN-5f3a"
JUNK = {
    **MINIMAL,
    "content/.env": f"API_KEY={SECRET}\n",
    "content/.git/config": f"[remote]\n url = https://{SECRET}@example.org/\n",
    "content/.DS_Store": SECRET.encode(),
    "content/en/.DS_Store": SECRET.encode(),
    "content/en/c/.DS_Store": SECRET.encode(),
    "content/en/c/stories/notes.md~": story(SECRET),
    "content/en/c/stories/.maria.md.swp": SECRET.encode(),
    "content/en/c/stories/x.swp": SECRET.encode(),
    "content/en/c/stories/.hidden.md": story(SECRET),
    "content/en/c/stories/#maria.md#": story(SECRET),
    "content/en/c/stories/maria.md.bak": story(SECRET),
    "content/en/c/stories/Thumbs.db": SECRET.encode(),
    "content/en/c/~$notes.docx": SECRET.encode(),
    "content/en/pages/.draft.md": story(SECRET),
    "content/en/.env": SECRET,
    "content/media/.env": SECRET,
    "content/media/.git/HEAD": SECRET,
    "content/media/logo.png~": SECRET.encode(),
    "content/media/__MACOSX/._logo.png": SECRET.encode(),
    "content/media/ok.txt": "published\n",
    "content/en/.git/config": SECRET,
    "content/en/c/.git/config": SECRET,
}
JUNK_NAMES = (".env", ".git", ".DS_Store", "~", ".swp", ".bak", "Thumbs.db", "#", "~$", "__MACOSX", ".hidden", ".draft")


@pytest.fixture(scope="module")
def junk_build(tmp_path_factory):
    project = write_project(tmp_path_factory.mktemp("junk"), JUNK)
    code, stdout, stderr = run_build(project)
    assert code == 0, stderr
    return snapshot(project / "site"), stderr


def test_junk_files_are_not_published(junk_build):
    files, _ = junk_build
    assert "media/ok.txt" in files
    published = [rel for rel in files if rel != ".handbill-site"]
    assert [rel for rel in published if any(name in part for part in rel.split("/") for name in JUNK_NAMES)] == []


def test_no_output_contains_a_junk_files_bytes(junk_build):
    files, _ = junk_build
    assert [rel for rel, data in files.items() if SECRET.encode() in data] == []


def test_junk_files_are_not_reported_as_problems(junk_build):
    _, stderr = junk_build
    assert SECRET not in stderr
    assert errors_of(stderr) == []


def test_junk_file_named_as_an_image_is_refused(make_project):
    project = make_project({**JUNK, "content/en/c/stories/maria.md": story("Maria", "![x](.DS_Store)")})
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    (error,) = failed.value.diagnostics.errors
    assert error.path == "content/en/c/stories/maria.md" and error.line == 5
    assert "hidden or temporary" in error.message


def test_theme_junk_files_are_not_published(make_project):
    project = make_project({
        **MINIMAL,
        "content/site.yaml": SITE_YAML + "theme: mine\n",
        "themes/mine/static/extra.css": "a{}\n",
        "themes/mine/static/.env": SECRET,
        "themes/mine/static/extra.css~": SECRET,
        "themes/mine/static/.DS_Store": SECRET,
        "themes/mine/static/x.swp": SECRET,
    })
    files = build_files(project)
    assert "static/extra.css" in files
    assert [rel for rel, data in files.items() if SECRET.encode() in data] == []


# --- photos ------------------------------------------------------------------------------------------

def gps_photo(fmt: str, size=(90, 60)) -> bytes:
    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (59.0, 19.0, 42.5), 3: "E", 4: (18.0, 4.0, 7.25)}
    out = io.BytesIO()
    extra = {"comment": b"taken at home"} if fmt == "JPEG" else {}
    image.save(out, format=fmt, exif=exif.tobytes(), **extra)
    return out.getvalue()


def rotated_jpeg() -> bytes:
    """60x40 pixels stored, shown 40x60: EXIF orientation 6 (rotate 90° clockwise)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "S", 2: (1.0, 2.0, 3.0)}
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "red").save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


PHOTOS = {
    **MINIMAL,
    "content/en/c/campaign.yaml": "title: Water\nimage: hero.png\nimage_alt: A tap\n",
    "content/en/c/hero.png": gps_photo("PNG", (120, 80)),
    "content/en/c/stories/maria.md": story(
        "Maria", "Body photo:\n\n![The well](well.webp)\n\n![Turned](turned.jpg)",
        extra="image: maria.jpg\nimage_alt: Maria at the well\n"),
    "content/en/c/stories/maria.jpg": jpeg_bytes(90, 60, exif_gps=True),
    "content/en/c/stories/well.webp": gps_photo("WEBP"),
    "content/en/c/stories/turned.jpg": rotated_jpeg(),
}


@pytest.fixture(scope="module")
def photo_build(tmp_path_factory):
    project = write_project(tmp_path_factory.mktemp("photos"), PHOTOS)
    return build_files(project, strict=True)


def test_the_test_photos_do_carry_gps():
    for data in (PHOTOS["content/en/c/stories/maria.jpg"], PHOTOS["content/en/c/hero.png"],
                 PHOTOS["content/en/c/stories/well.webp"], rotated_jpeg()):
        image = Image.open(io.BytesIO(data))
        assert 0x8825 in image.getexif()


def published_images(files) -> dict[str, bytes]:
    return {rel: data for rel, data in files.items() if rel.startswith("img/")}


def test_every_published_photo_has_no_metadata(photo_build):
    images = published_images(photo_build)
    assert len(images) == 4
    for rel, data in images.items():
        image = Image.open(io.BytesIO(data))
        assert dict(image.getexif()) == {}, rel
        assert not ({"exif", "xmp", "comment", "XML:com.adobe.xmp", "icc_profile"} & set(image.info)), (rel, image.info.keys())
        assert b"PhoneMaker" not in data and b"Exif\x00\x00" not in data and b"taken at home" not in data, rel


def test_published_photos_keep_their_format(photo_build):
    kinds = sorted(Image.open(io.BytesIO(data)).format for data in published_images(photo_build).values())
    assert kinds == ["JPEG", "JPEG", "PNG", "WEBP"]


def test_story_photo_has_size_and_alt(photo_build):
    tree = parse_html(photo_build["c/stories/maria/index.html"])
    img = next(f for f in tree.iter("figure") if f.get("class") == "story-photo").find("img")
    assert (img.get("width"), img.get("height"), img.get("alt")) == ("90", "60", "Maria at the well")
    published = photo_build[img.get("src").lstrip("/")]
    assert Image.open(io.BytesIO(published)).size == (90, 60)


def test_body_photos_have_size_and_alt(photo_build):
    tree = parse_html(photo_build["c/stories/maria/index.html"])
    prose = next(div for div in tree.iter("div") if div.get("class") == "prose")
    found = {img.get("alt"): (img.get("width"), img.get("height")) for img in prose.iter("img")}
    assert found == {"The well": ("90", "60"), "Turned": ("40", "60")}
    for img in prose.iter("img"):
        size = Image.open(io.BytesIO(photo_build[img.get("src").lstrip("/")])).size
        assert size == (int(img.get("width")), int(img.get("height")))


def test_campaign_photo_on_campaign_and_home(photo_build):
    for rel in ("c/index.html", "index.html"):
        tree = parse_html(photo_build[rel])
        imgs = [img for img in tree.iter("img") if img.get("alt") == "A tap"]
        assert imgs and all((i.get("width"), i.get("height")) == ("120", "80") for i in imgs), rel


def test_a_missing_photo_names_the_file_and_the_line_of_image(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/maria.md":
                            "---\ntitle: Maria\ndate: 2026-05-01\nimage: nothere.jpg\nimage_alt: Maria\n---\nx\n"})
    code, _, stderr = run_build(project)
    assert code == 1
    assert "Traceback" not in stderr
    (block, _) = errors_of(stderr)
    first, hint = block.splitlines()
    assert first == "content/en/c/stories/maria.md:4:8: image: the file `nothere.jpg` was not found"
    assert hint.startswith("  hint: ")


@pytest.mark.parametrize("name", ["phone.heic", "phone.HEIF"])
def test_an_iphone_photo_named_heic_gets_the_iphone_hint(make_project, name):
    """Named .heic, as an iPhone names it, the photo gets the same help as one renamed to .jpg."""
    project = make_project({**MINIMAL, f"content/en/c/stories/{name}": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
                            "content/en/c/stories/maria.md":
                            f"---\ntitle: Maria\ndate: 2026-05-01\nimage: {name}\nimage_alt: Maria\n---\nx\n"})
    code, _, stderr = run_build(project)
    (block, _) = errors_of(stderr)
    first, hint = block.splitlines()
    assert code == 1 and first == (f"content/en/c/stories/maria.md:4:8: image: {name} is an HEIC photo (the iPhone's "
                                   "own format), which browsers cannot show")
    assert "export it as JPEG" in hint


def test_a_missing_campaign_photo_names_campaign_yaml(make_project):
    project = make_project({**MINIMAL, "content/en/c/campaign.yaml": "title: Water\nsummary: x\nimage: hero.jpg\nimage_alt: A\n"})
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    (error,) = failed.value.diagnostics.errors
    assert (error.path, error.line, error.col) == ("content/en/c/campaign.yaml", 3, 8)
    assert "hero.jpg" in error.message


def test_a_photo_without_alt_text_is_an_error(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/maria.md": story("Maria", extra="image: m.jpg\n"),
                            "content/en/c/stories/m.jpg": jpeg_bytes()})
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    (error,) = failed.value.diagnostics.errors
    assert (error.path, error.line) == ("content/en/c/stories/maria.md", 4)
    assert "image_alt" in error.message


def test_a_damaged_photo_is_an_error_not_a_crash(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/maria.md": story("Maria", extra="image: m.jpg\nimage_alt: M\n"),
                            "content/en/c/stories/m.jpg": jpeg_bytes()[:200]})
    code, _, stderr = run_build(project)
    assert code == 1
    assert "Traceback" not in stderr
    assert errors_of(stderr)[0].startswith("content/en/c/stories/maria.md:4:8: image: m.jpg is damaged")


def test_a_photo_in_the_folder_above_can_be_used(make_project):
    project = make_project({**MINIMAL, "content/en/c/hero.jpg": jpeg_bytes(),
                            "content/en/c/stories/maria.md": story("Maria", "![Hero](../hero.jpg)",
                                                                   extra="image: ../hero.jpg\nimage_alt: Hero\n")})
    files = build_files(project)
    tree = parse_html(files["c/stories/maria/index.html"])
    assert len([img for img in tree.iter("img") if img.get("alt") == "Hero"]) == 2


@pytest.mark.parametrize("rel, hint", [
    ("c/new-one.md", "a story of the campaign `c` goes in its stories/ folder: move it to content/en/c/stories/new-one.md"),
    ("stories/two.md", "stories go in the stories/ folder of their campaign: move it to content/en/<campaign>/stories/two.md"),
    ("four.md", "a free page goes in pages/: move it to content/en/pages/four.md; a story goes in <campaign>/stories/"),
    ("c/stories/campaign.yaml", "a campaign's settings are in its folder's campaign.yaml, like content/en/c/campaign.yaml"),
    ("d/campaign.yml", "rename it to campaign.yaml"),
    ("strings.yml", "rename it to strings.yaml"),
    ("d/Campaign.yaml", "rename it to campaign.yaml"),
    ("campaign.yaml", "a campaign's settings go in its own folder, like content/en/<campaign>/campaign.yaml"),
])
def test_a_file_in_the_wrong_place_is_told_where_it_goes(make_project, rel, hint):
    project = make_project({**MINIMAL, f"content/en/{rel}": story("Lost") if rel.endswith(".md") else "title: Lost\n"})
    code, _, stderr = run_build(project)
    assert code == 0 and stderr.splitlines()[1] == f"  hint: {hint}" and stderr.startswith(f"content/en/{rel}: warning:")


def test_notes_and_other_yaml_files_are_left_aside_quietly(make_project):
    project = make_project({**MINIMAL, "content/en/README.md": "# Notes\n", "content/en/c/data.yaml": "a: 1\n"})
    code, _, stderr = run_build(project)
    assert code == 0 and "data.yaml" not in stderr and "pages/README.md" not in stderr


def test_a_name_written_almost_right_gets_the_real_one_as_its_fix(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/maria.jpg": jpeg_bytes(),
                            "content/en/c/stories/bob.md": story("Bob", "See [Maria](maira.md) and [M](../stories/Maria.md).",
                                                                 extra="image: Maria.JPG\nimage_alt: Maria\n")})
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    hints = sorted((e.message.split("`")[1], e.hint) for e in failed.value.diagnostics.errors)
    assert hints == [("../stories/Maria.md", "did you mean `../stories/maria.md`? (capitals count)"),
                     ("Maria.JPG", "did you mean `maria.jpg`? (capitals count)"),
                     ("maira.md", "did you mean `maria.md`?")]


def test_review_link_slips_neither_crash_nor_mislead(make_project):
    """A NUL in a link is no crash; a draft's name is not offered as its own fix; a missing photo is
    never told to be a story's .md."""
    project = make_project({**MINIMAL,
                            "content/en/c/stories/wip.md": story("Work in progress", extra="draft: true\n"),
                            "content/en/c/stories/maria-lopez.md": story("Maria", extra="image: maria-lopez.jpg\n"
                                                                                        "image_alt: Maria\n"),
                            "content/en/c/stories/bob.md": story("Bob", "See [W](wip.md), [K](keisha%00) and "
                                                                        "[L](lin%00.md).")})
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    hints = {e.message.split("`")[1]: e.hint for e in failed.value.diagnostics.errors}
    assert "did you mean" not in hints["wip.md"] and "--drafts" in hints["wip.md"]
    assert "maria-lopez.md" not in hints["maria-lopez.jpg"]
    assert "lin\x00.md" in hints  # reported as a page that does not exist, not a bug


def test_many_broken_links_cost_no_more_than_their_number(make_project):
    """Each broken link asked whether its target had an error of its own by scanning every problem
    found so far: 12,000 broken links took a minute."""
    import time
    body = "\n".join(f"[x{i}](gone{i}.md)" for i in range(3000))
    project = make_project({**MINIMAL, "content/en/c/stories/bob.md": story("Bob", body)})
    started = time.perf_counter()
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    assert len(failed.value.diagnostics.errors) == 3000 and time.perf_counter() - started < 30  # about a second
