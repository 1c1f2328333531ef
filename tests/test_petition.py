"""The petition form as built: fields, labels, hidden values, honeypots and each provider's wiring."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from conftest import MINIMAL, SITE_YAML, build_files, dedent, parse_html, text_of

SITE = "https://example.org/"


def campaign_yaml(petition: str, extra: str = "") -> str:
    """A campaign.yaml whose petition block holds ``petition`` (`key: value` lines)."""
    body = "".join(f"  {line}\n" for line in dedent(petition).splitlines())
    return f"title: Clean water\nsummary: Water for every school.\n{extra}petition:\n{body}"


def build_form(make_project, petition: str, *, extra: str = "", locale: str = "", files: dict | None = None):
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
                            "content/en/c/campaign.yaml": campaign_yaml(petition, extra), **(files or {})})
    built = build_files(project)
    tree = parse_html(built[f"{locale}c/index.html"])
    (form,) = tree.iter("form")
    return form, tree, built


def controls(form: ET.Element) -> list[ET.Element]:
    return [e for e in form.iter() if e.tag in ("input", "select", "textarea")]


def posted(form: ET.Element) -> dict[str, str]:
    """name -> value of what the plain form posts when left empty (hidden values and empty fields)."""
    return {e.get("name"): e.get("value") or "" for e in controls(form)
            if e.get("name") and e.get("type") != "checkbox"}


def hidden(form: ET.Element) -> dict[str, str]:
    return {e.get("name"): e.get("value") for e in form.iter("input") if e.get("type") == "hidden" and e.get("name")}


def label_for(tree: ET.Element, control: ET.Element) -> str:
    (label,) = [lab for lab in tree.iter("label") if lab.get("for") == control.get("id")]
    return text_of(label)


# --- the generic form ------------------------------------------------------------------------

def test_every_field_has_a_label_type_autocomplete_and_the_right_required(make_project):
    form, tree, _ = build_form(make_project, """\
        endpoint: https://forms.example.org/sign
        fields: [first_name, last_name, email, phone, postal_code, city, country, comment]
        required: [first_name, email, country]
        country: SE
    """)
    assert form.get("method") == "post"
    assert form.get("action") == "https://forms.example.org/sign"
    by_name = {e.get("name"): e for e in controls(form) if e.get("name")}
    expected = {  # name: (tag, type, autocomplete, inputmode, required)
        "first_name": ("input", "text", "given-name", None, True),
        "last_name": ("input", "text", "family-name", None, False),
        "email": ("input", "email", "email", "email", True),
        "phone": ("input", "tel", "tel", "tel", False),
        "postal_code": ("input", "text", "postal-code", "numeric", False),  # Swedish postcodes are digits
        "city": ("input", "text", "address-level2", None, False),
        "country": ("select", None, "country", None, True),
        "comment": ("textarea", None, None, None, False),
    }
    for name, (tag, kind, autocomplete, inputmode, required) in expected.items():
        element = by_name[name]
        assert (element.tag, element.get("type"), element.get("autocomplete"), element.get("inputmode"),
                element.get("required") is not None) == (tag, kind, autocomplete, inputmode, required), name
        assert label_for(tree, element)
    assert label_for(tree, by_name["first_name"]) == "First name (required)"
    assert label_for(tree, by_name["last_name"]) == "Last name"
    # a text box's limit is checked by the script, with a message: a maxlength would cut a paste short unsaid
    assert by_name["comment"].get("maxlength") is None and by_name["comment"].get("data-maxlength") == "1000"
    assert by_name["comment"].get("data-msg-too-long") == "Please shorten this to at most 1,000 characters."
    assert all(e.get("style") is None for e in form.iter())


def test_country_names_are_in_the_pages_language_with_the_likely_country_first(make_project):
    _, _, built = build_form(make_project, "endpoint: https://forms.example.org/sign\ncountry: SE\n"
                                           "fields: [first_name, email, country]\n")
    for rel, first, germany in (("c/index.html", "Sweden", "Germany"), ("sv/c/index.html", "Sverige", "Tyskland")):
        (select,) = parse_html(built[rel]).iter("select")
        options = [(o.get("value"), text_of(o)) for o in select.iter("option")]
        assert options[0][0] == "" and options[1] == ("SE", first)
        assert ("DE", germany) in options
        assert not any(o.get("selected") is not None for o in select.iter("option"))
        assert {"EU", "UN", "ZZ", "001"}.isdisjoint(value for value, _ in options)


# Names that must come in this order in the language's country list (CLDR's own names).
ALPHABETICAL = {
    "de": [("Afghanistan", "Ägypten", "Albanien"), ("Oman", "Österreich", "Pakistan")],
    "pt-BR": [("Afeganistão", "África do Sul", "Albânia"), ("Austrália", "Áustria", "Azerbaijão"),
              ("Iêmen", "Índia", "Indonésia"), ("Zâmbia", "Zimbábue")],
    "tr": [("Curaçao", "Çad", "Çin", "Danimarka"), ("Hırvatistan", "Irak", "İran", "İspanya"),  # ı before i
           ("Kırgızistan", "Kiribati"), ("Orta Afrika Cumhuriyeti", "Özbekistan", "Pakistan"),
           ("Suudi Arabistan", "Şili", "Tacikistan"), ("Uruguay", "Ürdün", "Vanuatu")],
    "uk": [("Ефіопія", "Єгипет", "Ємен", "Замбія"), ("Зімбабве", "Ізраїль", "Італія", "Йорданія")],
    "vi": [("Antigua và Barbuda", "Áo", "Argentina"), ("Azerbaijan", "Ấn Độ", "Ba Lan"),  # Â after every A
           ("Dominica", "Đức", "Ecuador")],
    "sv": [("Zimbabwe", "Åland", "Österrike")],  # å, ä, ö come after z
}


def test_country_names_are_in_the_alphabetical_order_of_the_pages_language(make_project):
    locales = ", ".join(["en", *ALPHABETICAL])
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + f"locales: [{locales}]\n",
                            "content/en/c/campaign.yaml": campaign_yaml("fields: [email, country]\n")})
    built = build_files(project)
    for locale, runs in ALPHABETICAL.items():
        (select,) = parse_html(built[f"{locale}/c/index.html"]).iter("select")
        names = [text_of(option) for option in select.iter("option") if option.get("value")]
        for run in runs:
            assert [names.index(name) for name in run] == sorted(names.index(name) for name in run), (locale, run)


def test_hidden_fields_carry_campaign_locale_source_thank_you_url_and_extras(make_project):
    form, _, built = build_form(make_project, "endpoint: https://forms.example.org/sign\nhidden: {list: water-2027}\n")
    assert hidden(form) == {"campaign": "c", "locale": "en", "source": "", "thank_you_url": f"{SITE}c/thanks/",
                            "list": "water-2027"}
    (sv_form,) = parse_html(built["sv/c/index.html"]).iter("form")
    assert hidden(sv_form)["locale"] == "sv"
    assert hidden(sv_form)["thank_you_url"] == f"{SITE}sv/c/thanks/"


def test_field_names_rename_fields_consent_and_hidden_values(make_project):
    form, _, _ = build_form(make_project, """\
        endpoint: https://forms.example.org/sign
        fields: [first_name, email, postal_code]
        consent: Keep me posted.
        field_names: {postal_code: zip, first_name: "person[first]", consent: opt_in, source: utm_source,
                      thank_you_url: redirect}
        hidden: {list: water}
    """)
    names = [e.get("name") for e in controls(form) if e.get("name")]
    assert {"person[first]", "email", "zip", "opt_in", "utm_source", "redirect", "list"} <= set(names)
    assert {"first_name", "postal_code", "consent", "source", "thank_you_url"}.isdisjoint(names)


def test_google_forms_names_and_other_services_own_fields_can_be_written(make_project):
    """Google Forms posts ``entry.<number>``; Formsubmit.co takes ``_next`` and a honeypot called ``_honey``."""
    form, _, _ = build_form(make_project, """\
        endpoint: https://docs.google.com/forms/d/e/1FAIpQLSf/formResponse
        fields: [first_name, email]
        field_names: {first_name: entry.1234567, email: emailAddress, source: "entry.99", website: _honey,
                      thank_you_url: _next}
        hidden: {_captcha: "false", "a:b": x}
    """)
    names = [e.get("name") for e in controls(form) if e.get("name")]
    assert {"entry.1234567", "emailAddress", "entry.99", "_next", "_captcha", "a:b"} <= set(names)
    (trap,) = [e for e in form.iter("input") if e.get("data-honeypot") is not None]
    assert trap.get("name") == "_honey" and trap.get("type") == "text"
    assert "website" not in names


def test_a_google_form_or_cors_false_makes_the_script_send_without_reading_the_answer(make_project):
    form, _, _ = build_form(make_project, "endpoint: https://docs.google.com/forms/d/e/1FAIpQLSf/formResponse\n")
    assert form.get("data-cors") == "off"
    form, _, _ = build_form(make_project, "endpoint: https://forms.example.org/sign\ncors: false\n")
    assert form.get("data-cors") == "off"
    form, _, _ = build_form(make_project, "endpoint: https://forms.example.org/sign\n")
    assert form.get("data-cors") is None


def test_consent_is_never_pre_ticked_links_the_privacy_page_and_is_required_only_when_asked(make_project):
    privacy = {"content/en/pages/privacy.md": "---\ntitle: Privacy\n---\nWhat we keep.\n"}
    form, tree, _ = build_form(make_project, "endpoint: https://forms.example.org/sign\nconsent: Keep me posted.\n",
                               files=privacy)
    (box,) = [e for e in form.iter("input") if e.get("type") == "checkbox"]
    assert box.get("checked") is None and box.get("required") is None and box.get("name") == "consent"
    (label,) = [lab for lab in tree.iter("label") if lab.get("for") == box.get("id")]
    assert text_of(label) == "Keep me posted."  # the box's name: the privacy link is beside it, not in it
    (privacy_link,) = [p for p in tree.iter("p") if p.get("class") == "consent-privacy"]
    assert [(a.get("href"), text_of(a)) for a in privacy_link.iter("a")] == [("/privacy/", "How we use your data")]
    form, _, _ = build_form(make_project, "endpoint: https://forms.example.org/sign\nconsent: Keep me posted.\n"
                                          "consent_required: true\n")
    (box,) = [e for e in form.iter("input") if e.get("type") == "checkbox"]
    assert box.get("required") is not None


def test_the_honeypot_is_hidden_from_people_but_not_a_hidden_input(make_project):
    form, tree, _ = build_form(make_project, "endpoint: https://forms.example.org/sign\n")
    (trap,) = [e for e in form.iter("input") if e.get("name") == "website"]
    assert trap.get("type") == "text" and trap.get("tabindex") == "-1" and trap.get("autocomplete") == "off"
    container = next(div for div in form.iter("div") if trap in list(div.iter("input")) and div.get("class") == "hp")
    assert container.get("aria-hidden") == "true"
    assert label_for(tree, trap) == "Leave this field empty"


def test_every_page_loads_the_script_and_has_no_inline_script_style_or_handlers(make_project):
    _, _, built = build_form(make_project, "endpoint: https://forms.example.org/sign\ngoal: 100\ncount: 50\n")
    assert "static/handbill.js" in built
    for rel in ("c/index.html", "c/thanks/index.html", "index.html", "sv/c/index.html"):
        tree = parse_html(built[rel])
        scripts = list(tree.iter("script"))
        ours = [s for s in scripts if (s.get("src") or "").startswith("/static/handbill.js?v=")]
        assert len(ours) == 1 and ours[0].get("defer") is not None, rel
        for script in scripts:  # data blocks (JSON-LD) are fine: a browser never runs them
            assert script.get("src") or script.get("type") == "application/ld+json", rel
        assert not list(tree.iter("style"))
        for element in tree.iter():
            assert element.get("style") is None, rel
            assert not any(name.startswith("on") for name in element.attrib), (rel, element.tag)


# --- providers --------------------------------------------------------------------------------

def test_formspree_gets_next_and_gotcha(make_project):
    form, tree, _ = build_form(make_project, "provider: formspree\nendpoint: https://formspree.io/f/abcdwxyz\n")
    assert form.get("action") == "https://formspree.io/f/abcdwxyz"
    assert form.get("data-petition") == "formspree"
    assert hidden(form) == {"campaign": "c", "locale": "en", "source": "", "_next": f"{SITE}c/thanks/"}
    (gotcha,) = [e for e in form.iter("input") if e.get("name") == "_gotcha"]
    assert gotcha.get("type") == "text" and gotcha.get("tabindex") == "-1"
    assert label_for(tree, gotcha)
    assert "website" in posted(form)  # our own honeypot as well


def test_netlify_posts_to_the_thank_you_page_with_form_name_and_honeypot(make_project):
    form, _, built = build_form(make_project, "provider: netlify\nfields: [first_name, email]\n")
    assert form.get("method") == "post"
    assert form.get("action") == "/c/thanks/"
    assert form.get("name") == "petition-c"
    assert form.get("data-netlify") == "true"
    assert form.get("data-netlify-honeypot") == "bot-field"
    assert form.get("data-endpoint") == "/c/thanks/"
    assert hidden(form) == {"form-name": "petition-c", "campaign": "c", "locale": "en", "source": ""}
    assert "bot-field" in posted(form)
    (sv_form,) = parse_html(built["sv/c/index.html"]).iter("form")
    assert sv_form.get("action") == "/sv/c/thanks/" and sv_form.get("name") == "petition-c"


def test_netlify_needs_no_endpoint_even_when_site_yaml_names_one(make_project):
    form, _, _ = build_form(make_project, "provider: netlify\n")  # site.yaml has endpoint: https://forms...
    assert form.get("action") == "/c/thanks/"


def test_action_network_script_posts_json_and_the_plain_form_goes_to_its_page(make_project):
    form, _, _ = build_form(make_project, """\
        provider: actionnetwork
        endpoint: https://actionnetwork.org/api/v2/petitions/9f837109-710d-442f-8a99-857a21f36d25/signatures
        page_url: https://actionnetwork.org/petitions/clean-water
        fields: [first_name, last_name, email, postal_code, country]
        consent: Keep me posted.
        hidden: {list: water}
    """)
    assert form.get("data-petition") == "actionnetwork"
    assert form.get("data-encoding") == "json"
    assert form.get("data-endpoint") == ("https://actionnetwork.org/api/v2/petitions/"
                                         "9f837109-710d-442f-8a99-857a21f36d25/signatures")
    assert (form.get("method"), form.get("action")) == ("get", "https://actionnetwork.org/petitions/clean-water")
    # without JavaScript only the source travels in the page address; nothing personal goes into a URL
    assert [e.get("name") for e in controls(form) if e.get("name")] == ["source"]
    assert {e.get("data-field") for e in controls(form) if e.get("data-field")} == {
        "first_name", "last_name", "email", "postal_code", "country", "consent"}
    assert {e.get("data-hidden"): e.get("value") for e in form.iter("input") if e.get("data-hidden")} == {
        "campaign": "c", "locale": "en", "source": "", "list": "water"}
    (noscript,) = form.iter("noscript")
    assert "takes you to this petition on Action Network" in "".join(noscript.itertext())


@pytest.mark.parametrize("encoding", ["form", "json"])
def test_generic_encoding_is_told_to_the_script(make_project, encoding):
    form, _, _ = build_form(make_project, f"endpoint: https://forms.example.org/sign\nencoding: {encoding}\n")
    assert form.get("data-encoding") == encoding
    assert form.get("data-endpoint") == "https://forms.example.org/sign"


def test_error_messages_for_the_script_are_in_the_pages_language(make_project):
    _, _, built = build_form(make_project, "endpoint: https://forms.example.org/sign\n")
    (sv_form,) = parse_html(built["sv/c/index.html"]).iter("form")
    assert sv_form.get("data-msg-required") == "Fyll i det här fältet."
    assert sv_form.get("data-msg-email").startswith("Skriv en e-postadress")
    error_boxes = {p.get("id") for p in sv_form.iter("p") if p.get("class") == "field-error"}
    assert error_boxes == {f"{c.get('id')}-error" for c in controls(sv_form) if c.get("data-field")}
