"""The "Share your story" form as built: the petition's machinery (providers, hidden fields, honeypot,
no-JS path), two separate consents never answered in advance, a privacy note, and every mistake in
`stories.submit` reported at its line."""
from __future__ import annotations

import pytest

from conftest import MINIMAL, SITE_YAML, build_files, errors_of, page, parse_html, run_build, text_of

SUBMIT = """\
stories:
  submit:
    endpoint: https://stories.example.net/in
    fields: [name, email, place, story]
    required: [email, story]
    field_names: {place: town, publish: may_publish}
    hidden: {list: water-stories}
"""
CAMPAIGN = "title: Clean water\nsummary: Water for every school.\ndonate_url: https://example.org/give?fund=water\n"
SITE = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
        "content/en/c/campaign.yaml": CAMPAIGN + SUBMIT,
        "content/en/pages/privacy.md": page("Privacy"),
        "content/sv/c/campaign.yaml": "title: Rent vatten\nstories:\n  submit:\n    intro: Berätta om din skola.\n"}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    from conftest import write_project
    return build_files(write_project(tmp_path_factory.mktemp("stories"), SITE))


def story_form(files, path="c/share-your-story/index.html"):
    tree = parse_html(files[path])
    return tree, next(f for f in tree.iter("form") if f.get("id") == "story-form")


def test_the_form_posts_to_the_story_endpoint_and_works_without_javascript(files):
    _, form = story_form(files)
    assert (form.get("method"), form.get("action")) == ("post", "https://stories.example.net/in")
    assert form.get("data-petition") == "generic" and form.get("data-endpoint") == "https://stories.example.net/in"


def test_fields_are_labelled_typed_and_required_as_configured(files):
    tree, form = story_form(files)
    labels = {label.get("for"): text_of(label) for label in tree.iter("label")}
    controls = {c.get("id"): c for c in form.iter() if c.tag in ("input", "textarea", "select") and c.get("id")}
    expected = [("s-name", "name", "text", "name", False), ("s-email", "email", "email", "email", True),
                ("s-place", "town", "text", "address-level2", False), ("s-story", "story", None, None, True)]
    for ident, name, kind, autocomplete, required in expected:
        control = controls[ident]
        assert (control.get("name"), control.get("type"), control.get("autocomplete")) == (name, kind, autocomplete)
        assert (control.get("required") is not None) == required, ident
        assert labels[ident]
    assert controls["s-story"].tag == "textarea"
    assert labels["s-story"] == "Your story (required)"


def test_two_separate_consents_neither_answered_in_advance(files):
    _, form = story_form(files)
    contact = next(i for i in form.iter("input") if i.get("id") == "s-contact")
    assert (contact.get("type"), contact.get("name"), contact.get("value")) == ("checkbox", "contact", "yes")
    assert contact.get("checked") is None and contact.get("required") is None
    publish = next(s for s in form.iter("select") if s.get("id") == "s-publish")
    assert publish.get("name") == "may_publish" and publish.get("required") is not None
    options = [(o.get("value"), text_of(o), o.get("selected")) for o in publish.iter("option")]
    assert options == [("", "Choose an answer", None), ("with_name", "Yes, with my name", None),
                       ("without_name", "Yes, but without my name", None),
                       ("no", "No, it is only for the campaign team", None)]


def test_hidden_fields_and_the_honeypot_are_the_petitions(files):
    _, form = story_form(files)
    hidden = [(i.get("name"), i.get("value")) for i in form.iter("input") if i.get("type") == "hidden"]
    assert hidden == [("campaign", "c"), ("locale", "en"), ("source", ""),
                      ("thank_you_url", "https://example.org/c/share-your-story/thanks/"), ("list", "water-stories")]
    (honeypot,) = [i for i in form.iter("input") if i.get("data-honeypot") is not None]
    assert (honeypot.get("name"), honeypot.get("tabindex")) == ("website", "-1")


def test_a_privacy_note_says_what_happens_to_the_text(files):
    tree, form = story_form(files)
    note = next(d for d in form.iter("div") if "story-privacy" in (d.get("class") or ""))
    assert "Your story goes to the team behind Test Site" in text_of(note)
    assert "Your email address and phone number are never published" in text_of(note)
    assert [a.get("href") for a in note.iter("a")] == ["/privacy/"]


def test_the_thank_you_page_is_not_indexed_and_the_step_waits_hidden_under_the_form(files):
    thanks = parse_html(files["c/share-your-story/thanks/index.html"])
    assert text_of(next(thanks.iter("h1"))) == "Thank you for sharing your story"
    assert any(m.get("name") == "robots" and m.get("content") == "noindex" for m in thanks.iter("meta"))
    tree, _ = story_form(files)
    step = next(d for d in tree.iter("div") if d.get("id") == "story-thanks-step")
    assert step.get("hidden") is not None
    assert "https://example.org/c/share-your-story/thanks/" not in files["sitemap.xml"].decode()
    assert "https://example.org/c/share-your-story/" in files["sitemap.xml"].decode()


