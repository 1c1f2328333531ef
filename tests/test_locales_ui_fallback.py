"""UI strings shown in another language than the page's carry their own language (WCAG 3.1.2)."""
from __future__ import annotations

import jinja2
import pytest
import yaml

from conftest import MINIMAL, SITE_YAML, build_files, lang_of, parse_html, text_of
from handbill.fingerprint import Fingerprints
from handbill.foreign import ForeignText, MarkForeignText
from handbill.strings import load_catalog
from handbill.theme import default_theme_dir

ENGLISH = ForeignText("Sign & share", "en", "ltr")


def rendered(source: str, value: object = ENGLISH) -> str:
    env = jinja2.Environment(autoescape=True, extensions=[MarkForeignText])
    return env.from_string(source).render(x=value)


@pytest.mark.parametrize("source, expected", [
    ("<p>{{ x }}</p>", '<p><span lang="en" dir="ltr">Sign &amp; share</span></p>'),
    ('<a title="{{ x }}">go</a>', '<a title="Sign &amp; share">go</a>'),
    ("<a title='{{ x }}' data-x=\"'\">{{ x }}</a>",
     "<a title='Sign &amp; share' data-x=\"'\"><span lang=\"en\" dir=\"ltr\">Sign &amp; share</span></a>"),
    ('<a href="/"{% if x %} aria-label="{{ x }}"{% endif %}>{{ x }}</a>',
     '<a href="/" aria-label="Sign &amp; share"><span lang="en" dir="ltr">Sign &amp; share</span></a>'),
    ("<title>{{ x }} · site</title><p>{{ x }}</p>",
     '<title>Sign &amp; share · site</title><p><span lang="en" dir="ltr">Sign &amp; share</span></p>'),
    ('<select><option value="">{{ x }}</option></select>', '<select><option value="">Sign &amp; share</option></select>'),
    ("<textarea>{{ x }}</textarea><script>var a = 1 > 0;</script>{{ x }}",
     '<textarea>Sign &amp; share</textarea><script>var a = 1 > 0;</script><span lang="en" dir="ltr">Sign &amp; share</span>'),
    ("<!-- <a title=' -->{{ x }}", '<!-- <a title=\' --><span lang="en" dir="ltr">Sign &amp; share</span>'),
    ("<p>{{ x | upper }}</p>", "<p>SIGN &amp; SHARE</p>"),  # changed by a filter: a plain string again
    ('<{{ "h2" }} title="{{ x }}">{{ x }}</{{ "h2" }}>',  # a tag named by an expression
     '<h2 title="Sign &amp; share"><span lang="en" dir="ltr">Sign &amp; share</span></h2>'),
])
def test_a_foreign_string_is_marked_where_it_stands_in_text_and_nowhere_else(source, expected):
    assert rendered(source) == expected


def test_a_plain_string_and_markup_are_written_as_ever():
    assert rendered("<p>{{ x }}</p>", "a < b") == "<p>a &lt; b</p>"
    assert rendered("<p>{{ x }}</p>", jinja2.utils.markupsafe.Markup("<b>b</b>")) == "<p><b>b</b></p>"


def test_a_foreign_string_is_a_plain_string_everywhere_else():
    assert ENGLISH == "Sign & share" and f"{ENGLISH}!" == "Sign & share!" and type(ENGLISH.upper()) is str
    import json
    import pickle
    assert json.dumps(ENGLISH) == '"Sign & share"'
    again = pickle.loads(pickle.dumps(ENGLISH))
    assert (again, again.lang, again.dir) == (ENGLISH, "en", "ltr")


def test_a_foreign_string_has_its_own_fingerprint():
    prints = Fingerprints()
    assert prints.of(ENGLISH) != prints.of("Sign & share") != prints.of(ForeignText("Sign & share", "de", "ltr"))
    assert prints.of([ENGLISH]) == prints.of([ForeignText("Sign & share", "en", "ltr")])


def test_the_translator_marks_only_the_strings_of_another_language(tmp_path):
    from handbill import Diagnostics
    content = tmp_path / "content"
    (content / "so").mkdir(parents=True)
    (content / "so" / "strings.yaml").write_text("sign_button: Saxiix\n", encoding="utf-8")
    catalog = load_catalog([default_theme_dir()], content, ["en", "so", "sv", "en-GB"], "en", Diagnostics())
    somali, swedish, british = (catalog.translator(code) for code in ("so", "sv", "en-GB"))
    assert type(somali("sign_button")) is str and somali("sign_button") == "Saxiix"
    heading = somali("sign_heading")
    assert (type(heading), heading.lang, heading.dir) == (ForeignText, "en", "ltr")
    assert type(swedish("sign_heading")) is str and type(british("sign_heading")) is str


