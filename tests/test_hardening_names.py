"""Names and collisions: a name that cannot be a URL gets its fixed name suggested; two sources for one URL,
names the site needs, language codes, names that clash only by letter case or Unicode form, and Windows
device names are refused (checked on every operating system, so a Linux CI catches a macOS clash)."""
from __future__ import annotations

import unicodedata

import pytest

from conftest import MINIMAL, SITE_YAML, jpeg_bytes, page, run_build, story, write_project
from hardening_helpers import assert_located_with_hint, problems

CAMPAIGN = "title: A campaign\n"
NFC, NFD = unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café")

WORLD = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
    "content/sv/c/stories/maria.md": story("Marias brunn"),
    # not slugs
    "content/en/c/stories/Maria's Story.md": story("M"),
    "content/en/Água Limpa/campaign.yaml": CAMPAIGN,
    "content/en/pages/my_page.md": page("P"),
    "content/en/feed.xml/campaign.yaml": CAMPAIGN,
    # one URL, two sources
    "content/en/about/campaign.yaml": CAMPAIGN,
    # clashes by case and by Unicode form
    "content/en/c/stories/bob.md": story("Bob"),
    "content/en/c/stories/Bob.md": story("Bob again"),
    f"content/en/c/stories/{NFC}.md": story("Composed"),
    f"content/en/c/stories/{NFD}.md": story("Decomposed"),
    "content/en/river/campaign.yaml": CAMPAIGN,
    "content/en/River/campaign.yaml": CAMPAIGN,
    "content/media/Logo.png": b"one",
    "content/media/logo.png": b"two",
    # names the site or a language needs
    "content/en/sv/campaign.yaml": CAMPAIGN,
    "content/en/de/campaign.yaml": CAMPAIGN,
    "content/en/media/campaign.yaml": CAMPAIGN,
    "content/en/404/campaign.yaml": CAMPAIGN,
    "content/en/static/campaign.yaml": CAMPAIGN,
    "content/en/pages/feed.md": page("Feed"),
    "content/en/pages/sitemap.md": page("Sitemap"),
    "content/en/pages/sv.md": page("Svenska"),
    # Windows devices, in every kind of name
    "content/en/con/campaign.yaml": CAMPAIGN,
    "content/en/c/stories/aux.md": story("Aux"),
    "content/en/pages/nul.md": page("Nul"),
    "content/en/c/COM1.jpg": jpeg_bytes(),
    "content/en/c/prn/photo.jpg": jpeg_bytes(),
    "content/media/lpt1.pdf": b"%PDF-1.4",
    # names in other scripts: transliterated as `new story` does, else a code of their own
    "content/en/c/stories/Straße.md": story("Straße"),
    "content/en/c/stories/марія.md": story("Марія"),
    "content/en/c/stories/قصة-مريم.md": story("قصة مريم"),
    "content/en/c/stories/中文故事.md": story("中文故事"),
}

S = "content/en/c/stories/"
EXPECTED = [
    ("content/en/404", "the campaign name `404` cannot be used: it is a name the site needs for itself"),
    ("content/en/River/campaign.yaml", "this name differs from `river/campaign.yaml` only by capital letters"),
    ("content/en/c/COM1.jpg", "the name `COM1.jpg` is reserved by Windows, so this file cannot be used there",
     "rename it, for example to `COM1-1.jpg`"),
    ("content/en/c/prn/photo.jpg", "the name `prn` is reserved by Windows"),
    (S + "Bob.md", "this name differs from `c/stories/bob.md` only by capital letters or accents"),  # bob.md is read
    (S + "Maria's Story.md", "the story file name `Maria's Story` cannot be used in a web address",
     "rename it to `marias-story`"),
    (S + "aux.md", "the story file name `aux` is reserved by Windows and cannot be used"),
    (S + f"{NFC}.md", f"the story file name `{NFC}` cannot be used in a web address", "rename it to `cafe`"),
    (S + f"{NFD}.md", f"this is the name `c/stories/{NFC}.md` again, with its accents encoded another way"),
    ("content/en/con", "the campaign folder name `con` is reserved by Windows and cannot be used"),
    ("content/en/de", "the campaign name `de` cannot be used: it is a language code"),
    ("content/en/feed.xml", "the campaign folder name `feed.xml` cannot be used in a web address"),
    ("content/en/media", "the campaign name `media` cannot be used: it is a name the site needs for itself"),
    ("content/en/pages/about.md", "this page and the campaign content/en/about/campaign.yaml would both be at /about/"),
    ("content/en/pages/feed.md", "the page name `feed` cannot be used: it is a name the site needs for itself"),
    ("content/en/pages/my_page.md", "the page file name `my_page` cannot be used in a web address",
     "rename it to `my-page`"),
    ("content/en/pages/nul.md", "the page file name `nul` is reserved by Windows and cannot be used"),
    ("content/en/pages/sitemap.md", "the page name `sitemap` cannot be used: it is a name the site needs for itself"),
    ("content/en/pages/sv.md", "the page name `sv` cannot be used: it is a language code"),
    ("content/en/static", "the campaign name `static` cannot be used: it is a name the site needs for itself"),
    ("content/en/sv", "the campaign name `sv` cannot be used: it is a language code"),
    ("content/en/Água Limpa", "the campaign folder name `Água Limpa` cannot be used in a web address",
     "rename it to `agua-limpa`"),
    ("content/media/Logo.png", "this name differs from `logo.png` only by capital letters or accents"),
    ("content/media/lpt1.pdf", "the name `lpt1.pdf` is reserved by Windows"),
    (S + "Straße.md", "the story file name `Straße` cannot be used in a web address", "rename it to `strasse`"),
    (S + "марія.md", "the story file name `марія` cannot be used in a web address", "rename it to `mariya`"),
    (S + "قصة-مريم.md", "the story file name `قصة-مريم` cannot be used in a web address", "rename it to `story-ed1681`"),
    (S + "中文故事.md", "the story file name `中文故事` cannot be used in a web address", "rename it to `story-4fab6d`"),
]


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    project = write_project(tmp_path_factory.mktemp("names"), WORLD)
    code, _, stderr = run_build(project)
    assert code == 1
    return problems(stderr)


@pytest.mark.parametrize("expected", EXPECTED, ids=[e[0].removeprefix("content/") for e in EXPECTED])
def test_each_bad_name_is_refused_with_what_to_rename_it_to(reported, expected):
    path, message, *hint = expected
    found = [block for block in reported if block.startswith(f"{path}: ") and message in block]
    assert len(found) == 1, (expected, [b for b in reported if b.startswith(path)])
    assert_located_with_hint(found[0])
    if hint:
        assert hint[0] in found[0].splitlines()[1]


def test_nothing_else_is_reported(reported):
    assert len(reported) == len(EXPECTED), "\n".join(reported)


def test_a_clash_names_both_files_whichever_is_met_first(make_project):
    # the clash is reported on every system, whatever order the names are listed in
    for first, second in (("bob.md", "BOB.md"), ("BOB.md", "bob.md")):
        project = make_project({**MINIMAL, f"{S}{first}": story("One"), f"{S}{second}": story("Two")})
        code, _, stderr = run_build(project)
        blocks = problems(stderr)
        assert code == 1
        clash = [b for b in blocks if "only by capital letters" in b]
        assert len(clash) == 1 and "bob.md" in clash[0] and "BOB.md" in clash[0]