def test_every_locale_has_the_form_with_its_own_words(files):
    tree, form = story_form(files, "sv/c/share-your-story/index.html")
    intro = next(p for p in tree.iter("p") if "lede" in (p.get("class") or ""))
    assert (text_of(intro), intro.get("lang")) == ("Berätta om din skola.", "sv")
    assert text_of(next(form.iter("button"))) == "Skicka min berättelse"
    assert ("locale", "sv") in [(i.get("name"), i.get("value")) for i in form.iter("input")]


def test_the_campaign_page_links_to_it_and_to_the_printable_sheet(files):
    tree = parse_html(files["c/index.html"])
    more = next(s for s in tree.iter("section") if "more-ways" in (s.get("class") or ""))
    assert [(a.get("href"), text_of(a)) for a in more.iter("a")] == [
        ("/c/share-your-story/", "Share your story"), ("/c/print/", "Print a petition sheet to collect signatures on paper"),
        ("https://example.org/give?fund=water", "Donate")]
    donate = [a for a in more.iter("a") if text_of(a) == "Donate"][0]
    assert donate.get("data-carry-source") is not None  # the script adds the visitor's source


def test_the_donate_button_after_signing_carries_the_source_too(files):
    thanks = parse_html(files["c/thanks/index.html"])
    (donate,) = [a for a in thanks.iter("a") if a.get("href") == "https://example.org/give?fund=water"]
    assert donate.get("data-carry-source") is not None


def test_the_security_headers_let_the_form_post_to_its_endpoint(files):
    policy = files["_headers"].decode()
    assert "form-action 'self' https://forms.example.org https://stories.example.net;" in policy
    assert "connect-src 'self' https://forms.example.org https://stories.example.net;" in policy


def test_no_stories_block_no_page_and_no_link(make_project):
    files = build_files(make_project(MINIMAL))
    assert "c/share-your-story/index.html" not in files
    assert "/c/share-your-story/" not in files["c/index.html"].decode()


@pytest.mark.parametrize("provider, expected", [
    ("netlify", {"action": "/c/share-your-story/thanks/", "name": "story-c", "data-netlify": "true",
                 "data-netlify-honeypot": "bot-field", "hidden": ["form-name", "campaign", "locale", "source"]}),
    ("formspree\n    endpoint: https://formspree.io/f/abcd",
     {"action": "https://formspree.io/f/abcd", "name": None, "data-netlify": None, "data-netlify-honeypot": None,
      "hidden": ["campaign", "locale", "source", "_next"]}),
])
def test_providers(make_project, provider, expected):
    files = build_files(make_project({**MINIMAL, "content/en/c/campaign.yaml":
                                      f"title: Water\nstories:\n  submit:\n    provider: {provider}\n"}))
    _, form = story_form(files)
    for attribute in ("action", "name", "data-netlify", "data-netlify-honeypot"):
        assert form.get(attribute) == expected[attribute], attribute
    assert [i.get("name") for i in form.iter("input") if i.get("type") == "hidden"] == expected["hidden"]


def test_mistakes_are_reported_at_their_lines(make_project):
    project = make_project({**MINIMAL, "content/en/c/campaign.yaml": (
        "title: Water\n"
        "stories:\n"
        "  submit:\n"
        "    provider: actionnetwork\n"
        "    fields: [name, email]\n"
        "    required: [place]\n"
        "    field_names: {emial: mail, email: name}\n")})
    code, _, stderr = run_build(project)
    assert code == 1
    assert errors_of(stderr)[:-1] == [
        "content/en/c/campaign.yaml:4:5: stories.submit: the story form needs somewhere to send the stories\n"
        "  hint: add endpoint: with your form service's address (like https://forms.example.org/stories), "
        "or provider: netlify on Netlify",
        "content/en/c/campaign.yaml:4:15: stories.submit.provider cannot be 'actionnetwork'\n"
        "  hint: choose one of: generic, formspree, netlify",
        "content/en/c/campaign.yaml:5:13: stories.submit.fields: the form has no field for the story itself\n"
        "  hint: add story to fields: [...]",
        "content/en/c/campaign.yaml:6:16: stories.submit.required.0: `place` is required but not in the form's fields\n"
        "  hint: add place to fields: [...], or remove it from required",
        "content/en/c/campaign.yaml:7:26: stories.submit.field_names.emial: the form sends no field called `emial`\n"
        "  hint: did you mean `email`?",
        "content/en/c/campaign.yaml:7:39: stories.submit.field_names.email: `name` and `email` would both be sent as "
        "`name`\n  hint: give each one its own name in field_names",
    ]
