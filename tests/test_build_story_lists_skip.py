"""A language with no stories of a campaign (fallback: skip) has no empty list of them."""
from __future__ import annotations

from conftest import MINIMAL, SITE_YAML, alternates, build_files, parse_html, story


def test_a_skipped_language_with_no_stories_has_no_empty_list_to_point_at(make_project):
    """`fallback: skip` and no story translated: no empty (noindex) list in that language, so no hreflang,
    sitemap alternate or switcher link leads to one; the switcher goes to the language's campaign page."""
    files = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv, he]\nfallback: {he: skip}\n",
             "content/sv/c/campaign.yaml": "title: Rent vatten\n",
             "content/sv/c/stories/maria.md": story("Marias brunn"),
             "content/he/c/campaign.yaml": "title: מים נקיים\n"}
    built = build_files(make_project(files))
    assert "he/c/index.html" in built and "he/c/stories/index.html" not in built
    english = parse_html(built["c/stories/index.html"])
    assert set(alternates(english)) == {"en", "sv", "x-default"}
    assert "/he/c/stories/" not in built["sitemap.xml"].decode()
    switcher = {a.get("hreflang"): a.get("href") for a in english.iter("a") if a.get("hreflang")}
    assert switcher["he"] == "/he/c/" and switcher["sv"] == "/sv/c/stories/"
