"""The petition in real headless Chromium, against a local capture server that serves the built site
with its Content-Security-Policy and records every signature that arrives.

One browser and one built site for the module; each test opens a fresh browser context.
"""
from __future__ import annotations

import json
import mimetypes
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from conftest import build_files, parse_html, text_of, write_project
from external_tools import CHROMIUM_ARGS, chromium_path, sync_playwright
from handbill.formats import LocaleFormats

ISSUE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
             "form-action 'self' {form}; connect-src 'self' {connect}")


@dataclass
class Arrival:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def form(self) -> list[tuple[str, str]]:
        return parse_qsl(self.body.decode(), keep_blank_values=True)

    @property
    def by_script(self) -> bool:
        return self.headers.get("sec-fetch-mode") != "navigate"


class CaptureServer(ThreadingHTTPServer):
    """Serves site/ with the CSP from _headers; records POSTs; answers like a form service would."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), CaptureHandler)
        self.root: Path | None = None
        self.csp = ""
        self.arrivals: list[Arrival] = []
        self.failing = {"/sign-500"}  # the script gets a 500 there; a plain form POST succeeds
        self.dead = ""  # an address where nothing listens
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def posts(self, path: str | None = None) -> list[Arrival]:
        with self.lock:
            return [a for a in self.arrivals if a.method == "POST" and (path is None or a.path == path)]


class CaptureHandler(BaseHTTPRequestHandler):
    server: CaptureServer

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def site_file(self, path: str) -> Path | None:
        target = (self.server.root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        inside = self.server.root.resolve() in target.parents
        return target if inside and target.is_file() else None

    def send(self, status: int, body: bytes = b"", content_type: str = "text/plain", headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", self.server.csp)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def serve_file(self, path: str) -> None:
        file = self.site_file(path)
        if file is None:
            self.send(404, b"not found")
            return
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self.send(200, file.read_bytes(), kind + ("; charset=utf-8" if kind.startswith("text/") else ""))

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/count.json":
            self.send(200, b'{"count": 260000}', "application/json")
        elif path == "/count-broken.json":
            self.send(200, b"<html>not json</html>", "text/html")
        elif path == "/count-big.json":  # past every goal of the ladder
            self.send(200, b'{"count": 40000}', "application/json")
        elif path == "/count-true.json":  # not a number: the build-time count stays
            self.send(200, b'{"count": true}', "application/json")
        elif path == "/favicon.ico":  # the site has no icon; Chromium would log the 404 as a console error
            self.send(204)
        elif path.startswith("/an-page/"):
            self.send(200, b"<!doctype html><title>Action Network</title><p>Sign here", "text/html")
        else:
            self.serve_file(path)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        arrival = Arrival("POST", path, {k.lower(): v for k, v in self.headers.items()}, body)
        with self.server.lock:
            self.server.arrivals.append(arrival)
        anyone = {"Access-Control-Allow-Origin": "*"}  # a service that answers scripts from any site
        if path == "/sign-redirect":  # a service that sends everyone on to the thank-you page
            self.send(302 if arrival.by_script else 303, headers={"Location": dict(arrival.form)["thank_you_url"],
                                                                  **anyone})
        elif path == "/sign-refuse":  # a service that checks the email itself (Formspree's answer)
            self.send(422, b'{"error": "Validation errors", "errors": [{"field": "email", "code": "TYPE_EMAIL", '
                           b'"message": "should be an email"}]}', "application/json", anyone)
        elif arrival.by_script:
            if path in self.server.failing:
                self.send(500, b'{"error": "down"}', "application/json")
            else:
                self.send(200, b"{}", "application/json")
        elif self.site_file(path) is not None:  # Netlify: the form posts to the thank-you page itself
            self.serve_file(path)
        else:  # a generic endpoint or Formspree: redirect to the thank-you URL the form carried
            fields = dict(arrival.form)
            self.send(303, headers={"Location": fields.get("thank_you_url") or fields.get("_next") or "/"})


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Languages whose browsers write their own digits unless told otherwise; the site says which to use.
DIGIT_LOCALES = ("fa", "bn", "mr")


def petition_site(base: str, dead: str) -> dict[str, str]:
    def campaign(title: str, petition: str) -> str:
        return f"title: {title}\nsummary: A test campaign.\npetition:\n" + "".join(
            f"  {line}\n" for line in petition.strip().splitlines())

    common = ("fields: [first_name, last_name, email, country, comment]\nrequired: [first_name, email]\n"
              "consent: Keep me posted.\n")
    return {
        "content/site.yaml": f"title: Browser test\nbase_url: {base}\nlocales: [en, sv, es, {', '.join(DIGIT_LOCALES)}]\n"
                             f"petition:\n  endpoint: {base}sign\n"
                             "native_digits: {bn: true}\n"  # fa and mr: Latin digits, as CLDR has them
                             f"fallback: {{{', '.join(f'{code}: skip' for code in (*DIGIT_LOCALES, 'es'))}}}\n",
        "content/en/generic/campaign.yaml": campaign("Generic", common + "hidden: {list: water-2027}\n"
                                                                         "goal: 1000\ncount: 990\n"),
        "content/en/generic/stories/maria.md": "---\ntitle: Maria's well\ndate: 2026-05-01\n---\nStory.\n",
        "content/sv/generic/campaign.yaml": "title: Allmän\n",
        "content/en/json/campaign.yaml": campaign("JSON", common + f"endpoint: {base}sign-json\nencoding: json\n"),
        "content/en/formspree/campaign.yaml": campaign("Formspree", "provider: formspree\n"
                                                                    f"endpoint: {base}f/abcd\nfields: [email]\n"),
        "content/en/netlify/campaign.yaml": campaign("Netlify", "provider: netlify\nfields: [first_name, email]\n"),
        "content/en/action/campaign.yaml": campaign("Action", common + (
            "provider: actionnetwork\n"
            f"endpoint: {base}api/v2/petitions/abc-123/signatures\n"
            f"page_url: {base}an-page/\n"
            "hidden: {list: water-2027}\n")),
        "content/en/failing/campaign.yaml": campaign("Failing", common + f"endpoint: {base}sign-500\n"),
        "content/en/unreachable/campaign.yaml": campaign("Unreachable", common + f"endpoint: {dead}sign\n"),
        "content/en/live/campaign.yaml": campaign("Live", "goal: 250000\ncount: 231000\n"
                                                          f"count_url: {base}count.json\n"),
        "content/en/broken/campaign.yaml": campaign("Broken count", "goal: 250000\ncount: 231000\n"
                                                                    f"count_url: {base}count-broken.json\n"),
        "content/en/redirecting/campaign.yaml": campaign("Redirecting", common + f"endpoint: {base}sign-redirect\n"),
        "content/en/refusing/campaign.yaml": campaign("Refusing", common + f"endpoint: {base}sign-refuse\n"),
        "content/en/nogoal/campaign.yaml": campaign("No goal", common + "count: 0\n"),
        "content/en/viral/campaign.yaml": campaign("Viral", "goal: 1000\ngoal_ladder: [2000]\ncount: 900\n"
                                                            f"count_url: {base}count-big.json\n"),
        "content/en/odd/campaign.yaml": campaign("Odd count", f"goal: 1000\ncount: 900\ncount_url: {base}count-true.json\n"),
        "content/en/unreadable/campaign.yaml": campaign("Unreadable", common + f"endpoint: {base}sign-opaque\ncors: false\n"),
        "content/en/thousand/campaign.yaml": campaign("Thousand", common + "goal: 5000\ncount: 999\n"),
        "content/es/thousand/campaign.yaml": "title: Mil\n",
        "content/en/pages/privacy.md": "---\ntitle: Privacy\n---\nWhat we keep.\n",
        **{f"content/{code}/live/campaign.yaml": f"title: Live {code}\n" for code in DIGIT_LOCALES},
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    capture = CaptureServer()
    dead = f"http://127.0.0.1:{closed_port()}/"
    project = write_project(tmp_path_factory.mktemp("browser"), petition_site(capture.base, dead))
    files = build_files(project, cards=False)  # share cards are not what these tests are about
    capture.root = project / "site"
    headers = files["_headers"].decode()
    capture.csp = next(line.split(":", 1)[1].strip() for line in headers.splitlines()
                       if line.strip().startswith("Content-Security-Policy:"))
    capture.dead = dead
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


class Tab:
    """A page in a fresh context, with the console errors it logged."""

    def __init__(self, browser, *, javascript: bool = True):
        self.context = browser.new_context(java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.page.set_default_timeout(8000)
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def close(self) -> None:
        self.context.close()


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


def sign(page, *, first: str = "Ada", email: str = "ada@example.org") -> None:
    """Fill in whichever fields the form has, tick consent, and press the button."""
    if page.locator("#f-first_name").count():
        page.fill("#f-first_name", first)
    if page.locator("#f-last_name").count():
        page.fill("#f-last_name", "Lovelace")
    page.fill("#f-email", email)
    if page.locator("#f-country").count():
        page.select_option("#f-country", "SE")
    if page.locator("#f-comment").count():
        page.fill("#f-comment", "For the kids & schools: <b>now</b>")
    if page.locator("#f-consent").count():
        page.check("#f-consent")
    page.click("button[type=submit]")


def expected_form(server, campaign: str, source: str = "") -> list[tuple[str, str]]:
    """What `sign` posts on the generic forms, in the order of the form."""
    extra = [("list", "water-2027")] if campaign == "generic" else []
    return [("first_name", "Ada"), ("last_name", "Lovelace"), ("email", "ada@example.org"), ("country", "SE"),
            ("comment", "For the kids & schools: <b>now</b>"), ("consent", "yes"), ("website", ""),
            ("campaign", campaign), ("locale", "en"), ("source", source),
            ("thank_you_url", f"{server.base}{campaign}/thanks/"), *extra]


def wait_for_posts(page, server, count: int, path: str | None = None) -> list[Arrival]:
    for _ in range(50):
        if len(server.posts(path)) >= count:
            break
        page.wait_for_timeout(100)
    return server.posts(path)


# --- signing ---------------------------------------------------------------------------------------

def test_the_shipped_policy_holds_the_issues_policy(server):
    origins = f"{server.base.rstrip('/')} {server.dead.rstrip('/')}"
    for directive in ISSUE_CSP.format(form=origins, connect=origins).split("; "):
        name = directive.split()[0]
        shipped = next(d for d in server.csp.split("; ") if d.split()[0] == name)
        assert set(directive.split()) <= set(shipped.split()), name


def test_sign_with_javascript_sends_one_exact_request_and_thanks_in_place(tab, server):
    t = tab()
    t.page.goto(f"{server.base}generic/")
    sign(t.page)
    t.page.wait_for_selector("#thank-you-step:not([hidden])")
    (arrival,) = wait_for_posts(t.page, server, 1)
    assert arrival.path == "/sign" and arrival.by_script
    assert arrival.form == expected_form(server, "generic")
    assert arrival.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert t.page.is_hidden("#petition-form")
    assert t.page.evaluate("document.activeElement.id") == "thanks-heading-3"
    assert t.page.text_content("#count-text") == "991 of 1,000 signatures"
    assert t.page.url == f"{server.base}generic/"
    t.page.wait_for_timeout(200)
    assert len(server.posts()) == 1  # no second submission
    assert t.errors == []


def test_sign_without_javascript_posts_the_same_fields_and_lands_on_the_thank_you_page(tab, server):
    t = tab(javascript=False)
    t.page.goto(f"{server.base}generic/")
    sign(t.page)
    t.page.wait_for_url(f"{server.base}generic/thanks/")
    (arrival,) = server.posts()
    assert not arrival.by_script
    assert arrival.form == expected_form(server, "generic")
    assert t.page.text_content("h1") == "Thank you for signing"


@pytest.mark.parametrize("javascript", [True, False])
def test_an_empty_required_field_posts_nothing(tab, server, javascript):
    t = tab(javascript=javascript)
    t.page.goto(f"{server.base}generic/")
    sign(t.page, first="")
    t.page.wait_for_timeout(300)
    assert server.posts() == []
    assert t.page.url == f"{server.base}generic/"
    if javascript:  # our message, in the page's language, tied to the field; focus moved to it
        field = t.page.locator("#f-first_name")
        assert field.get_attribute("aria-invalid") == "true"
        assert "f-first_name-error" in field.get_attribute("aria-describedby").split()
        assert t.page.text_content("#f-first_name-error") == "Please fill in this field."
        assert t.page.evaluate("document.activeElement.id") == "f-first_name"
        t.page.fill("#f-first_name", "Ada")  # fixing it clears the message
        assert field.get_attribute("aria-invalid") is None
        assert t.page.text_content("#f-first_name-error") == ""


def test_a_bad_email_is_explained_in_swedish_on_the_swedish_page(tab, server):
    t = tab()
    t.page.goto(f"{server.base}sv/generic/")
    sign(t.page, email="ada-at-example")
    t.page.wait_for_selector("#f-email[aria-invalid=true]")
    assert t.page.text_content("#f-email-error").startswith("Skriv en e-postadress")
    assert server.posts() == []


def test_the_source_in_the_page_address_arrives_with_the_signature(tab, server):
    t = tab()
    t.page.goto(f"{server.base}generic/?source=whatsapp")
    sign(t.page)
    (arrival,) = wait_for_posts(t.page, server, 1)
    assert arrival.form == expected_form(server, "generic", source="whatsapp")


def test_a_source_is_kept_for_the_visit_and_hostile_values_stay_text(tab, server):
    t = tab()
    hostile = '"><img src=x onerror=alert(1)>' + "x" * 200
    t.page.goto(f"{server.base}generic/stories/maria/?utm_source={hostile}")
    t.page.goto(f"{server.base}generic/")  # the story's link to the campaign carries no source
    sign(t.page)
    (arrival,) = wait_for_posts(t.page, server, 1)
    assert dict(arrival.form)["source"] == hostile[:100]
    assert t.page.locator("img[src=x]").count() == 0
    assert t.errors == []


def test_an_endpoint_answering_500_falls_back_to_the_plain_form(tab, server):
    t = tab()
    t.page.goto(f"{server.base}failing/")
    sign(t.page)
    t.page.wait_for_url(f"{server.base}failing/thanks/")
    first, second = server.posts("/sign-500")
    assert first.by_script and not second.by_script
    assert first.form == second.form == expected_form(server, "failing")
    assert t.page.text_content("h1") == "Thank you for signing"


def test_an_unreachable_endpoint_falls_back_to_the_plain_form(tab, server):
    t = tab()
    requests = []
    t.page.on("request", lambda r: requests.append(r) if r.url.startswith(server.dead) else None)
    t.page.goto(f"{server.base}unreachable/")
    with t.page.expect_request(lambda r: r.url == f"{server.dead}sign" and r.is_navigation_request()) as plain:
        sign(t.page)
    assert [r.resource_type for r in requests] == ["fetch", "document"]
    assert parse_qsl(plain.value.post_data, keep_blank_values=True) == expected_form(server, "unreachable")
    assert parse_qsl(requests[0].post_data, keep_blank_values=True) == expected_form(server, "unreachable")


# --- providers --------------------------------------------------------------------------------------

def test_json_encoding_sends_the_same_fields_as_json(tab, server):
    t = tab()
    t.page.goto(f"{server.base}json/")
    sign(t.page)
    (arrival,) = wait_for_posts(t.page, server, 1)
    assert arrival.path == "/sign-json"
    assert arrival.headers["content-type"] == "application/json"
    assert json.loads(arrival.body) == dict(expected_form(server, "json"))


def test_formspree_asks_for_json_and_sends_next_and_gotcha(tab, server):
    t = tab()
    t.page.goto(f"{server.base}formspree/?ref=newsletter")
    sign(t.page)
    t.page.wait_for_selector("#thank-you-step:not([hidden])")
    (arrival,) = server.posts()
    assert arrival.path == "/f/abcd"
    assert arrival.headers["accept"] == "application/json"
    assert arrival.form == [("email", "ada@example.org"), ("website", ""), ("_gotcha", ""), ("campaign", "formspree"),
                            ("locale", "en"), ("source", "newsletter"), ("_next", f"{server.base}formspree/thanks/")]


@pytest.mark.parametrize("javascript", [True, False])
def test_netlify_posts_to_the_thank_you_page_with_its_form_name(tab, server, javascript):
    t = tab(javascript=javascript)
    t.page.goto(f"{server.base}netlify/")
    sign(t.page)
    if javascript:
        t.page.wait_for_selector("#thank-you-step:not([hidden])")
    else:
        t.page.wait_for_url(f"{server.base}netlify/thanks/")
    (arrival,) = wait_for_posts(t.page, server, 1)
    assert arrival.path == "/netlify/thanks/" and arrival.by_script == javascript
    assert arrival.form == [("first_name", "Ada"), ("email", "ada@example.org"), ("website", ""), ("bot-field", ""),
                            ("form-name", "petition-netlify"), ("campaign", "netlify"), ("locale", "en"),
                            ("source", "")]


def test_action_network_gets_its_record_signature_document(tab, server):
    t = tab()
    t.page.goto(f"{server.base}action/?source=facebook")
    sign(t.page)
    t.page.wait_for_selector("#thank-you-step:not([hidden])")
    (arrival,) = server.posts()
    assert arrival.path == "/api/v2/petitions/abc-123/signatures"
    assert arrival.headers["content-type"] == "application/json"
    assert "osdi-api-token" not in arrival.headers  # the unauthenticated ("blind") POST: no key on a public page
    assert json.loads(arrival.body) == {
        "person": {
            "given_name": "Ada", "family_name": "Lovelace",
            "email_addresses": [{"address": "ada@example.org", "status": "subscribed"}],
            "postal_addresses": [{"country": "SE"}],
            "custom_fields": {"campaign": "action", "locale": "en", "list": "water-2027"},
        },
        "comments": "For the kids & schools: <b>now</b>",
        "action_network:referrer_data": {"source": "facebook"},
        "triggers": {"autoresponse": {"enabled": True}},
    }


def test_action_network_without_javascript_sends_people_to_its_page_with_nothing_personal_in_the_url(tab, server):
    t = tab(javascript=False)
    t.page.goto(f"{server.base}action/")
    sign(t.page, first="")  # nothing typed is sent, so nothing is checked either
    t.page.wait_for_url(f"{server.base}an-page/?source=")
    assert server.posts() == []
    assert "ada" not in t.page.url.lower()


def other_site(server) -> str:
    """The site's address under another name, so that its petition service (at 127.0.0.1) is another site."""
    return server.base.replace("127.0.0.1", "localhost")


