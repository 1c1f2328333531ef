"""YAML and front matter written by hand: every trap is an error at file:line:col with a fix, all in one
run, never a traceback and never a hang. (Type traps that must keep their text: test_build_yaml.py.)"""
from __future__ import annotations

import pytest

from conftest import MINIMAL, build_files, parse_html, run_build, text_of, write_project
from hardening_helpers import assert_located_with_hint, block_for, problems

from handbill.diagnostics import BuildFailed

S = "content/en/c/stories/"
BROKEN_STORIES = {
    "alias.md": "---\ntitle: &t Hello\nsummary: *t\ndate: 2026-05-01\n---\nx\n",
    "laughs.md": "---\nlol: &a [x, x, x, x, x, x, x, x, x]\nlol2: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                 "lol3: [*b, *b, *b, *b, *b, *b, *b, *b]\ntitle: Laughs\ndate: 2026-05-01\n---\nx\n",
    "deep.md": "---\ntitle: " + "[" * 5000 + "x" + "]" * 5000 + "\ndate: 2026-05-01\n---\nx\n",
    "python-tag.md": "---\ntitle: !!python/object/apply:os.system ['touch pwned']\ndate: 2026-05-01\n---\nx\n",
    "binary-tag.md": "---\ntitle: Hi\ndate: 2026-05-01\nimage: !!binary aGVsbG8=\n---\nx\n",
    "bad-date.md": "---\ntitle: Hi\ndate: 2026-13-45\n---\nx\n",
    "bad-bool.md": "---\ntitle: Hi\ndate: 2026-05-01\ndraft: maybe\n---\nx\n",
    "dup.md": "---\ntitle: A\ndate: 2026-05-01\ntitle: B\n---\nx\n",
    "tabs.md": "---\ntitle: A\ndate: 2026-05-01\ntags:\n\t- a\n---\nx\n",
    "open-quote.md": "---\ntitle: \"Hello\ndate: 2026-05-01\n---\nx\n",
    "open-list.md": "---\ntitle: Hi\ndate: 2026-05-01\ntags: [a, b\n---\nx\n",
    "never-closed.md": "---\ntitle: A\ndate: 2026-05-01\nThe story starts here.\n",
    "no-front-matter.md": "Just a story, pasted in.\n",
    "list-front-matter.md": "---\n- title: A\n- date: 2026-05-01\n---\nx\n",
    "sentence-front-matter.md": "---\njust a sentence\n---\nx\n",
    "empty.md": "",
    "empty-front-matter.md": "---\n---\nA story without title or date.\n",
    "list-key.md": "---\ntitle: Hi\ndate: 2026-05-01\n? [x]\n: y\n---\nx\n",
}

EXPECTED = {  # file -> the first line of each of its problems
    "alias.md": ['2:8: "&t" is a YAML anchor, and handbill does not support YAML anchors'],
    "laughs.md": ['2:6: "&a" is a YAML anchor, and handbill does not support YAML anchors'],
    "deep.md": ["2:39: the values here are nested more than 32 levels deep"],
    "python-tag.md": ['2:8: "!!python/object/apply:os.system" is a YAML tag, and handbill does not read tags'],
    "binary-tag.md": ['4:8: "!!binary" is a YAML tag, and handbill does not read tags'],
    "bad-date.md": ["3:7: date is not a real date: '2026-13-45'"],
    "bad-bool.md": ["4:8: draft must be true or false, got 'maybe'"],
    "dup.md": ["4:1: title appears twice (lines 2 and 4)"],
    "tabs.md": ["5:1: a tab is used for indentation"],
    "open-quote.md": ["2:8: this quote is never closed"],
    "open-list.md": ["4:7: this list in [ ] is never closed, or an item in it needs quotes"],
    "never-closed.md": ["1:1: the front matter that starts here with --- is never closed"],
    "no-front-matter.md": ["1:1: this story has no front matter"],
    "list-front-matter.md": ["2:1: the front matter must be `key: value` lines, but this is a list"],
    "sentence-front-matter.md": ["2:1: the front matter must be `key: value` lines, but this is a single text"],
    "empty.md": ["1:1: this story has no front matter"],
    "empty-front-matter.md": ["2:1: date is missing", "2:1: title is missing"],
    "list-key.md": ["4:3: a key must be plain text, not a list or a mapping"],
}

