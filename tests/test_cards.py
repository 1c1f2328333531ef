"""Share cards: 1200x630 JPEGs drawn with the theme's fonts, cached, and the same bytes every time."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

import handbill.cards as cards
from conftest import MINIMAL, SITE_YAML, jpeg_bytes, snapshot, story, write_project
from handbill import BuildFailed, BuildOptions, Diagnostics, build
from handbill.cards import (CARD_SIZE, PADDING, CardJob, CardPlanner, best_ink, contrast, draw_card, draw_cards,
                            overlay_strength)
from handbill.cache import FileCache
from handbill.fonts import BOLD, ELLIPSIS, REGULAR, Phrase, Typesetter, coverage, load_fonts, runs, script_of, shape
from handbill.project import SiteText
from handbill.theme import default_theme_dir

THEME = (default_theme_dir(),)
HERE = (Path("test.md"), 1, 1)
ARABIC_QUOTE = "كان عليّ أن أختار بين طفلي وعملي — Maria"


def planner(diags: Diagnostics | None = None) -> CardPlanner:
    return CardPlanner(THEME, diags or Diagnostics())


def spec(headline: str = "I had to choose between my baby and my job.", *, lang: str = "en", direction: str = "ltr",
         photo: bytes | None = None, colors: dict | None = None, label: str = "Clean water"):
    p = planner()
    return p.spec(headline=p.text(headline, lang, direction, HERE, "quote"), quote=True,
                  byline=p.text("\u2014 Maria, Ohio", lang, direction, HERE, "author", REGULAR),
                  label=p.text(label, "en", "ltr", HERE, "campaign"), cta=None,
                  colors=colors if colors is not None else {"primary": "#1d3557"}, photo=photo,
                  site=SiteText("Test Site", "en", Path("site.yaml"), 1))


def image_of(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def ink_columns(image: Image.Image, ink: tuple[int, int, int], box: tuple[int, int, int, int]) -> list[int]:
    """The x of every column in ``box`` holding a pixel close to the text colour."""
    region = image.convert("RGB").crop(box)
    pixels = region.load()
    found = []
    for x in range(region.width):
        if any(sum(abs(a - b) for a, b in zip(pixels[x, y], ink)) < 60 for y in range(0, region.height, 2)):
            found.append(box[0] + x)
    return found


# --- one card --------------------------------------------------------------------------------------

def test_a_card_is_a_1200x630_jpeg_with_its_text_drawn():
    image = image_of(draw_card(spec()))
    assert image.format == "JPEG" and image.size == CARD_SIZE == (1200, 630) and image.mode == "RGB"
    background = image.getpixel((5, 5))
    assert sum(abs(a - b) for a, b in zip(background, (0x1d, 0x35, 0x57))) < 12
    columns = ink_columns(image, (255, 255, 255), (0, 0, 1200, 630))  # white text on the dark blue
    assert len(columns) > 300, "hardly any text was drawn"


def test_the_quote_is_what_is_drawn_not_just_the_frame():
    with_quote = image_of(draw_card(spec("Words")))
    other_quote = image_of(draw_card(spec("Other words, and many more of them")))
    headline_box = (PADDING + 30, PADDING, 1100, 420)
    assert with_quote.crop(headline_box).tobytes() != other_quote.crop(headline_box).tobytes()


def test_right_to_left_text_sits_at_the_right_edge():
    arabic = image_of(draw_card(spec("كان عليّ أن أختار", lang="ar", direction="rtl", label="مياه نظيفة")))
    english = image_of(draw_card(spec("Short quote")))
    box = (0, PADDING, 1200, 380)  # the quote's lines (the footer is further down)
    rtl_columns = ink_columns(arabic, (255, 255, 255), box)
    ltr_columns = ink_columns(english, (255, 255, 255), box)
    assert max(rtl_columns) >= 1200 - PADDING - 12  # the quote bar and the text end at the right margin
    assert min(rtl_columns) > 1200 // 4  # and nothing hugs the left
    assert min(ltr_columns) <= PADDING + 12 and max(ltr_columns) < 1200 * 3 // 4


def test_mixed_scripts_draw_each_run_with_a_font_that_has_it():
    fonts = load_fonts(THEME)
    shaped = shape(ARABIC_QUOTE, fonts, BOLD, "rtl")
    assert shaped.text == ARABIC_QUOTE and shaped.missing == ""
    for ch, face in zip(shaped.text, shaped.faces):
        if script_of(ch) != "inherited":
            assert ord(ch) in coverage(face.path), (ch, face.path)  # no .notdef box anywhere
    line = runs(shaped, 0, len(shaped.text))
    by_font = {name: "".join(run.text for run in line if Path(run.face.path).name == name)
               for name in ("NotoSans-Bold.ttf", "NotoSansArabic-Bold.ttf")}
    assert "Maria" in by_font["NotoSans-Bold.ttf"] and "\u2014" in by_font["NotoSans-Bold.ttf"]
    assert "طفلي" in by_font["NotoSansArabic-Bold.ttf"] and "Maria" not in by_font["NotoSansArabic-Bold.ttf"]
    assert [run.rtl for run in line if "Maria" in run.text] == [False]
    assert line[0].text.strip() == "Maria"  # visual order in a right-to-left line: the Latin name is leftmost


@pytest.mark.parametrize("text, font", [
    ("Åsa, Ũbar, œuvre", "NotoSans-Bold.ttf"),
    ("मुझे चुनना पड़ा", "NotoSansDevanagari-Bold.ttf"),
    ("আমাকে বেছে নিতে হয়েছিল", "NotoSansBengali-Bold.ttf"),
    ("මට තෝරා ගැනීමට සිදු විය", "NotoSansSinhala-Bold.ttf"),
    ("היה עליי לבחור", "NotoSansHebrew-Bold.ttf"),
    ("என் குழந்தைக்கும் என் வேலைக்கும்", "NotoSansTamil-Bold.ttf"),
    ("ฉันต้องเลือกระหว่างลูกของฉันกับงาน", "NotoSansThai-Bold.ttf"),
    ("ខ្ញុំត្រូវជ្រើសរើសរវាងកូនរបស់ខ្ញុំ", "NotoSansKhmer-Bold.ttf"),
    ("ကျွန်မရဲ့ကလေးနဲ့ အလုပ်ကြားမှာ ရွေးချယ်ခဲ့ရတယ်။", "NotoSansMyanmar-Bold.ttf"),
    ("በልጄና በሥራዬ መካከል መምረጥ ነበረብኝ።", "NotoSansEthiopic-Bold.ttf"),
    ("მომიწია არჩევანის გაკეთება", "NotoSansGeorgian-Bold.ttf"),
    ("Ստիպված էի ընտրել երեխայիս և աշխատանքիս միջև։", "NotoSansArmenian-Bold.ttf"),
])
def test_each_script_is_drawn_with_its_own_font(text, font):
    shaped = shape(text, load_fonts(THEME), BOLD, "ltr")
    assert shaped.missing == ""
    assert {Path(face.path).name for face in shaped.faces} == {font}
    card = image_of(draw_card(spec(text)))
    assert len(ink_columns(card, (255, 255, 255), (PADDING + 36, PADDING, 1200 - PADDING, 380))) > 150


def test_a_long_quote_gets_smaller_then_an_ellipsis_and_every_line_fits():
    setter = Typesetter(load_fonts(THEME), True)
    text = Phrase
    short = setter.fit(text("Short words.", "en", "ltr"), BOLD, cards.HEADLINE_SIZES, 900, 360)
    medium = setter.fit(text("word " * 30, "en", "ltr"), BOLD, cards.HEADLINE_SIZES, 900, 360)
    long = setter.fit(text("word " * 300, "en", "ltr"), BOLD, cards.HEADLINE_SIZES, 900, 360)
    assert short.size == cards.HEADLINE_SIZES[0] > medium.size > long.size == cards.HEADLINE_SIZES[-1]
    assert not medium.shaped.text.endswith(ELLIPSIS)
    assert long.shaped.text.endswith(ELLIPSIS) and long.height <= 360
    for block in (short, medium, long):
        assert all(setter.width(block.shaped, s, e, block.size, "en") <= 900 for s, e in block.lines)


def test_text_stays_readable_on_any_photo():
    """4.5:1 against the brightest (white text) or darkest (dark text) pixel under the text."""
    for photo_color, campaign in (("white", "#9b1d42"), ("black", "#ffd166"), ((0, 255, 0), "#1d3557")):
        photo = jpeg_bytes(800, 600, photo_color)
        image = image_of(draw_card(spec(photo=photo, colors={"primary": campaign})))
        ink = tuple(int(best_ink(campaign)[i:i + 2], 16) for i in (1, 3, 5))
        for x, y in ((10, 10), (PADDING // 2, 300), (700, 20), (10, 620)):  # beside the text, in its column
            assert contrast(image.getpixel((x, y)), ink) >= 4.5, (photo_color, campaign, (x, y))


def test_overlay_strength_is_the_least_that_reaches_the_contrast():
    white, dark = (255, 255, 255), (20, 20, 20)
    extrema = ((250, 255), (250, 255), (250, 255))  # a white photo
    strength = overlay_strength(extrema, (155, 29, 66), white, 0.3)
    assert 0.3 < strength < 1
    blended = tuple(255 * (1 - strength) + t * strength for t in (155, 29, 66))
    assert contrast(blended, white) >= 4.5
    assert overlay_strength(((0, 20),) * 3, (155, 29, 66), white, 0.3) == 0.3  # a dark photo needs only the least
    assert overlay_strength(((0, 5),) * 3, (255, 209, 102), dark, 0.3) > 0.3  # dark text over a black photo


def test_the_key_changes_with_everything_drawn():
    base = spec()
    assert base.key() == spec().key()
    assert base.key() != spec("Another quote").key()
    assert base.key() != spec(colors={"primary": "#000000"}).key()
    assert base.key() != spec(photo=jpeg_bytes()).key() != spec(photo=jpeg_bytes(color="blue")).key()
    assert base.key() != spec(label="Dirty water").key()


def test_cards_are_the_same_bytes_in_this_process_and_in_workers(tmp_path, monkeypatch):
    monkeypatch.setattr(cards, "PARALLEL_FROM", 2)
    specs = [spec(f"Quote number {i}", photo=jpeg_bytes(90, 60) if i % 2 else None) for i in range(4)]
    jobs = [CardJob(f"c/{i}/card.jpg", s, "alt", Path("x.md")) for i, s in enumerate(specs)]
    in_workers = draw_cards(jobs, None, Diagnostics(), workers=2)
    assert in_workers.drawn == 4
    assert [in_workers.files[job.path] for job in jobs] == [draw_card(s) for s in specs]


# --- cards in a build ----------------------------------------------------------------------------------

WORLD: dict[str, str | bytes] = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
    "content/en/c/campaign.yaml": 'title: Clean water\nsummary: Water.\ncolors: {primary: "#0b6e4f"}\n',
    "content/en/c/stories/maria.md": story("Maria's well", extra="quote: The well is a day away.\nauthor: Maria\n"
                                                                 "image: maria.jpg\nimage_alt: Maria\n"),
    "content/en/c/stories/maria.jpg": jpeg_bytes(300, 200, "orange"),
    "content/en/c/stories/bob.md": story("Bob's pump", date="2026-04-01", extra="author: Bob\n"),
    "content/sv/c/stories/maria.md": story("Marias brunn", extra="quote: Brunnen ligger en dag bort.\n"),
}
CARDS = {"c/card.jpg", "c/stories/maria/card.jpg", "c/stories/bob/card.jpg",
         "sv/c/card.jpg", "sv/c/stories/maria/card.jpg", "sv/c/stories/bob/card.jpg"}


def build_in(project: Path, **options):
    result = build(BuildOptions(project / "content", project / "site", **{"card_workers": 1, **options}),
                   Diagnostics(root=project))
    return result, snapshot(project / "site")


def test_every_story_and_campaign_has_a_card_in_every_locale(tmp_path):
    _, files = build_in(write_project(tmp_path, WORLD))
    assert {rel for rel in files if rel.endswith("card.jpg")} == CARDS
    for rel in CARDS:
        image = image_of(files[rel])
        assert (image.format, image.size) == ("JPEG", (1200, 630))
        assert dict(image.getexif()) == {} and "exif" not in image.info


def test_a_second_build_draws_nothing_and_one_changed_quote_redraws_one_card(tmp_path):
    project = write_project(tmp_path, WORLD)
    first, files = build_in(project)
    # sv/c/stories/bob shows the English story under the untranslated campaign name: the same card, drawn once
    assert first.cards_drawn == len(CARDS) - 1
    assert (project / ".handbill-cache" / "cards").is_dir() and not (project / "site" / ".handbill-cache").exists()
    second, again = build_in(project)
    assert second.cards_drawn == 0
    assert again == files
    (project / "content/en/c/stories/maria.md").write_text(
        story("Maria's well", extra="quote: The well is two days away.\nauthor: Maria\nimage: maria.jpg\n"
                                    "image_alt: Maria\n"), encoding="utf-8")
    third, changed = build_in(project)
    assert third.cards_drawn == 1
    assert {rel for rel in CARDS if changed[rel] != files[rel]} == {"c/stories/maria/card.jpg"}


def test_cards_are_byte_identical_in_a_fresh_checkout_drawn_in_parallel(tmp_path, monkeypatch):
    _, one = build_in(write_project(tmp_path / "a", WORLD))
    monkeypatch.setattr(cards, "PARALLEL_FROM", 2)
    parallel, two = build_in(write_project(tmp_path / "b", WORLD), card_workers=2)
    assert parallel.cards_drawn == len(CARDS) - 1
    assert {rel: one[rel] for rel in CARDS} == {rel: two[rel] for rel in CARDS}


def test_no_cards_draws_nothing_and_the_meta_has_no_image(tmp_path):
    result, files = build_in(write_project(tmp_path, WORLD), cards=False)
    assert result.cards_drawn == 0 and not any(rel.endswith("card.jpg") for rel in files)
    page = files["c/stories/maria/index.html"].decode()
    assert "og:image" not in page and '<meta name="twitter:card" content="summary">' in page


def test_a_character_no_font_has_is_a_warning_naming_the_story(tmp_path):
    project = write_project(tmp_path, {**MINIMAL, "content/en/c/stories/maria.md":
                                       story("Maria", extra="quote: We won \U0001F389 at last\n")})
    diags = Diagnostics(root=project)
    build(BuildOptions(project / "content", project / "site", card_workers=1), diags)
    (warning,) = [w for w in diags.warnings if "share card" in w.message]
    assert (warning.path, warning.line) == ("content/en/c/stories/maria.md", 4)
    assert "U+1F389" in warning.message and "font" in warning.hint


def test_without_raqm_a_right_to_left_quote_is_an_error_that_says_how_to_install_fribidi(tmp_path, monkeypatch):
    monkeypatch.setattr(cards.features, "check", lambda name: False if name == "raqm" else True)
    latin = write_project(tmp_path / "latin", WORLD)
    build_in(latin)  # Latin text draws with Pillow's basic layout
    arabic = write_project(tmp_path / "arabic", {**WORLD, "content/en/c/stories/bob.md":
                                                 story("Bob", extra=f"quote: {ARABIC_QUOTE}\n")})
    with pytest.raises(BuildFailed) as failed:
        build_in(arabic)
    (error,) = failed.value.diagnostics.errors
    assert error.path == "content/en/c/stories/bob.md" and error.line == 4
    assert "raqm" in error.message and "FriBiDi" in error.message
    assert "libfribidi0" in error.hint and "--no-cards" in error.hint


def test_a_theme_can_change_the_card_colour(tmp_path):
    files_in = {**MINIMAL, "content/site.yaml": SITE_YAML + "theme: mine\n",
                "themes/mine/cards.yaml": 'color: "#ffd166"\nsite_name: false\n'}
    _, files = build_in(write_project(tmp_path, files_in))
    card = image_of(files["c/stories/maria/card.jpg"])
    assert sum(abs(a - b) for a, b in zip(card.getpixel((5, 5)), (0xff, 0xd1, 0x66))) < 12
    assert ink_columns(card, (20, 20, 20), (0, 600, 1200, 630)) == []  # no site name at the bottom


def test_a_bad_theme_card_setting_is_reported_at_its_line(tmp_path):
    files_in = {**MINIMAL, "content/site.yaml": SITE_YAML + "theme: mine\n",
                "themes/mine/cards.yaml": "color: red\noverlay: 50\n"}
    with pytest.raises(BuildFailed) as failed:
        build_in(write_project(tmp_path, files_in))
    (error,) = failed.value.diagnostics.errors
    assert (error.path, error.line) == ("themes/mine/cards.yaml", 1) and "colour" in error.message


def test_cards_handed_to_a_sink_are_not_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(cards, "PARALLEL_FROM", 2)
    shared = spec("The same card in two languages")
    jobs = [CardJob("en/a/card.jpg", shared, "alt", Path("a.md")), CardJob("sv/a/card.jpg", shared, "alt", Path("b.md")),
            CardJob("en/b/card.jpg", spec("Another card"), "alt", Path("c.md"))]
    cache = FileCache(tmp_path / "cards", ".jpg")
    for expected_drawn in (2, 0):  # drawn in workers, then read from the cache
        received: dict[str, bytes] = {}
        result = draw_cards(jobs, cache, Diagnostics(), workers=2, sink=received.__setitem__)
        assert result.files == {} and (result.drawn, result.reused) == (expected_drawn, 2 - expected_drawn)
        assert received == {job.path: draw_card(job.spec) for job in jobs}


def test_text_without_spaces_breaks_where_its_script_allows_at_a_large_size():
    """A Thai title broke only at the smallest size, anywhere; Japanese lines began with 」 or ！."""
    from handbill.fonts import _words
    thai = "ทางเลือกของฉันเมื่อลูกเกิด"
    pieces = [thai[a:b] for a, b in _words(thai)]
    assert pieces == ["ทาง", "เลือกของฉัน", "เมื่อลูก", "เกิด"]  # before the vowels written first: syllables start
    japanese = "すべての家族に「有給休暇」を！"
    pieces = [japanese[a:b] for a, b in _words(japanese)]
    assert "".join(pieces) == japanese and len(pieces) > 8
    assert not any(piece[0] in "」！ゃ" or piece[-1] == "「" for piece in pieces)
    setter = Typesetter(load_fonts(THEME), True)
    block = setter.fit(Phrase(thai * 2, "th", "ltr"), BOLD, cards.HEADLINE_SIZES, 600, 360)
    assert block.size > cards.HEADLINE_SIZES[-1] and len(block.lines) > 1
    assert all(block.shaped.text[e - 1] not in "เแโใไ" for s, e in block.lines)
    assert all(setter.width(block.shaped, s, e, block.size, "th") <= 600 for s, e in block.lines)
