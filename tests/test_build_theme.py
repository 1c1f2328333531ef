"""A site's own theme: templates that extend the default theme's, and what they change."""
from __future__ import annotations

import jinja2
import markupsafe
import pytest
from markupsafe import Markup

from conftest import MINIMAL, REPO, SITE_YAML, build_files, errors_of, parse_html, run_build, story, text_of, write_project
from handbill import BuildFailed, theme
from handbill.theme import escape_output, escaped_in_python

STORY_OVERRIDE = """\
{% extends "default:story.html" %}
{% block head %}<meta name="theme-marker" content="mine-story">{% endblock %}
{% block main %}
<p id="mine-banner">From my theme: {{ story.title }}</p>
{{ super() }}
{% endblock %}
"""

THEMED = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "theme: mine\n",
    "themes/mine/templates/story.html": STORY_OVERRIDE,
}


@pytest.fixture(scope="module")
def themed(tmp_path_factory):
    return build_files(write_project(tmp_path_factory.mktemp("theme"), THEMED), strict=True)


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    return build_files(write_project(tmp_path_factory.mktemp("plain"), MINIMAL), strict=True)


def banner(tree):
    return [p for p in tree.iter("p") if p.get("id") == "mine-banner"]


def marker(tree):
    return [m.get("content") for m in tree.iter("meta") if m.get("name") == "theme-marker"]


def test_story_pages_use_the_override(themed):
    tree = parse_html(themed["c/stories/maria/index.html"])
    assert [text_of(p) for p in banner(tree)] == ["From my theme: Maria's well"]
    assert marker(tree) == ["mine-story"]


def test_the_override_keeps_the_default_story_with_super(themed):
    tree = parse_html(themed["c/stories/maria/index.html"])
    (h1,) = tree.iter("h1")
    assert text_of(h1) == "Maria's well"
    (main,) = tree.iter("main")
    children = [child for child in main]
    assert children[0].get("id") == "mine-banner"
    assert children[1].tag == "article" and "story" in children[1].get("class")
    assert [nav for nav in tree.iter("header")]  # the default base.html is still around it


@pytest.mark.parametrize("rel", ["index.html", "c/index.html", "c/stories/index.html", "c/thanks/index.html",
                                 "about/index.html", "404.html"])
def test_other_pages_are_unchanged(themed, plain, rel):
    tree = parse_html(themed[rel])
    assert banner(tree) == [] and marker(tree) == []
    assert themed[rel] == plain[rel]


def test_only_story_pages_differ(themed, plain):
    assert sorted(themed) == sorted(plain)
    assert sorted(rel for rel in themed if themed[rel] != plain[rel]) == ["c/stories/maria/index.html"]


def test_a_theme_base_can_extend_the_default_base(make_project):
    project = make_project({
        **MINIMAL,
        "content/site.yaml": SITE_YAML + "theme: mine\n",
        "themes/mine/templates/base.html": '{% extends "default:base.html" %}\n'
                                           '{% block head %}<meta name="theme-marker" content="mine-base">{% endblock %}\n',
        "themes/mine/templates/page.html": '{% extends "default:base.html" %}\n'
                                           '{% block main %}<h1 id="own">{{ entry.title }}</h1>'
                                           '<div class="own-body">{{ entry.body_html | safe }}</div>{% endblock %}\n',
    })
    files = build_files(project, strict=True)
    for rel in ("index.html", "c/index.html", "c/stories/maria/index.html", "404.html"):
        assert marker(parse_html(files[rel])) == ["mine-base"], rel
    about = parse_html(files["about/index.html"])
    assert marker(about) == []  # page.html extends default:base.html itself, not the theme's base.html
    (h1,) = about.iter("h1")
    assert (h1.get("id"), text_of(h1)) == ("own", "About us")
    assert [text_of(d) for d in about.iter("div") if d.get("class") == "own-body"] == ["Page text."]


def test_a_theme_static_file_replaces_the_default_one(make_project):
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "theme: mine\n",
                            "themes/mine/static/style.css": "body{color:red}\n"})
    files = build_files(project)
    assert files["static/style.css"] == b"body{color:red}\n"
    links = [link.get("href") for link in parse_html(files["index.html"]).iter("link") if link.get("rel") == "stylesheet"]
    assert any(href.startswith("/static/style.css?v=") for href in links)


def test_an_unknown_theme_is_an_error_naming_site_yaml(make_project):
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "theme: nosuch\n"})
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    (error,) = failed.value.diagnostics.errors
    assert error.path == "content/site.yaml"
    assert "nosuch" in error.message


