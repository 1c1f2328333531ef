"""Around the form: the counter and goal ladder, the thank-you step and page, and `_headers`."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import MINIMAL, SITE_YAML, build_files, parse_html, text_of
from handbill.counter import goal_ladder, next_round_goal

SITE = "https://example.org/"


def build(make_project, petition: str, *, extra: str = "", files: dict | None = None) -> dict[str, bytes]:
    body = "".join(f"  {line}\n" for line in petition.splitlines())
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
                            "content/en/c/campaign.yaml": f"title: Clean water\n{extra}petition:\n{body}",
                            **(files or {})})
    return build_files(project)


def counter_of(html: bytes):
    tree = parse_html(html)
    counters = [div for div in tree.iter("div") if div.get("class") == "counter"]
    return counters[0] if counters else None


def count_text(counter) -> str:
    return text_of(next(p for p in counter.iter("p") if p.get("id") == "count-text"))


def bar_of(counter):
    return next(div for div in counter.iter("div") if div.get("role") == "progressbar")


def passed_of(counter):
    return next(p for p in counter.iter("p") if p.get("class") == "goal-passed")


# --- counter and goal ladder -------------------------------------------------------------------

def test_count_and_goal_show_as_a_progress_bar_with_numbers_of_the_locale(make_project):
    files = build(make_project, "goal: 250000\ncount: 231000\n")
    counter = counter_of(files["c/index.html"])
    assert count_text(counter) == "231,000 of 250,000 signatures"
    bar = bar_of(counter)
    assert (bar.get("aria-valuemin"), bar.get("aria-valuemax"), bar.get("aria-valuenow")) == ("0", "250000", "231000")
    assert bar.get("aria-labelledby") == "count-text"
    (fill,) = bar.iter("span")
    assert fill.get("class") == "bar-fill bar-90"  # 92 %, drawn by a class: no inline style
    assert passed_of(counter).get("hidden") is not None
    assert re.fullmatch(r"231\s000 av 250\s000 underskrifter", count_text(counter_of(files["sv/c/index.html"])))


def test_a_passed_goal_shows_the_next_step_of_the_ladder(make_project):
    files = build(make_project, "goal: 1000\ngoal_ladder: [5000, 20000]\ncount: 7300\n")
    counter = counter_of(files["c/index.html"])
    assert count_text(counter) == "7,300 of 20,000 signatures"
    assert bar_of(counter).get("aria-valuemax") == "20000"
    passed = passed_of(counter)
    assert passed.get("hidden") is None
    assert text_of(passed) == "We passed our goal of 5,000 signatures! Help us reach 20,000."
    ladder = json.loads(counter.get("data-ladder"))
    assert ladder == {"steps": [[1000, "{count} of 1,000 signatures", ""],
                                [5000, "{count} of 5,000 signatures",
                                 "We passed our goal of 1,000 signatures! Help us reach 5,000."],
                                [20000, "{count} of 20,000 signatures",
                                 "We passed our goal of 5,000 signatures! Help us reach 20,000."]],
                      "past": [20000, {"one": "{count} signature", "other": "{count} signatures"},
                               "We passed our goal of 20,000 signatures!"],
                      "lang": "en"}


def test_a_count_past_the_last_goal_says_so_and_keeps_the_bar_in_range(make_project):
    files = build(make_project, "goal: 1000\ngoal_ladder: [2000]\ncount: 5000\n")
    counter = counter_of(files["c/index.html"])
    assert count_text(counter) == "5,000 signatures"
    assert text_of(passed_of(counter)) == "We passed our goal of 2,000 signatures!"
    bar = bar_of(counter)
    assert (bar.get("aria-valuenow"), bar.get("aria-valuemax")) == ("2000", "2000")
    assert next(bar.iter("span")).get("class") == "bar-fill bar-100"


def test_a_count_without_a_goal_carries_every_plural_form_of_the_language(make_project):
    files = build(make_project, "count: 1\n", files={"content/sv/c/campaign.yaml": "title: Rent vatten\n"})
    counter = counter_of(files["c/index.html"])
    assert count_text(counter) == "1 signature"
    ladder = json.loads(counter.get("data-ladder"))
    assert ladder == {"steps": [], "past": [0, {"one": "{count} signature", "other": "{count} signatures"}, ""],
                      "lang": "en"}
    arabic = build(make_project, "count: 0\n", extra="", files={
        "content/site.yaml": SITE_YAML + "locales: [en, ar]\n", "content/ar/c/campaign.yaml": "title: مياه\n"})
    ladder = json.loads(counter_of(arabic["ar/c/index.html"]).get("data-ladder"))
    assert ladder["lang"] == "ar"
    assert set(ladder["past"][1]) == {"zero", "one", "two", "few", "many", "other"}
    assert len(set(ladder["past"][1].values())) == 6  # each form its own words


def test_without_a_ladder_the_next_goals_are_round_numbers():
    assert [next_round_goal(n) for n in (1, 9, 10, 250_000, 500_000, 999_999)] == [
        2, 10, 20, 500_000, 1_000_000, 1_000_000]
    assert goal_ladder(250_000, [], 231_000) == [250_000, 500_000, 1_000_000, 2_000_000, 5_000_000]
    assert goal_ladder(100, [], 3_000)[-1] > 3_000
    assert goal_ladder(100, [500, 900], 3_000) == [100, 500, 900]


def test_live_count_address_and_no_goal(make_project):
    files = build(make_project, "count: 5\ncount_url: https://forms.example.org/count.json\n")
    counter = counter_of(files["c/index.html"])
    assert counter.get("data-count-url") == "https://forms.example.org/count.json"
    assert counter.get("data-count") == "5"
    assert count_text(counter) == "5 signatures"
    assert not [div for div in counter.iter("div") if div.get("role") == "progressbar"]


def test_a_goal_without_a_count_asks_to_reach_it(make_project):
    files = build(make_project, "goal: 1000\ncount_url: https://forms.example.org/c.json\n")
    counter = counter_of(files["c/index.html"])
    assert count_text(counter) == "Help us reach 1,000 signatures."
    assert counter.get("data-count") is None
    assert bar_of(counter).get("aria-valuenow") == "0"


def test_no_goal_no_count_no_counter(make_project):
    assert counter_of(build(make_project, "fields: [email]\n")["c/index.html"]) is None


# --- the thank-you step --------------------------------------------------------------------------

THANKS_CAMPAIGN = (
    "donate_url: https://example.org/donate\n"
    "share:\n"
    "  text: I signed for clean water & schools. Will you?\n"
    "  hashtags: [CleanWater]\n"
    "  networks: [whatsapp, x, email]\n"
)


def test_the_thanks_page_thanks_shares_asks_for_a_gift_and_offers_a_story(make_project):
    files = build(make_project, "thank_you: Thanks! Now ask three friends.\n", extra=THANKS_CAMPAIGN)
    tree = parse_html(files["c/thanks/index.html"])
    assert [m.get("content") for m in tree.iter("meta") if m.get("name") == "robots"] == ["noindex"]
    (h1,) = tree.iter("h1")
    assert text_of(h1) == "Thank you for signing"
    assert "Thanks! Now ask three friends." in [text_of(p) for p in tree.iter("p")]
    links = {a.get("class"): a.get("href") for a in tree.iter("a") if "share-link" in (a.get("class") or "")}
    shared = {"share-link share-whatsapp": ("text", "https://wa.me/"),
              "share-link share-x": ("url", "https://x.com/intent/post"),
              "share-link share-email": ("body", "mailto:")}
    assert set(links) == set(shared)
    for css, (param, prefix) in shared.items():
        href = links[css]
        assert href.startswith(prefix)
        value = parse_qs(urlsplit(href).query)[param][0]
        network = css.rsplit("-", 1)[1]
        assert value.endswith(f"{SITE}c/?source=share-{network}")
    x = parse_qs(urlsplit(links["share-link share-x"]).query)
    assert x["text"] == ["I signed for clean water & schools. Will you?"] and x["hashtags"] == ["CleanWater"]
    assert any(a.get("href") == "https://example.org/donate" for a in tree.iter("a"))
    assert any(a.get("href") == "/c/stories/maria/" and "Maria's well" in text_of(a) for a in tree.iter("a"))


def test_the_campaign_page_holds_the_same_step_hidden_for_the_script(make_project):
    files = build(make_project, "thank_you: Thanks!\n", extra=THANKS_CAMPAIGN)
    tree = parse_html(files["c/index.html"])
    (form,) = tree.iter("form")
    step = next(div for div in tree.iter("div") if div.get("id") == form.get("data-thanks"))
    assert step.get("hidden") is not None
    heading = next(h for h in step.iter("h3"))
    assert text_of(heading) == "Thank you for signing" and heading.get("tabindex") == "-1"
    assert len([a for a in step.iter("a") if "share-link" in (a.get("class") or "")]) == 3
    assert not list(step.iter("button"))


def test_the_swedish_thanks_page_is_in_swedish_with_swedish_share_urls(make_project):
    tree = parse_html(build(make_project, "fields: [email]\n", extra=THANKS_CAMPAIGN)["sv/c/thanks/index.html"])
    assert text_of(next(tree.iter("h1"))) == "Tack för din underskrift"
    hrefs = [a.get("href") for a in tree.iter("a") if "share-whatsapp" in (a.get("class") or "")]
    assert parse_qs(urlsplit(hrefs[0]).query)["text"][0].endswith(f"{SITE}sv/c/?source=share-whatsapp")


# --- _headers ------------------------------------------------------------------------------------

def policy_of(files: dict[str, bytes]) -> dict[str, list[str]]:
    lines = files["_headers"].decode().splitlines()
    assert "/*" in lines
    (csp,) = [line.split(":", 1)[1] for line in lines if line.strip().startswith("Content-Security-Policy:")]
    return {d.split()[0]: d.split()[1:] for d in csp.strip().split("; ")}


def test_headers_allow_only_the_site_and_the_petition_services(make_project):
    files = build(make_project, "provider: actionnetwork\n"
                                "endpoint: https://actionnetwork.org/api/v2/petitions/abc-123/signatures\n"
                                "page_url: https://act.example.net/petitions/clean-water\n"
                                "count_url: https://counts.example.com/c.json\n",
                  files={"content/en/d/campaign.yaml": "title: D\npetition:\n  endpoint: https://formspree.io/f/xyz\n"})
    policy = policy_of(files)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["form-action"] == ["'self'", "https://act.example.net", "https://actionnetwork.org",
                                     "https://forms.example.org", "https://formspree.io"]
    assert policy["connect-src"] == ["'self'", "https://actionnetwork.org", "https://counts.example.com",
                                     "https://forms.example.org", "https://formspree.io"]
    assert policy["frame-ancestors"] == ["'none'"]
    text = files["_headers"].decode()
    for header in ("X-Content-Type-Options: nosniff", "Referrer-Policy: strict-origin-when-cross-origin"):
        assert f"  {header}\n" in text


@pytest.mark.parametrize("petition, form_action", [
    ("provider: netlify\n", ["'self'", "https://forms.example.org"]),  # site.yaml's default endpoint stays allowed
    ("endpoint: http://127.0.0.1:8123/sign\n", ["'self'", "http://127.0.0.1:8123", "https://forms.example.org"]),
])
def test_headers_for_netlify_and_local_test_endpoints(make_project, petition, form_action):
    assert policy_of(build(make_project, petition))["form-action"] == form_action


def test_headers_allow_where_google_apps_script_answers_from(make_project):
    policy = policy_of(build(make_project, "endpoint: https://script.google.com/macros/s/AKfy/exec\n"))
    for directive in ("form-action", "connect-src"):
        assert {"https://script.google.com", "https://script.googleusercontent.com"} <= set(policy[directive])


def test_addresses_in_other_scripts_are_written_in_ascii_where_they_must_be(make_project):
    """An internationalised endpoint in a Content-Security-Policy header made Chromium drop the whole
    directive; sitemaps, robots.txt and feeds want ASCII too. Hosts go to punycode, the rest to %XX."""
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML.replace(
        "https://example.org/", "https://пример.рф/кампания/"),
        "content/en/c/campaign.yaml": "title: Clean water\npetition:\n  endpoint: https://подписи.рф/знак\n"})
    files = build_files(project)
    policy = policy_of(files)
    assert "https://xn--d1aiavecp.xn--p1ai" in policy["form-action"]
    assert "https://xn--d1aiavecp.xn--p1ai" in policy["connect-src"]
    assert files["_headers"].isascii() and files["sitemap.xml"].isascii() and files["robots.txt"].isascii()
    base = "https://xn--e1afmkfd.xn--p1ai/%D0%BA%D0%B0%D0%BC%D0%BF%D0%B0%D0%BD%D0%B8%D1%8F/"
    assert f"Sitemap: {base}sitemap.xml" in files["robots.txt"].decode()
    page = parse_html(files["c/index.html"])
    form = next(f for f in page.iter("form") if f.get("method") == "post")
    assert form.get("action") == "https://xn--d1aiavecp.xn--p1ai/%D0%B7%D0%BD%D0%B0%D0%BA"
    canonical = next(link for link in page.iter("link") if link.get("rel") == "canonical")
    assert canonical.get("href") == f"{base}c/"


def test_a_thank_you_the_translation_inherits_is_marked_as_the_originals_language(make_project):
    files = build(make_project, "thank_you: Thanks! Now ask three friends.\nconsent: Keep me posted.\n",
                  files={"content/sv/c/campaign.yaml": "title: Rent vatten\n"})
    thanks = parse_html(files["sv/c/thanks/index.html"])
    (text,) = [p for p in thanks.iter("p") if p.get("class") == "thanks-text"]
    assert (text_of(text), text.get("lang")) == ("Thanks! Now ask three friends.", "en")
    (label,) = [lab for lab in parse_html(files["sv/c/index.html"]).iter("label") if lab.get("for") == "f-consent"]
    (consent,) = label.iter("span")
    assert (text_of(consent), consent.get("lang")) == ("Keep me posted.", "en")


def test_a_host_with_sharp_s_is_spelled_as_browsers_spell_it(make_project):
    """IDNA 2003 (Python's codec) turns straße.de into strasse.de, another domain: signatures would go there."""
    project = make_project({**MINIMAL, "content/en/c/campaign.yaml":
                            "title: Clean water\npetition:\n  endpoint: https://straße.de/sign\n"})
    files = build_files(project)
    form = next(f for f in parse_html(files["c/index.html"]).iter("form") if f.get("method") == "post")
    assert form.get("action") == "https://xn--strae-oqa.de/sign"
    assert "https://xn--strae-oqa.de" in policy_of(files)["form-action"]


def test_an_address_no_browser_can_open_is_an_error_not_a_crash(make_project):
    from conftest import run_build
    from hardening_helpers import problems
    project = make_project({**MINIMAL, "content/en/c/campaign.yaml":
                            "title: Clean water\npetition:\n  endpoint: https://пример.рф:99999/sign\n"})
    code, _, stderr = run_build(project)
    assert code == 1
    assert [p.splitlines()[0] for p in problems(stderr)] == [
        "content/en/c/campaign.yaml:3:13: petition.endpoint is not a web address a browser can open: "
        "'https://пример.рф:99999/sign'"]


@pytest.mark.parametrize("endpoint, accepted", [
    ("https://forms.example.org:99999/sign", None), ("https://forms.example.org:abc/sign", None),
    ("https://forms.example.org/знак", "https://forms.example.org/%D0%B7%D0%BD%D0%B0%D0%BA"),
    ("https://my_site.example.org/sign", None),  # no certificate can name it, and no security policy can hold it
    ("https://☕.ws/sign", "https://xn--53h.ws/sign"),  # IDNA 2008 refuses it; browsers open it
    ("https://example.org/" + "x" * 1000, None),  # a print sheet's QR code could not hold it
])
def test_addresses_browsers_open_are_kept_and_the_rest_are_errors(make_project, endpoint, accepted):
    from conftest import run_build
    project = make_project({**MINIMAL, "content/en/c/campaign.yaml":
                            f"title: Clean water\npetition:\n  endpoint: {endpoint}\n"})
    code, _, stderr = run_build(project)
    if accepted is None:
        assert code == 1 and "Traceback" not in stderr and "petition.endpoint" in stderr
        return
    assert code == 0, stderr
    form = next(f for f in parse_html((project / "site/c/index.html").read_bytes()).iter("form")
                if f.get("method") == "post")
    assert form.get("action") == accepted
