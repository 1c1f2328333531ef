"""The "Share your story" form and the donate button in real headless Chromium, against the petition
tests' capture server (the built site with its Content-Security-Policy; every POST recorded)."""
from __future__ import annotations

import json
import threading

import pytest

from conftest import build_files, write_project
from external_tools import CHROMIUM_ARGS, chromium_path, sync_playwright
from test_browser_petition import CaptureServer, Tab, wait_for_posts

STORY = "Our well ran dry, so we walked 6 km; then the school closed.\nNow: <b>nothing</b> & no one came."


def story_site(base: str) -> dict[str, str]:
    def campaign(title: str, submit: str) -> str:
        return (f"title: {title}\nsummary: A test campaign.\ndonate_url: https://donate.example.org/give?fund=water\n"
                "stories:\n  submit:\n" + "".join(f"    {line}\n" for line in submit.strip().splitlines()))

    return {
        "content/site.yaml": f"title: Browser test\nbase_url: {base}\nlocales: [en, sv]\npetition:\n  endpoint: {base}sign\n",
        "content/en/generic/campaign.yaml": campaign("Generic", f"endpoint: {base}stories\nhidden: {{list: water-stories}}\n"),
        "content/sv/generic/campaign.yaml": "title: Allmän\n",
        "content/en/json/campaign.yaml": campaign("JSON", f"endpoint: {base}stories-json\nencoding: json\n"),
        "content/en/failing/campaign.yaml": campaign("Failing", f"endpoint: {base}sign-500\n"),
        "content/en/netlify/campaign.yaml": campaign("Netlify", "provider: netlify\nfields: [name, email, story]\n"),
        "content/en/pages/privacy.md": "---\ntitle: Privacy\n---\nWhat we keep.\n",
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    capture = CaptureServer()
    project = write_project(tmp_path_factory.mktemp("stories"), story_site(capture.base))
    files = build_files(project)
    capture.root = project / "site"
    capture.csp = next(line.split(":", 1)[1].strip() for line in files["_headers"].decode().splitlines()
                       if line.strip().startswith("Content-Security-Policy:"))
    thread = threading.Thread(target=capture.serve_forever, daemon=True)
    thread.start()
    yield capture
    capture.shutdown()
    capture.server_close()


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser, server):
    with server.lock:
        server.arrivals.clear()
    opened: list[Tab] = []

    def open_tab(javascript: bool = True) -> Tab:
        opened.append(Tab(browser, javascript=javascript))
        return opened[-1]

    yield open_tab
    for each in opened:
        each.close()


def share(page, *, publish: str = "without_name", contact: bool = True, email: str = "ada@example.org") -> None:
    if page.locator("#s-name").count():
        page.fill("#s-name", "Ada")
    page.fill("#s-email", email)
    if page.locator("#s-place").count():
        page.fill("#s-place", "Kisumu, Kenya")
    page.fill("#s-story", STORY)
    if publish:
        page.select_option("#s-publish", publish)
    if contact:
        page.check("#s-contact")
    page.click("button[type=submit]")


def sent(story: str, by_script: bool) -> str:
    """Line breaks as sent: a plain form POST normalises them to CRLF; the script sends the textarea's value."""
    return story if by_script else story.replace("\n", "\r\n")


def expected(server, campaign: str, *, source: str = "", contact: bool = True, by_script: bool = True):
    extra = [("list", "water-stories")] if campaign == "generic" else []
    return [("name", "Ada"), ("email", "ada@example.org"), ("place", "Kisumu, Kenya"), ("story", sent(STORY, by_script)),
            ("publish", "without_name"), *([("contact", "yes")] if contact else []), ("website", ""),
            ("campaign", campaign), ("locale", "en"), ("source", source),
            ("thank_you_url", f"{server.base}{campaign}/share-your-story/thanks/"), *extra]


def test_with_javascript_one_exact_request_and_thanks_in_place(tab, server):
    t = tab()
    t.page.goto(f"{server.base}generic/share-your-story/?source=newsletter")
    share(t.page)
    t.page.wait_for_selector("#story-thanks-step:not([hidden])")
    (arrival,) = wait_for_posts(t.page, server, 1)
    assert arrival.path == "/stories" and arrival.by_script
    assert arrival.form == expected(server, "generic", source="newsletter")
    assert t.page.is_hidden("#story-form")
    assert t.page.evaluate("document.activeElement.id") == "story-thanks-heading-2"
    t.page.wait_for_timeout(200)
    assert len(server.posts()) == 1
    assert t.errors == []


def test_without_javascript_the_same_fields_and_the_thank_you_page(tab, server):
    t = tab(javascript=False)
    t.page.goto(f"{server.base}generic/share-your-story/")
    share(t.page, contact=False)
    t.page.wait_for_url(f"{server.base}generic/share-your-story/thanks/")
    (arrival,) = server.posts()
    assert not arrival.by_script
    assert arrival.form == expected(server, "generic", contact=False, by_script=False)  # an unticked box sends nothing
    assert t.page.text_content("h1") == "Thank you for sharing your story"