def test_a_template_error_names_the_template_and_line_without_a_traceback(make_project):
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "theme: mine\n",
                            "themes/mine/templates/story.html": '{% extends "default:story.html" %}\n'
                                                                '{% block main %}\n{{ story.titel }}\n{% endblock %}\n'})
    code, _, stderr = run_build(project)
    assert code == 1
    assert "Traceback" not in stderr
    first = errors_of(stderr)[0].splitlines()[0]
    assert "story.html:3" in first and "titel" in first


def test_templates_compiled_ahead_are_the_ones_pages_use_and_a_broken_one_waits_for_its_page(tmp_path):
    """compile_templates runs while the Markdown workers work; a template that does not compile is left
    for the page that uses it to report, as it always is."""
    import jinja2

    from handbill.theme import compile_templates

    (tmp_path / "good.html").write_text("<p>{{ x }}</p>")
    (tmp_path / "broken.html").write_text("<p>{% if %}</p>")
    (tmp_path / "notes.txt").write_text("{% if %}")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), auto_reload=False)
    compile_templates(env)
    compiled = {key[1] for key in env.cache}
    assert compiled == {"good.html"}
    assert env.get_template("good.html") is env.get_template("good.html")
    with pytest.raises(jinja2.TemplateSyntaxError):
        env.get_template("broken.html")


# --- the output of templates: escaped as MarkupSafe escapes, without a Markup for each piece -------------------

class _HasHtml:
    def __html__(self) -> str:
        return "<em>already safe</em>"


WRITTEN_VALUES = ["", "plain", "Maria's \"well\" & <b>pump</b>", "".join(map(chr, range(128))),
                  "مرحبا & שלום <ok> 'quoted'", "👩🏽‍🍼 &amp; &#39; > <", "\ud800 lone", "a" * 5000 + "&",
                  42, 3.5, None, True, Markup("<b>safe</b>"), _HasHtml()]


@pytest.mark.parametrize("value", WRITTEN_VALUES, ids=range(len(WRITTEN_VALUES)))
def test_template_output_is_escaped_exactly_as_markupsafe_escapes(value):
    assert escape_output(value) == str(markupsafe.escape(value))
    if isinstance(value, str) and type(value) is str:
        assert escaped_in_python(value) == str(markupsafe.escape(value))  # the fallback without MarkupSafe's C


HOSTILE = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, ar]\ntheme: mine\n",
    "content/en/c/campaign.yaml": "title: \"Water & <b>bread</b> for 'all'\"\nsummary: \"Say \\\"yes\\\" <script>x</script>\"\n"
                                  "body: Sign it & share <it>.\n",
    "content/en/c/stories/maria.md": story("'\"Maria''s\" <well> & pump'", "Text & <b>bold</b> \"quoted\".",
                                           extra="author: O'Brien & <Sons>\nsummary: \"1 < 2 & 'yes'\"\n"),
    "content/ar/c/stories/maria.md": story("'بئر \"مريم\" & <مضخة>'", "نص."),
    "themes/mine/templates/story.html": '{% extends "default:story.html" %}\n'
                                        '{% macro shout(x) %}<b>{{ x }}</b>{% endmacro %}\n'
                                        '{% block main %}{% set said %}{{ story.title }} & more{% endset %}'
                                        '<p id="x">{{ said }} {{ shout(story.author) }} {{ said | upper }} '
                                        '{% filter upper %}{{ story.summary }}{% endfilter %} {{ 7 }} {{ none }}'
                                        '</p>{{ super() }}{% endblock %}\n',
}


def test_pages_are_the_bytes_plain_jinja_writes(make_project, monkeypatch):
    """Every page of a site full of quotes, ampersands and angle brackets, through macros, set blocks,
    filters and blocks, equals the page Jinja's own Template writes."""
    fast = build_files(make_project(HOSTILE), strict=False)
    monkeypatch.setattr(theme.OutputTemplate, "from_code", classmethod(jinja2.Template.from_code.__func__))
    plain_jinja = build_files(make_project(HOSTILE), strict=False)
    assert fast.keys() == plain_jinja.keys() and fast == plain_jinja
    said = text_of(next(p for p in parse_html(fast["c/stories/maria/index.html"]).iter("p") if p.get("id") == "x"))
    assert "\"Maria's\" <well> & pump & more" in said and "O'Brien & <Sons>" in said


def test_compiled_templates_write_through_escape_output(tmp_path):
    env = theme.Theme((theme.default_theme_dir(),)).environment()
    assert env.get_template("story.html").root_render_func.__globals__["escape"] is escape_output


class _Formats:
    def shout(self, text, times=1):
        return text.upper() * times


def _stops():
    raise StopIteration


