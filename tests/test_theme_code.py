"""The default theme ships its templates already turned into Python (theme_code.py): the file is up to date,
it is used for exactly the templates it was made from, and a build gives the same bytes with it as without."""
from __future__ import annotations

import json
import shutil

import jinja2
import pytest

from conftest import MINIMAL, SITE_YAML, build_files, write_project
from handbill.theme import Theme, default_theme_dir
from handbill.theme_code import CODE_FILE, ShippedCode, shipped_data


def parsed_names(monkeypatch, environment: jinja2.Environment) -> list[str]:
    """The names of the templates ``environment`` has Jinja parse from source from now on."""
    names: list[str] = []
    real = environment._parse
    monkeypatch.setattr(environment, "_parse", lambda source, name, filename: names.append(name) or real(source, name, filename))
    return names


def test_the_shipped_code_is_what_jinja_makes_of_the_default_theme_now():
    shipped = json.loads((default_theme_dir() / CODE_FILE).read_text(encoding="utf-8"))
    assert shipped == shipped_data(Theme((default_theme_dir(),)).environment()), \
        "a default template changed: run python -m handbill.theme_code"


def test_the_default_templates_are_loaded_from_the_shipped_code_without_parsing_them(monkeypatch):
    environment = Theme((default_theme_dir(),)).environment()
    parsed = parsed_names(monkeypatch, environment)
    for name in ("story.html", "campaign.html", "petition.html", "base.html"):
        environment.get_template(name)
    assert parsed == []


def copied_default_theme(tmp_path):
    folder = tmp_path / "default-copy"
    shutil.copytree(default_theme_dir(), folder)
    return folder


def test_a_template_that_differs_from_the_shipped_one_is_compiled_from_its_own_source(tmp_path, monkeypatch):
    folder = copied_default_theme(tmp_path)  # compiled.json comes along
    page = folder / "templates" / "404.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}<p>changed</p>"),
                    encoding="utf-8")
    environment = Theme((folder,)).environment()
    parsed = parsed_names(monkeypatch, environment)
    template = environment.get_template("404.html")
    main = "".join(template.blocks["main"](template.new_context({"t": str.upper, "home_href": "/"})))
    assert parsed == ["404.html"] and main.startswith("<p>changed</p>")


def test_a_site_themes_own_template_is_compiled_from_its_source_and_the_default_it_extends_is_not(tmp_path, monkeypatch):
    mine = tmp_path / "mine"
    (mine / "templates").mkdir(parents=True)
    (mine / "templates" / "page.html").write_text("{% extends 'default:page.html' %}", encoding="utf-8")
    environment = Theme((mine, default_theme_dir())).environment()
    parsed = parsed_names(monkeypatch, environment)
    environment.get_template("page.html")
    environment.get_template("default:page.html")
    assert parsed == ["page.html"]  # the default theme's page.html, under its prefix, is the shipped one


@pytest.mark.parametrize("spoil", ["another Jinja", "broken file", "no file"])
def test_code_made_by_another_jinja_or_unreadable_is_not_used(tmp_path, monkeypatch, spoil):
    folder = copied_default_theme(tmp_path)
    code_file = folder / CODE_FILE
    if spoil == "another Jinja":
        data = json.loads(code_file.read_text(encoding="utf-8"))
        data["made_for"][0] = "0.0.1"
        code_file.write_text(json.dumps(data), encoding="utf-8")
    elif spoil == "broken file":
        code_file.write_text('{"made_for": [', encoding="utf-8")
    else:
        code_file.unlink()
    environment = Theme((folder,)).environment()
    parsed = parsed_names(monkeypatch, environment)
    environment.get_template("story.html")
    assert "story.html" in parsed


def test_a_build_gives_the_same_bytes_with_the_shipped_code_as_without(tmp_path, monkeypatch):
    files = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n"}
    with_code = build_files(write_project(tmp_path / "with", files), workers=1)
    monkeypatch.setattr(ShippedCode, "load_bytecode", lambda self, bucket: None)
    without = build_files(write_project(tmp_path / "without", files), workers=1)
    assert with_code == without and any(path.endswith(".html") for path in with_code)



def test_a_whole_build_with_the_default_theme_parses_no_template(tmp_path, monkeypatch):
    parsed: list[str] = []
    real = jinja2.Environment._parse
    monkeypatch.setattr(jinja2.Environment, "_parse",
                        lambda self, source, name, filename: parsed.append(name) or real(self, source, name, filename))
    files = build_files(write_project(tmp_path / "project", MINIMAL), workers=1)
    assert parsed == [] and "c/stories/maria/index.html" in files