@pytest.mark.parametrize("locale, direction", [("so", "ltr"), ("he", "rtl")])
def test_every_ui_string_a_language_lacks_is_marked_english_on_its_pages(make_project, locale, direction):
    """Somali and Hebrew, which the theme has no strings for: every English UI text on their pages says it
    is English (and left to right, inside a right-to-left Hebrew page); a Somali string a translator wrote
    is not marked; the Swedish pages, all translated, have nothing to mark."""
    files = {**MINIMAL, "content/site.yaml": SITE_YAML + f"locales: [en, sv, {locale}]\n",
             f"content/{locale}/strings.yaml": "sign_cta: Saxiix codsiga\n" if locale == "so" else "",
             "content/en/c/campaign.yaml": MINIMAL["content/en/c/campaign.yaml"]
             + "petition:\n  endpoint: https://example.org/sign\n  fields: [first_name, email]\n"}
    built = build_files(make_project(files))
    table = yaml.safe_load((default_theme_dir() / "i18n" / "en.yaml").read_text(encoding="utf-8"))
    english = {text for text in table.values() if isinstance(text, str) and "{" not in text}
    marked = 0
    for rel in (f"{locale}/index.html", f"{locale}/c/index.html", f"{locale}/c/stories/maria/index.html"):
        tree = parse_html(built[rel])
        assert tree.get("lang") == locale and tree.get("dir") == direction
        body = tree.find("body")
        for element in body.iter():
            if element.tag in ("option", "script", "style", "textarea"):
                continue
            own_text = (element.text or "").strip()
            if own_text in english and own_text != "Saxiix codsiga":
                assert (lang_of(tree, element), element.get("dir")) == ("en", "ltr"), (rel, own_text)
                marked += 1
        assert all("<span" not in value for element in body.iter() for value in element.attrib.values())
    assert marked >= 20
    campaign = parse_html(built[f"{locale}/c/index.html"])
    filled_later = [p for p in campaign.iter("p") if p.get("class") in ("field-error", "form-status")]
    assert len(filled_later) >= 3 and {(p.get("lang"), p.get("dir")) for p in filled_later} == {("en", "ltr")}
    sv = parse_html(built["sv/c/index.html"])
    english_names = {"Test Site", "Maria's well"}  # site.yaml's title and the untranslated story's are English
    assert not [span for span in sv.iter("span") if span.get("lang") and text_of(span) not in english_names]
    assert not [p for p in sv.iter("p") if p.get("class") == "field-error" and p.get("lang")]
    if locale == "so":
        assert 'lang="en" dir="ltr">Saxiix' not in built["so/index.html"].decode()
        assert "Saxiix codsiga" in text_of(parse_html(built["so/index.html"]).find("body"))


def test_a_title_of_another_language_put_into_a_ui_string_is_marked_inside_it(tmp_path):
    """WCAG 3.1.2 inside a sentence: "Läs en berättelse: <English title>" says where the English starts and
    ends; a title in the string's own language, or in a string of another language, is marked only as needed."""
    from handbill import Diagnostics
    from handbill.foreign import MixedText, in_text
    catalog = load_catalog([default_theme_dir()], tmp_path / "content", ["en", "sv", "so"], "en", Diagnostics())
    swedish, somali = catalog.translator("sv"), catalog.translator("so")
    english_title = ForeignText("Maria's <well>", "en", "ltr")
    shown = swedish("next_story", title=english_title)
    assert type(shown) is MixedText and shown == "Läs en berättelse: Maria's <well>"
    assert in_text(shown) == 'Läs en berättelse: <span lang="en" dir="ltr">Maria&#39;s &lt;well&gt;</span>'
    assert type(swedish("next_story", title=ForeignText("Marias brunn", "sv", "ltr"))) is str  # its own language
    arabic = swedish("next_story", title=ForeignText("بئر ماريا", "ar", "rtl"))
    assert in_text(arabic) == 'Läs en berättelse: <span lang="ar" dir="rtl">بئر ماريا</span>'
    english_in_somali = somali("next_story", title=english_title)  # the theme has no Somali: all of it English
    assert (type(english_in_somali), english_in_somali.lang) == (ForeignText, "en")
    somali_title = somali("next_story", title=ForeignText("Ceelka Maryan", "so", "ltr"))
    assert in_text(somali_title) == ('<span lang="en" dir="ltr">Read a story: '
                                     '<span lang="so" dir="ltr">Ceelka Maryan</span></span>')
    assert rendered('<a title="{{ x }}">{{ x }}</a>', shown) == (
        '<a title="Läs en berättelse: Maria&#39;s &lt;well&gt;">Läs en berättelse: '
        '<span lang="en" dir="ltr">Maria&#39;s &lt;well&gt;</span></a>')


def test_the_next_story_and_the_site_title_say_their_language_inside_a_translated_sentence(make_project):
    """A Swedish thank-you step points to a story not translated yet; the Swedish story form's privacy note
    names the site, whose title is English: both are marked English inside the Swedish text."""
    files = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
             "content/en/c/campaign.yaml": MINIMAL["content/en/c/campaign.yaml"]
             + "stories:\n  submit: {endpoint: https://example.org/stories}\n"}
    built = build_files(make_project(files))
    thanks = parse_html(built["sv/c/thanks/index.html"])
    (step,) = [p for p in thanks.iter("p") if p.get("class") == "next-step"]
    (title,) = step.iter("span")
    assert text_of(step).startswith("Läs en berättelse: ") and lang_of(thanks, step) == "sv"
    assert (title.get("lang"), title.get("dir"), text_of(title)) == ("en", "ltr", "Maria's well")
    english = parse_html(built["c/thanks/index.html"])
    assert not [span for p in english.iter("p") if p.get("class") == "next-step" for span in p.iter("span")]
    form = parse_html(built["sv/c/share-your-story/index.html"])
    notes = [p for p in form.iter("p") if any(text_of(s) == "Test Site" for s in p.iter("span"))]
    assert notes and all(s.get("lang") == "en" for p in notes for s in p.iter("span") if text_of(s) == "Test Site")