def the_only_arrival_from_another_site(t, server, campaign: str) -> Arrival:
    """Sign on the campaign's page opened from another site; the thanks shows in place; the one request."""
    t.page.goto(f"{other_site(server)}{campaign}/")
    sign(t.page)
    t.page.wait_for_selector("#thank-you-step:not([hidden])")
    t.page.wait_for_timeout(300)
    (arrival,) = server.posts()
    assert arrival.by_script and t.page.url == f"{other_site(server)}{campaign}/"
    assert t.errors == []
    return arrival


def test_a_service_that_redirects_after_the_script_posts_gets_the_signature_once(tab, server):
    assert the_only_arrival_from_another_site(tab(), server, "redirecting").path == "/sign-redirect"


def test_a_service_that_never_answers_scripts_gets_the_signature_once(tab, server):
    """Google Forms sends no Access-Control-Allow-Origin: with cors: false the script sends once, unread."""
    arrival = the_only_arrival_from_another_site(tab(), server, "unreadable")
    assert arrival.path == "/sign-opaque"
    assert arrival.form == [(k, v if k != "thank_you_url" else f"{server.base}unreadable/thanks/")
                            for k, v in expected_form(server, "unreadable")]


def test_a_refusal_is_shown_at_the_field_it_names_and_nothing_is_sent_again(tab, server):
    t = tab()
    t.page.goto(f"{other_site(server)}refusing/")
    sign(t.page, email="ada@example")  # the browser takes it; the service does not
    t.page.wait_for_selector("#f-email[aria-invalid=true]")
    assert t.page.text_content("#f-email-error") == "Please check what you wrote here."
    assert t.page.evaluate("document.activeElement.id") == "f-email"
    t.page.wait_for_selector(".form-status:not(:empty)")
    assert t.page.text_content(".form-status") == ("The form service did not accept this. "
                                                   "Please check your answers and try again.")
    assert t.page.is_enabled("button[type=submit]") and t.page.is_visible("#petition-form")
    t.page.wait_for_timeout(300)
    assert len(server.posts()) == 1 and t.page.url == f"{other_site(server)}refusing/"
    assert [e for e in t.errors if "422" not in e] == []  # the browser logs the refused request itself


