"""A site's own theme: templates that extend the default theme's, and what they change."""
from __future__ import annotations

import pytest

from conftest import MINIMAL, SITE_YAML, build_files, errors_of, parse_html, run_build, text_of, write_project
from handbill import BuildFailed

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