@pytest.mark.parametrize("javascript", [True, False])
def test_the_publishing_question_must_be_answered(tab, server, javascript):
    t = tab(javascript=javascript)
    t.page.goto(f"{server.base}generic/share-your-story/")
    share(t.page, publish="")
    t.page.wait_for_timeout(300)
    assert server.posts() == []
    if javascript:
        assert t.page.get_attribute("#s-publish", "aria-invalid") == "true"
        assert t.page.text_content("#s-publish-error") == "Please fill in this field."
        assert t.page.evaluate("document.activeElement.id") == "s-publish"


def test_a_story_longer_than_the_limit_is_kept_whole_and_the_limit_is_said(tab, server):
    """A pasted text is never cut short without a word: the script says the limit and sends nothing."""
    t = tab()
    t.page.goto(f"{server.base}generic/share-your-story/")
    long_story = "My story. " * 1000 + "THE END"
    t.page.fill("#s-name", "Ada")
    t.page.fill("#s-email", "ada@example.org")
    t.page.fill("#s-story", long_story)
    t.page.select_option("#s-publish", "without_name")
    t.page.click("button[type=submit]")
    t.page.wait_for_selector("#s-story[aria-invalid=true]")
    assert t.page.text_content("#s-story-error") == "Please shorten this to at most 10,000 characters."
    assert t.page.input_value("#s-story") == long_story
    t.page.fill("#s-story", long_story[:10000])
    t.page.click("button[type=submit]")
    t.page.wait_for_selector("#story-thanks-step:not([hidden])")
    (arrival,) = server.posts()
    assert dict(arrival.form)["story"] == long_story[:10000]


def test_messages_are_in_the_pages_language(tab, server):
    t = tab()
    t.page.goto(f"{server.base}sv/generic/share-your-story/")
    share(t.page, email="ada-at-example")
    t.page.wait_for_selector("#s-email[aria-invalid=true]")
    assert t.page.text_content("#s-email-error").startswith("Skriv en e-postadress")
    assert server.posts() == []


def test_json_encoding(tab, server):
    t = tab()
    t.page.goto(f"{server.base}json/share-your-story/")
    share(t.page)
    (arrival,) = wait_for_posts(t.page, server, 1)
    assert arrival.headers["content-type"] == "application/json"
    assert json.loads(arrival.body) == dict(expected(server, "json"))


def test_an_endpoint_that_fails_falls_back_to_the_plain_form(tab, server):
    t = tab()
    t.page.goto(f"{server.base}failing/share-your-story/")
    share(t.page)
    t.page.wait_for_url(f"{server.base}failing/share-your-story/thanks/")
    first, second = wait_for_posts(t.page, server, 2)
    assert first.by_script and not second.by_script
    assert first.form == expected(server, "failing")
    assert second.form == expected(server, "failing", by_script=False)


@pytest.mark.parametrize("javascript", [True, False])
def test_netlify_posts_to_the_thank_you_page_with_its_form_name(tab, server, javascript):
    t = tab(javascript=javascript)
    t.page.goto(f"{server.base}netlify/share-your-story/")
    share(t.page)
    if javascript:
        t.page.wait_for_selector("#story-thanks-step:not([hidden])")
    else:
        t.page.wait_for_url(f"{server.base}netlify/share-your-story/thanks/")
    (arrival,) = wait_for_posts(t.page, server, 1)
    assert arrival.path == "/netlify/share-your-story/thanks/"
    assert arrival.form == [("name", "Ada"), ("email", "ada@example.org"), ("story", sent(STORY, javascript)),
                            ("publish", "without_name"), ("contact", "yes"), ("website", ""), ("bot-field", ""),
                            ("form-name", "story-netlify"), ("campaign", "netlify"), ("locale", "en"), ("source", "")]


# --- the donate button carries the visitor's source ------------------------------------------------------

def test_the_donate_button_carries_the_source_of_the_visit(tab, server):
    t = tab()
    t.page.goto(f"{server.base}generic/?utm_source=whatsapp")
    assert t.page.get_attribute(".donate-call a", "href") == \
        "https://donate.example.org/give?fund=water&source=whatsapp"
    t.page.goto(f"{server.base}generic/thanks/")  # the same visit, after signing without the script
    assert t.page.get_attribute(".donate-ask a", "href") == "https://donate.example.org/give?fund=water&source=whatsapp"
    assert t.errors == []


def test_without_a_source_or_without_javascript_the_donate_link_is_as_written(tab, server):
    for javascript in (True, False):
        t = tab(javascript=javascript)
        t.page.goto(f"{server.base}generic/" + ("" if javascript else "?source=x"))
        assert t.page.get_attribute(".donate-call a", "href") == "https://donate.example.org/give?fund=water"


def test_no_page_logs_a_console_error_or_csp_violation(tab, server):
    t = tab()
    pages = sorted(p.relative_to(server.root).as_posix() for p in server.root.rglob("*.html"))
    for rel in pages:
        url = server.base + (rel[:-len("index.html")] if rel.endswith("index.html") else rel)
        t.page.goto(url, wait_until="load")
        assert t.errors == [], rel
