"""`check`: exit codes for CI, and the internal-link check over the rendered pages, without touching site/."""
from __future__ import annotations

import pytest

from conftest import MINIMAL, SITE_YAML, errors_of, page, run_build, snapshot, story
from handbill import Diagnostics
from handbill.linkcheck import check_links, target_of


def test_a_good_site_checks_with_exit_code_0_and_no_site_folder(make_project):
    project = make_project(MINIMAL)
    code, out, err = run_build(project, command="check")
    assert code == 0, err
    assert "internal links: 0 errors, 0 warnings" in out
    assert not (project / "site").exists()


def test_errors_give_exit_code_1(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/maria.md": "---\ntitle: Maria\ndate: soon\n---\nText\n"})
    code, _, err = run_build(project, command="check")
    assert code == 1
    assert errors_of(err)[0].startswith("content/en/c/stories/maria.md:3:7:")


def test_warnings_fail_only_with_strict(make_project):
    project = make_project({**MINIMAL, "content/en/pages/about.md": "---\ntitle: About\ntitel: typo\n---\nText\n"})
    code, _, err = run_build(project, command="check")
    assert code == 0 and "warning:" in err
    code, _, err = run_build(project, "--strict", command="check")
    assert code == 1 and "warning:" in err


def test_a_broken_internal_link_fails_check_and_leaves_site_as_it_was(make_project):
    project = make_project(MINIMAL)
    assert run_build(project)[0] == 0
    before = snapshot(project / "site")
    (project / "content/en/c/stories/maria.md").write_text(
        story("Maria's well", 'See <a href="/c/stories/nobody/">Nobody</a> and [about](/about/) '
                              'and <a href="../../../about/#nowhere">a part</a>.'), encoding="utf-8")
    code, out, err = run_build(project, command="check")
    assert code == 1
    problems = errors_of(err)
    broken = [p for p in problems if "/c/stories/nobody/" in p]
    # at the story's line once `check` tells the link check the content folder (see test_linkcheck_sources.py)
    assert len(broken) == 1 and broken[0].split(":")[0] == "content/en/c/stories/maria.md"  # where it was written
    assert "is not part of the site" in broken[0] and "hint:" in broken[0]
    assert any("warning:" in p and "/about/#nowhere" in p for p in problems)
    assert not any("/about/ goes" in p for p in problems)  # the good link is fine
    assert snapshot(project / "site") == before


def test_the_link_check_runs_under_a_sub_path_base_url(make_project):
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML.replace("https://example.org/", "https://org.github.io/repo/")
                            + "locales: [en, sv]\n", "content/sv/pages/about.md": page("Om oss")})
    code, out, err = run_build(project, command="check")
    assert code == 0, err
    checked = int(out.rsplit(" internal links", 1)[0].rsplit(" ", 1)[1])
    assert checked > 50  # canonical, hreflang, navigation, styles...


@pytest.mark.parametrize("url, expected", [
    ("/c/", ("c/index.html", "")),
    ("stories/", ("c/stories/index.html", "")),
    ("../feed.xml#x", ("feed.xml", "x")),
    ("https://example.org/sv/", ("sv/index.html", "")),
    ("https://other.example/", None),
    ("mailto:a@example.org", None),
    ("/c/%C3%A5sa/", ("c/åsa/index.html", "")),
])
def test_target_of_resolves_links_against_the_page(url, expected):
    assert target_of(url, "https://example.org/c/", "https://example.org/") == expected


def test_target_of_leaves_the_rest_of_the_host_alone_under_a_sub_path():
    assert target_of("/other-app/", "https://org.github.io/repo/", "https://org.github.io/repo/") is None
    assert target_of("/repo", "https://org.github.io/repo/x/", "https://org.github.io/repo/") == ("index.html", "")


def test_check_links_reports_each_broken_link_once_with_how_many_pages_carry_it():
    nav = b'<a href="/missing/">x</a>'
    files = {
        "index.html": b'<html><head><link rel="canonical" href="https://example.org/"></head><body>' + nav + b"</body>",
        "a/index.html": b'<body id="top">' + nav + b'<img srcset="/img/a.jpg 1x, /img/gone.jpg 2x"><a href="#top">t</a>'
                        b'<a href="https://example.org/donate">external by choice</a></body>',
        "img/a.jpg": b"jpeg",
    }
    diags = Diagnostics()
    checked = check_links(files, "https://example.org/", diags)
    assert checked == 6  # canonical, twice /missing/, both srcset candidates, #top
    messages = [d.message for d in diags.errors]
    assert messages == ["the link to /img/gone.jpg goes to a page or file that is not part of the site",
                        "the link to /missing/ goes to a page or file that is not part of the site "
                        "(on 2 pages; the first is shown)"]
    assert not diags.warnings
