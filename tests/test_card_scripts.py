"""Share cards in scripts the theme's fonts may not have: fallbacks, left-out characters, bidi brackets."""
from __future__ import annotations

import io
import shutil
import unicodedata
from pathlib import Path

import pytest

from PIL import Image, ImageDraw, ImageFont

from conftest import MINIMAL, snapshot, story, write_project
from handbill import BuildOptions, Diagnostics, build
from handbill.cards import CARD_SIZE, CardSpec, draw_card
from handbill.fonts import BOLD, REGULAR, SCRIPT_RANGES, Phrase, Typesetter, load_fonts, runs, script_of, shape
from handbill.theme import default_theme_dir

THEME = (default_theme_dir(),)
FONTS = default_theme_dir() / "fonts"
THAI = "ฉันต้องเลือกระหว่างลูกของฉันกับงาน"


def image_of(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def theme_with_fonts(folder: Path, files: dict[str, str]) -> Path:
    """A theme whose fonts/ folder holds copies of default-theme fonts ({new name: default font})."""
    (folder / "fonts").mkdir(parents=True)
    for name, original in files.items():
        shutil.copyfile(FONTS / original, folder / "fonts" / name)
    return folder


def drawn_line(setter: Typesetter, shaped, size: int = 40, rtl: bool = False) -> Image.Image:
    """One line drawn white on black, 1200x100, from x=10 (or to x=1190 when ``rtl``), baseline 60."""
    image = Image.new("L", (1200, 100), 0)
    setter.draw_line(ImageDraw.Draw(image), shaped, (0, len(shaped.text)), size, "", 10, 1190, 60, 255, rtl)
    return image


# --- which font draws a character ---------------------------------------------------------------------

def test_a_font_in_one_weight_draws_the_other_weight_too(tmp_path):
    """Many CJK and Thai fonts come in one weight: bold headlines still use it."""
    theme = theme_with_fonts(tmp_path / "mine", {"NotoSans-Regular.ttf": "NotoSans-Regular.ttf",
                                                 "NotoSans-Bold.ttf": "NotoSans-Bold.ttf",
                                                 "OurThai.ttf": "NotoSansThai-Regular.ttf"})
    fonts = load_fonts((theme,))
    bold = shape(f"{THAI} Maria", fonts, BOLD, "ltr")
    assert bold.missing == "" and bold.text == f"{THAI} Maria"
    by_font = {Path(face.path).name for ch, face in zip(bold.text, bold.faces) if ch in THAI}
    assert by_font == {"OurThai.ttf"}
    assert {Path(face.path).name for ch, face in zip(bold.text, bold.faces) if ch in "Maria"} == {"NotoSans-Bold.ttf"}
    thai_only = shape(THAI, fonts, BOLD, "ltr")
    drawn = drawn_line(Typesetter(fonts, True), thai_only)
    assert drawn.getbbox() is not None  # something was drawn, and it is the Thai font's glyphs
    expected = Image.new("L", drawn.size, 0)
    font = ImageFont.truetype(str(theme / "fonts" / "OurThai.ttf"), 40, layout_engine=ImageFont.Layout.RAQM)
    ImageDraw.Draw(expected).text((10, 60), THAI, font=font, fill=255, anchor="ls", direction="ltr")
    assert drawn.tobytes() == expected.tobytes()


def test_a_font_of_the_wanted_weight_is_still_chosen_first():
    shaped = shape(THAI, load_fonts(THEME), REGULAR, "ltr")
    assert {Path(face.path).name for face in shaped.faces} == {"NotoSansThai-Regular.ttf"}


# --- characters no font has ---------------------------------------------------------------------------

def test_left_out_emoji_leave_no_double_space_nor_a_space_before_a_comma():
    fonts = load_fonts(THEME)
    assert shape("We marched ✊🏿 together 👨‍👩‍👧‍👦 — 🇺🇦🇵🇸🏳️‍🌈", fonts, BOLD, "ltr").text == "We marched together —"
    assert shape("— Zoë 👩🏾‍⚕️, Ohio", fonts, REGULAR, "ltr").text == "— Zoë, Ohio"
    assert shape("we (😀) go [ 🎉 ] now (ok 🎉)", fonts, REGULAR, "ltr").text == "we go now (ok)"
    assert shape("We won 🎉! (🎉 at last)", fonts, BOLD, "ltr").text == "We won! (at last)"
    assert shape("مرحبا 🎉، صديقي", fonts, BOLD, "rtl").text == "مرحبا، صديقي"


def test_spaces_the_writer_typed_are_kept():
    fonts = load_fonts(THEME)
    assert shape("Wait , what ( really )", fonts, BOLD, "ltr").text == "Wait , what ( really )"


def test_the_joiners_and_variation_selectors_of_a_left_out_emoji_go_with_it():
    shaped = shape("Love ❤️ and 👩‍👧 family", load_fonts(THEME), BOLD, "ltr")
    assert shaped.text == "Love and family"
    assert "\ufe0f" not in shaped.missing and "\u200d" not in shaped.missing  # only what a reader would see
    assert {"\u2764", "\U0001F469", "\U0001F467"} <= set(shaped.missing)


# --- brackets in right-to-left text ---------------------------------------------------------------------

def test_brackets_in_a_latin_name_on_a_right_to_left_card_stay_with_the_name():
    fonts = load_fonts(THEME)
    setter = Typesetter(fonts, True)
    shaped = shape("— Dr. Ahmed Al-Masri (MD)، القاهرة", fonts, REGULAR, "rtl")
    drawn = drawn_line(setter, shaped, rtl=True)
    # what a browser shows: from the left, the Arabic city, the whole Latin name, the dash at the right edge
    pieces = [("، القاهرة", "NotoSansArabic-Regular.ttf", "rtl"), ("Dr. Ahmed Al-Masri (MD)", "NotoSans-Regular.ttf", "ltr"),
              ("— ", "NotoSans-Regular.ttf", "rtl")]
    expected = Image.new("L", drawn.size, 0)
    fonts_of = [ImageFont.truetype(str(FONTS / name), 40, layout_engine=ImageFont.Layout.RAQM) for _, name, _ in pieces]
    widths = [font.getlength(text, direction=direction) for (text, _, direction), font in zip(pieces, fonts_of)]
    x = 1190 - sum(widths)
    for (text, _, direction), font, width in zip(pieces, fonts_of, widths):
        ImageDraw.Draw(expected).text((x, 60), text, font=font, fill=255, anchor="ls", direction=direction)
        x += width
    assert drawn.tobytes() == expected.tobytes()


def test_brackets_take_the_direction_of_what_they_enclose():
    fonts = load_fonts(THEME)

    def visual(text: str, base: str) -> list[tuple[str, bool]]:
        """The line's pieces of one direction, from left to right."""
        shaped = shape(text, fonts, BOLD, base)
        pieces: list[tuple[str, bool]] = []
        for run in runs(shaped, 0, len(shaped.text)):
            if pieces and pieces[-1][1] == run.rtl:
                pieces[-1] = (pieces[-1][0] + run.text if not run.rtl else run.text + pieces[-1][0], run.rtl)
            else:
                pieces.append((run.text, run.rtl))
        return pieces

    assert visual("اتصلت بـ IBM (International Business Machines) أمس.", "rtl") == [
        (" أمس.", True), ("IBM (International Business Machines)", False), ("اتصلت بـ ", True)]
    # an Arabic word in brackets in an English sentence: the brackets belong to the sentence, not mirrored
    assert visual("Maria (ماريا) said", "ltr") == [("Maria (", False), ("ماريا", True), (") said", False)]
    # brackets around right-to-left text in a right-to-left paragraph go with it, whatever comes before
    assert visual("Google (جوجل) كان", "rtl") == [(" (جوجل) كان", True), ("Google", False)]


def test_a_vowel_sign_at_the_end_of_a_run_of_the_other_direction_stays_on_its_letter():
    """Harakat, niqqud and Thai vowels are marks (bidi class NSM): they take their letter's direction,
    or they were drawn alone on a dotted circle at the far end of the run."""
    fonts = load_fonts(THEME)

    def pieces(text: str, base: str) -> list[tuple[str, bool]]:
        shaped = shape(text, fonts, BOLD, base)
        return [(shaped.text[i], shaped.rtl[i]) for i in range(len(shaped.text))]

    arabic = pieces("We said: الحمدُ للهِ", "ltr")
    assert [rtl for ch, rtl in arabic if ch in "\u064f\u0650"] == [True, True]  # damma and kasra, as their letters
    thai = pieces("قالت لي: ใจดี", "rtl")
    assert thai[-1] == ("\u0e35", False)  # the Thai vowel of ดี, on its consonant
    assert pieces("Name: सुंदर", "ltr")[-1] == ("र", False)


def test_the_script_blocks_are_in_order_without_overlaps():
    """script_of() finds a character's block by bisection: the table must stay sorted."""
    assert all(earlier[1] < later[0] for earlier, later in zip(SCRIPT_RANGES, SCRIPT_RANGES[1:]))
    assert [script_of(ch) for ch in "aกა\u0589ሰ\U0001E7E0"] == ["default", "thai", "georgian", "armenian", "ethiopic", "ethiopic"]


# --- a text the fonts cannot draw ---------------------------------------------------------------------

WORLD: dict[str, str | bytes] = {
    **MINIMAL,
    "content/en/c/stories/maria.md": story("Maria's well", extra="quote: The well is a day away.\nauthor: Maria\n"),
}


def build_with(tmp_path: Path, name: str, files: dict[str, str | bytes]) -> tuple[Diagnostics, dict[str, bytes]]:
    project = write_project(tmp_path / name, {**WORLD, **files})
    diags = Diagnostics(root=project)
    build(BuildOptions(project / "content", project / "site", card_workers=1), diags)
    return diags, snapshot(project / "site")


def card_warnings(diags: Diagnostics) -> list:
    return [warning for warning in diags.warnings if "share card" in warning.message]


def maria_card(tmp_path: Path, name: str, front_matter: str) -> tuple[Diagnostics, bytes]:
    """The problems of a build of Maria's story with these extra front matter lines, and its card."""
    diags, files = build_with(tmp_path, name, {"content/en/c/stories/maria.md": story("Maria's well",
                                                                                     extra=front_matter)})
    return diags, files["c/stories/maria/card.jpg"]


def test_an_emoji_only_quote_gives_way_to_the_title(tmp_path):
    diags, emoji_only = maria_card(tmp_path, "emoji", 'quote: "❤️🙏🏽"\nauthor: Maria\n')
    assert emoji_only == maria_card(tmp_path, "title", "author: Maria\n")[1]
    (warning,) = card_warnings(diags)
    assert (warning.path, warning.line) == ("content/en/c/stories/maria.md", 4)
    assert "quote" in warning.message and "shows the title instead" in warning.message
    assert "U+1F64F" in warning.message and "U+FE0F" not in warning.message and "emoji" in warning.hint


def test_a_story_no_font_can_draw_builds_without_a_card_and_says_how_to_add_a_font(tmp_path):
    diags, files = build_with(tmp_path, "cjk", {"content/en/c/stories/maria.md": story(
        "玛丽亚产后两周就回去上班了", extra="quote: 我不得不在孩子和工作之间做出选择。\nauthor: 玛丽亚，俄亥俄州\n")})
    assert "c/stories/maria/card.jpg" not in files and "c/card.jpg" in files  # the other cards are drawn
    assert "og:image" not in files["c/stories/maria/index.html"].decode()
    (warning,) = card_warnings(diags)  # one for the story, not one per text
    assert (warning.path, warning.line) == ("content/en/c/stories/maria.md", 4)
    assert "quote or the title" in warning.message and "no share card" in warning.message
    assert "Noto Sans SC" in warning.hint and "fonts/" in warning.hint and "site.yaml" in warning.hint


def test_a_byline_no_font_can_draw_is_left_out_not_drawn_as_a_lone_dash(tmp_path):
    diags, files = build_with(tmp_path, "korean", {"content/en/c/stories/maria.md": story(
        "Maria's well", extra="quote: The well is a day away.\nauthor: 마리아, 오하이오\n")})
    _, no_author = build_with(tmp_path, "none", {"content/en/c/stories/maria.md": story(
        "Maria's well", extra="quote: The well is a day away.\n")})
    assert files["c/stories/maria/card.jpg"] == no_author["c/stories/maria/card.jpg"]
    (warning,) = card_warnings(diags)
    assert warning.line == 5 and "author" in warning.message and "leaves it out" in warning.message


def test_a_card_whose_headline_has_nothing_to_draw_is_still_drawn():
    """draw_card is given only texts the planner checked; should one slip through, no exception."""
    fonts = load_fonts(THEME)
    spec = CardSpec(CARD_SIZE, Phrase("🎉", "en", "ltr"), True, None, None, None, None, "#1d3557", "#ffd166", 35, None,
                    fonts, True)
    image = image_of(draw_card(spec)).convert("RGB")
    assert image.size == CARD_SIZE
    colours = [colour for _, colour in image.getcolors(1 << 20)]
    assert all(sum(abs(a - b) for a, b in zip(colour, (0xff, 0xd1, 0x66))) > 90 for colour in colours)  # no quote bar


def test_readable_means_a_letter_is_left_not_only_punctuation_or_a_stray_digit():
    fonts = load_fonts(THEME)
    assert not shape("아기와 일 중 하나를, 선택해야 했어요.", fonts, BOLD, "ltr").readable  # ", ." is left
    assert not shape("마리아는 출산 2주 만에", fonts, BOLD, "ltr").readable  # "2" is left
    assert shape("100% 🎉", fonts, BOLD, "ltr").readable and shape("Maria 마리아", fonts, BOLD, "ltr").readable


def test_a_keycap_emoji_leaves_its_digit_and_no_box(tmp_path):
    """1️⃣ is a digit, the emoji selector and a combining keycap frame (U+20E3) that no font of the theme has:
    the frame is left out with a warning, not drawn as a box beside the digit."""
    assert shape("Vote 1\ufe0f\u20e3 today", load_fonts(THEME), BOLD, "ltr").missing == "\u20e3"
    diags, keycaps = maria_card(tmp_path, "keycap", 'quote: "Call 1\ufe0f\u20e3 and #\u20e3 now"\nauthor: Maria\n')
    assert keycaps == maria_card(tmp_path, "plain", 'quote: "Call 1 and # now"\nauthor: Maria\n')[1]
    (warning,) = card_warnings(diags)
    assert "U+20E3" in warning.message and "emoji" in warning.hint


@pytest.mark.parametrize("text, lang", [
    ("ព្រះរាជាណាចក្រកម្ពុជាជាតិសាសនាព្រះមហាក្សត្រ" * 3, "km"),  # no spaces; coeng (U+17D2) stacks the next letter
    ("ကျွန်ုပ်တို့ရေသန့်ရရှိရန်တိုက်ပွဲဝင်နေကြသည်" * 3, "my"),  # the Myanmar stacker, U+1039, and marks
    ("เด็กทุกคนควรได้รับการศึกษาที่ดีและน้ำสะอาดโรงเรียนใกล้บ้าน" * 2, "th"),  # vowels written before the consonant
    ("สำหรับการทำงานจำนวนมากน้ำสำคัญกำลังคำนำ" * 3, "th"),  # ำ (sara am) ends the syllable it follows
    ("ຂ້ອຍຕ້ອງເລືອກລະຫວ່າງລູກກັບວຽກງານທຳມາຫາກິນນຳ້ຄຳ" * 3, "lo"),
    ("क्षत्रियक्षमताश्रमिकद्वारासंघर्षक्षेत्रप्रशिक्षण" * 2, "hi"),  # conjuncts joined by the virama
])
def test_a_word_too_long_for_a_line_is_cut_between_clusters(text, lang):
    fonts = load_fonts(THEME)
    shaped = shape(text, fonts, BOLD, "ltr")
    for width in range(180, 420, 7):
        lines = Typesetter(fonts, True).wrap(shaped, 34, lang, width, True)
        assert "".join(shaped.text[s:e] for s, e in lines) == shaped.text.replace(" ", "")
        for start, _ in lines[1:]:
            before, first = shaped.text[start - 1], shaped.text[start]
            assert unicodedata.category(first)[0] != "M", (width, shaped.text[start - 2:start + 2])
            assert before not in "\u17d2\u1039\u094d", (width, shaped.text[start - 2:start + 2])
            assert before not in "เแโใไເແໂໃໄ", (width, shaped.text[start - 2:start + 2])
            assert first not in "ะาำๅະາຳ", (width, shaped.text[start - 2:start + 2])