def test_a_problem_in_the_focused_field_is_announced_in_the_status_line(tab, server):
    t = tab()
    t.page.goto(f"{server.base}generic/")
    t.page.fill("#f-first_name", "Ada")
    t.page.fill("#f-email", "ada@")
    t.page.focus("#f-email")
    t.page.keyboard.press("Enter")
    t.page.wait_for_selector(".form-status:not(:empty)")
    assert t.page.get_attribute(".form-status", "role") == "status"
    assert t.page.text_content(".form-status") == "Email: Please enter an email address, like name@example.org."
    t.page.fill("#f-email", "ada@example.org")  # mended: the line goes
    t.page.wait_for_selector(".form-status:empty", state="attached")
    assert server.posts() == []


# --- the counter --------------------------------------------------------------------------------------

# The counter once the script has shown the count from count.json. (A selector, not wait_for_function:
# polling a JavaScript predicate needs eval, which the site's Content-Security-Policy refuses.)
LIVE_COUNT_SHOWN = '.counter[data-count="260000"]'


def test_count_url_updates_the_bar_and_moves_up_the_goal_ladder(tab, server):
    t = tab()
    t.page.goto(f"{server.base}live/")
    t.page.wait_for_selector(LIVE_COUNT_SHOWN)
    assert t.page.text_content("#count-text") == "260,000 of 500,000 signatures"
    assert t.page.text_content(".goal-passed") == "We passed our goal of 250,000 signatures! Help us reach 500,000."
    assert t.page.is_visible(".goal-passed")
    bar = t.page.locator("[role=progressbar]")
    assert (bar.get_attribute("aria-valuemax"), bar.get_attribute("aria-valuenow")) == ("500000", "260000")
    assert t.page.get_attribute(".bar-fill", "class") == "bar-fill bar-50"
    assert t.errors == []