CALLS = """\
{% macro m(x) %}[{{ x }}]{% endmacro %}
{{ plain('a') }} {{ plain('b', n=2) }} {{ formats.shout('c', times=2) }} {{ with_context('d') }}
{{ m('e') }} {{ range(3) | list }} {{ dict(k=1) }} {{ stops() is undefined }}
{% for i in range(2) %}{{ plain(i) }}{{ with_context(i) }}{% set j = i %}{{ formats.shout(j|string) }}{% endfor %}
{% block b %}{{ plain('in a block') }}{{ with_context('block') }}{% endblock %}
{% filter upper %}{{ plain('filtered') }}{% endfilter %}
"""


def test_the_page_context_calls_functions_exactly_as_jinja_does():
    """PageContext's shorter way to call plain functions and methods gives what Jinja's own call gives,
    in loops, blocks and filters, beside pass_context functions, macros, builtins and a StopIteration."""
    @jinja2.pass_context
    def with_context(context, value):
        return f"{value}:{context.get('marker')}"

    values = {"plain": lambda x, n=1: f"<{x}>" * n, "formats": _Formats(), "with_context": with_context,
              "stops": _stops, "marker": "here"}
    ours = theme.Theme((theme.default_theme_dir(),)).environment()
    jinjas = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                lstrip_blocks=True, keep_trailing_newline=True)
    assert ours.context_class is theme.PageContext
    written = ours.from_string(CALLS).render(values)
    assert written == jinjas.from_string(CALLS).render(values)
    assert "&lt;a&gt; &lt;b&gt;&lt;b&gt; CC d:here" in written and "in a block" in written


def test_a_misspelt_theme_is_reported_at_its_line_with_the_nearest_name(make_project):
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "theme: defualt\n",
                            "themes/campaign-2026/templates/story.html": '{% extends "default:story.html" %}\n'})
    code, _, stderr = run_build(project)
    assert code == 1
    assert errors_of(stderr)[0] == (
        "content/site.yaml:6:8: the theme `defualt` was not found\n"
        "  hint: did you mean `default`? create themes/defualt/ beside the content folder, or write theme: default")


@pytest.mark.parametrize("primary", ["#2a7ab0", "#f4b400", "#b3123b", "#ffffff", "#777", "#000000", "#00ff00"])
def test_campaign_colours_are_readable_where_the_theme_uses_them(make_project, primary):
    """Links in the campaign's colour are readable (4.5:1) on white and on the soft panels of the header,
    the petition and the footer; the progress bar's fill stands out from its white track (3:1)."""
    import re
    from handbill.pages import SOFT_GROUND, contrast
    project = make_project({**MINIMAL, "content/en/c/campaign.yaml": f'title: Water\ncolors: {{primary: "{primary}"}}\n'})
    css = build_files(project)["static/campaigns.css"].decode()
    values = dict(re.findall(r"--([a-z-]+):(#[0-9a-f]{3,6})", css))
    assert contrast(values["link"], "#ffffff") >= 4.5 and contrast(values["link"], SOFT_GROUND) >= 4.5
    assert contrast(values["bar"], "#ffffff") >= 3
    assert contrast(values["on-primary"], values["primary"]) >= max(contrast("#ffffff", values["primary"]),
                                                                     contrast("#000000", values["primary"])) - 1e-9
    style = (REPO / "themes/default/static/style.css").read_text()
    assert re.search(r"--soft:\s*" + SOFT_GROUND, style)  # the panels' colour the links are checked on


def test_the_campaign_link_is_the_current_page_only_on_the_campaign_page(make_project):
    files = build_files(make_project(MINIMAL))

    def current(rel):
        nav = [a for a in parse_html(files[rel]).iter("a") if a.get("href") == "/c/"]
        return {a.get("aria-current") for a in nav if a.get("aria-current")}

    assert current("c/index.html") == {"page"}
    assert current("c/stories/maria/index.html") == {"true"}  # in the campaign, not the campaign page itself


def test_the_first_photo_of_a_list_loads_at_once_the_others_when_near(make_project):
    from conftest import jpeg_bytes
    photo = "image: p.jpg\nimage_alt: A photo\n"
    project = make_project({
        **MINIMAL,
        "content/en/c/campaign.yaml": "title: Water\n" + photo, "content/en/c/p.jpg": jpeg_bytes(),
        "content/en/d/campaign.yaml": "title: Air\n" + photo, "content/en/d/p.jpg": jpeg_bytes(),
        "content/en/c/stories/maria.md": story("Maria", date="2026-05-02", extra=photo), "content/en/c/stories/p.jpg": jpeg_bytes(),
        "content/en/c/stories/bob.md": story("Bob", date="2026-05-01", extra=photo),
    })
    files = build_files(project)
    for rel in ("index.html", "c/stories/index.html"):
        loading = [img.get("loading") for img in parse_html(files[rel]).find(".//main").iter("img")]
        assert loading == [None, "lazy"], rel