WORLD = {
    **MINIMAL,
    **{S + name: text for name, text in BROKEN_STORIES.items()},
    "content/en/list/campaign.yaml": "- a list\n- not a mapping\n",
    "content/en/empty/campaign.yaml": "",
    "content/en/traps/campaign.yaml": "title: Traps\npetition:\n  goal: 250k\n  count: 1,000\n"
                                      "  endpoint: http://forms.example.org/sign\ndonate_url: javascript:alert(1)\n",
    "content/en/strings.yaml": "sign_button: [oops\n",
    # `---` lines inside a body are horizontal rules, not front matter
    S + "rules.md": "---\ntitle: Rules\ndate: 2026-05-01\n---\nAbove.\n\n---\n\nBelow.\n\n---\n...\n",
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    project = write_project(tmp_path_factory.mktemp("yaml-traps"), WORLD)
    code, _, stderr = run_build(project, timeout=60)  # a hang (billion laughs, deep nesting) fails here
    return project, code, problems(stderr)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_trap_in_a_story_is_one_located_error_with_a_fix(broken, name):
    _, code, blocks = broken
    assert code == 1
    found = block_for(blocks, S + name)
    assert [block.splitlines()[0] for block in found] == [f"{S}{name}:{line}" for line in EXPECTED[name]]
    for block in found:
        assert_located_with_hint(block)


def test_campaign_and_strings_files_are_checked_in_the_same_run(broken):
    _, _, blocks = broken
    firsts = [block.splitlines()[0] for block in blocks if not block.startswith(S)]
    assert firsts == [
        "content/en/empty/campaign.yaml:1:1: title is missing",
        "content/en/list/campaign.yaml:1:1: this file must be a list of `key: value` lines, not a list",
        "content/en/strings.yaml:1:14: this list in [ ] is never closed, or an item in it needs quotes",
        "content/en/traps/campaign.yaml:3:9: petition.goal must be a whole number, got '250k'",
        "content/en/traps/campaign.yaml:4:10: petition.count must be a whole number, got '1,000'",
        "content/en/traps/campaign.yaml:5:13: petition.endpoint must be a full https:// address, "
        "got 'http://forms.example.org/sign'",
        "content/en/traps/campaign.yaml:6:13: donate_url must be a full https:// address, got 'javascript:alert(1)'",
    ]
    for block in blocks:
        assert_located_with_hint(block)


def test_every_problem_is_reported_at_once_sorted_by_file_then_line(broken):
    _, _, blocks = broken
    keys = []
    for block in blocks:
        path, line, *_ = block.split(":")
        keys.append((path, int(line)))
    assert keys == sorted(keys)
    assert len({path for path, _ in keys}) == len(EXPECTED) + 4
    assert not any(block.startswith(S + "rules.md") for block in blocks)


def test_nothing_from_a_python_tag_ran(broken):
    project, _, _ = broken
    assert not list(project.rglob("pwned"))


def test_dashes_inside_a_body_are_rules_and_the_text_around_them_stays(make_project):
    project = make_project({**MINIMAL, S + "rules.md": WORLD[S + "rules.md"]})
    prose = next(div for div in parse_html(build_files(project)["c/stories/rules/index.html"]).iter("div")
                 if div.get("class") == "prose")
    assert [child.tag for child in prose] == ["p", "hr", "p", "hr", "p"]
    assert text_of(prose) == "Above. Below. …"


@pytest.mark.parametrize("site_yaml, expected", [
    ("", "content/site.yaml:1:1: title is missing"),
    ("- title: A list\n", "content/site.yaml:1:1: this file must be a list of `key: value` lines, not a list"),
    ("title: &x A\nbase_url: *x\n", 'content/site.yaml:1:8: "&x" is a YAML anchor'),
    ("title: Site\nbase_url: https://[example.org/\n", "content/site.yaml:2:11: base_url is not a web address"),
])
def test_a_broken_site_yaml_is_located_too(make_project, site_yaml, expected):
    project = make_project({**MINIMAL, "content/site.yaml": site_yaml})
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    blocks = problems(failed.value.diagnostics.report())
    assert any(block.startswith(expected) for block in blocks), blocks
    for block in blocks:
        assert_located_with_hint(block)