@pytest.mark.parametrize("locale", DIGIT_LOCALES)
def test_the_live_count_keeps_the_digits_the_page_was_built_with(tab, server, locale):
    built = parse_html((server.root / locale / "live" / "index.html").read_bytes())
    counter = next(e for e in built.iter("div") if "counter" in e.get("class", "").split())
    formats = LocaleFormats(locale, native_digits=locale == "bn")
    assert counter.get("data-numbering") == formats.numbering
    assert formats.number(231000) in text_of(next(e for e in counter.iter() if e.get("id") == "count-text"))
    t = tab()
    t.page.goto(f"{server.base}{locale}/live/")
    t.page.wait_for_selector(LIVE_COUNT_SHOWN)
    shown = t.page.text_content("#count-text")
    assert formats.number(260000) in shown  # the live count, written as the build would have written it
    assert formats.number(500000) in shown  # beside the next goal, which the build wrote
    assert t.errors == []


def test_a_live_count_past_the_last_goal_says_so_and_keeps_the_bar_in_range(tab, server):
    t = tab()
    t.page.goto(f"{server.base}viral/")
    t.page.wait_for_selector('.counter[data-count="40000"]')
    assert t.page.text_content("#count-text") == "40,000 signatures"
    assert t.page.text_content(".goal-passed") == "We passed our goal of 2,000 signatures!"
    bar = t.page.locator("[role=progressbar]")
    assert (bar.get_attribute("aria-valuemax"), bar.get_attribute("aria-valuenow")) == ("2000", "2000")
    assert t.page.get_attribute(".bar-fill", "class") == "bar-fill bar-100"


def count_before_and_after_signing(t, address: str) -> tuple[str, str]:
    t.page.goto(address)
    before = t.page.text_content("#count-text")
    sign(t.page)
    t.page.wait_for_selector("#thank-you-step:not([hidden])")
    return before, t.page.text_content("#count-text")


def test_a_count_without_a_goal_takes_the_plural_form_of_the_new_count(tab, server):
    assert count_before_and_after_signing(tab(), f"{server.base}nogoal/") == ("0 signatures", "1 signature")


def test_a_live_count_is_grouped_as_the_build_groups_it(tab, server):
    """Browsers leave a four-digit number ungrouped in Spanish (1000); the build writes 1.000."""
    assert count_before_and_after_signing(tab(), f"{server.base}es/thousand/") == (
        "999 de 5.000 firmas", "1.000 de 5.000 firmas")


@pytest.mark.parametrize("campaign, answer, built", [
    ("odd", "count-true.json", "900 of 1,000 signatures"),  # {"count": true}: not a number
    ("broken", "count-broken.json", "231,000 of 250,000 signatures"),  # not JSON at all
])
def test_a_count_url_that_fails_or_is_not_a_number_leaves_the_build_time_count(tab, server, campaign, answer, built):
    t = tab()
    with t.page.expect_response(f"{server.base}{answer}"):
        t.page.goto(f"{server.base}{campaign}/")
    t.page.wait_for_timeout(200)
    assert t.page.text_content("#count-text") == built
    assert t.errors == []


# --- the whole site ---------------------------------------------------------------------------------------

def test_no_page_logs_a_console_error_or_csp_violation(tab, server):
    t = tab()
    pages = sorted(p.relative_to(server.root).as_posix() for p in server.root.rglob("*.html"))
    assert len(pages) > 20
    for rel in pages:
        url = server.base + (rel[:-len("index.html")] if rel.endswith("index.html") else rel)
        t.page.goto(url, wait_until="load")  # the deferred script has run by then
        if t.page.locator(".counter[data-count-url]").count():
            t.page.wait_for_load_state("networkidle")  # and the live count has arrived
        assert t.errors == [], rel


def test_the_print_sheet_fits_a_phone_screen_without_scrolling_the_page_sideways(browser, server):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(f"{server.base}generic/print/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.evaluate("document.querySelector('.sheet').scrollWidth") > 360  # the paper scrolls in its frame
    finally:
        context.close()
