"""Bad petition settings: every problem at once, each at its campaign.yaml line and column, with a hint."""
from __future__ import annotations

import pytest

from conftest import MINIMAL, errors_of, run_build

NO_ENDPOINT_SITE = "title: Test Site\nbase_url: https://example.org/\n"


def problems(make_project, campaign_yaml: str, site_yaml: str | None = None) -> list[str]:
    files = {**MINIMAL, "content/en/c/campaign.yaml": campaign_yaml}
    if site_yaml is not None:
        files["content/site.yaml"] = site_yaml
    project = make_project(files)
    code, _, stderr = run_build(project)
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert not (project / "site").exists()
    return [block for block in errors_of(stderr) if not block.startswith("Build failed")]


def test_every_problem_of_a_petition_block_is_reported_at_its_line(make_project):
    blocks = problems(make_project, (
        "title: Clean water\n"
        "petition:\n"
        "  endpoint: http://forms.example.org/sign\n"
        "  count_url: https://user:secret@forms.example.org/count.json\n"
        "  fields: [first_name, email]\n"
        "  required: [first_name, phone]\n"
        '  field_names: {postal_code: zip, email: "e mail"}\n'
        '  hidden: {"bad name": x}\n'
        "  consent_required: true\n"
        "  goal: 1000\n"
        "  goal_ladder: [5000, 2000]\n"
        "  country: se\n"
    ))
    assert blocks == [
        "content/en/c/campaign.yaml:3:13: petition.endpoint must be a full https:// address, "
        "got 'http://forms.example.org/sign'\n"
        "  hint: write the whole address, starting with https://, like https://forms.example.org/sign",
        "content/en/c/campaign.yaml:4:14: petition.count_url must not contain a user name or password\n"
        "  hint: remove the part before @; keep passwords out of files that get published",
        "content/en/c/campaign.yaml:6:26: petition.required.1: `phone` is required but not in the form's fields\n"
        "  hint: add phone to fields: [...], or remove it from required",
        "content/en/c/campaign.yaml:7:30: petition.field_names.postal_code: the form sends no field called "
        "`postal_code`\n"
        "  hint: the fields you can rename are: first_name, email, consent, campaign, locale, source, thank_you_url, "
        "website",
        "content/en/c/campaign.yaml:7:42: petition.field_names.email: 'e mail' is not a usable field name\n"
        "  hint: use only letters, digits and _ - . : [ ] (at most 64)",
        "content/en/c/campaign.yaml:8:12: petition.hidden: 'bad name' is not a usable field name\n"
        "  hint: use only letters, digits and _ - . : [ ] (at most 64)",
        "content/en/c/campaign.yaml:9:21: petition.consent_required: there is no consent checkbox to require\n"
        "  hint: add consent: with the sentence supporters agree to, or remove consent_required",
        "content/en/c/campaign.yaml:11:23: petition.goal_ladder.1: each next goal must be bigger than the one "
        "before, got 2000\n"
        "  hint: write the goals from small to big, each above 5000",
        "content/en/c/campaign.yaml:12:12: petition.country: 'se' is not a country code\n"
        "  hint: write country: SE",
    ]


def test_localhost_endpoints_are_allowed_for_testing(make_project):
    for endpoint in ("http://localhost:8080/sign", "http://127.0.0.1:9000/sign"):
        project = make_project({**MINIMAL, "content/en/c/campaign.yaml":
                                f"title: Clean water\npetition:\n  endpoint: {endpoint}\n"})
        code, _, stderr = run_build(project)
        assert code == 0, stderr


def test_markup_in_a_renamed_field_name_is_refused(make_project):
    blocks = problems(make_project, 'title: W\npetition:\n  field_names: {email: "x\\"><script>"}\n')
    assert len(blocks) == 1
    assert blocks[0].startswith("content/en/c/campaign.yaml:3:24: petition.field_names.email: ")
    assert "is not a usable field name" in blocks[0]


def test_two_fields_sent_under_one_name_is_an_error(make_project):
    blocks = problems(make_project, "title: W\npetition:\n  field_names: {first_name: email}\n")
    assert blocks == ["content/en/c/campaign.yaml:3:29: petition.field_names.first_name: `first_name` and `email` "
                      "would both be sent as `email`\n"
                      "  hint: give each one its own name in field_names"]


def test_a_name_the_form_uses_itself_cannot_be_taken(make_project):
    blocks = problems(make_project, "title: W\npetition:\n  hidden: {website: x}\n")
    assert blocks == ["content/en/c/campaign.yaml:3:21: petition.hidden.website: `website` is the name of the form's "
                      "trap for spam robots (a field people never see)\n  hint: choose another name than website"]


def test_a_name_the_provider_sends_for_itself_cannot_be_taken_but_others_may_use_it(make_project):
    blocks = problems(make_project, "title: W\npetition:\n  provider: formspree\n"
                                    "  endpoint: https://formspree.io/f/abcd\n  field_names: {email: _gotcha}\n")
    assert blocks == ["content/en/c/campaign.yaml:5:24: petition.field_names.email: `_gotcha` is a name the formspree "
                      "form sends for the service itself\n  hint: choose another name than _gotcha"]
    project = make_project({**MINIMAL, "content/en/c/campaign.yaml":  # the generic form sends neither
                            "title: W\npetition:\n  field_names: {thank_you_url: _next}\n  hidden: {_gotcha: ''}\n"})
    code, _, stderr = run_build(project)
    assert code == 0, stderr


def test_the_honeypot_renamed_onto_a_field_is_an_error(make_project):
    blocks = problems(make_project, "title: W\npetition:\n  field_names: {website: email}\n")
    assert blocks == ["content/en/c/campaign.yaml:3:26: petition.field_names.website: the form's trap for spam robots "
                      "(`website`, a field people never see) and `email` would both be sent as `email`\n"
                      "  hint: give each one its own name in field_names"]


def test_netlify_forms_cannot_take_json(make_project):
    blocks = problems(make_project, "title: W\npetition:\n  provider: netlify\n  encoding: json\n")
    assert blocks == ["content/en/c/campaign.yaml:4:13: petition.encoding: Netlify Forms only accepts form encoding\n"
                      "  hint: remove encoding, or write encoding: form"]


def test_formspree_without_an_endpoint_says_where_to_find_it(make_project):
    blocks = problems(make_project, "title: W\npetition:\n  provider: formspree\n", site_yaml=NO_ENDPOINT_SITE)
    assert blocks == ["content/en/c/campaign.yaml:3:13: petition.provider: formspree needs the address of your form\n"
                      "  hint: add endpoint: with the form's address, like https://formspree.io/f/abcdwxyz"]


def test_action_network_needs_its_api_address_and_the_petitions_page(make_project):
    blocks = problems(make_project, (
        "title: W\n"
        "petition:\n"
        "  provider: actionnetwork\n"
        "  endpoint: https://actionnetwork.org/petitions/clean-water\n"
    ))
    assert [block.split("\n")[0] for block in blocks] == [
        "content/en/c/campaign.yaml:3:13: petition.provider: Action Network needs page_url, the petition's own "
        "page on Action Network",
        "content/en/c/campaign.yaml:4:13: petition.endpoint: an Action Network endpoint is the petition's "
        "signatures address in their API",
    ]
    assert "https://actionnetwork.org/api/v2/petitions/<petition id>/signatures" in blocks[1]


def test_errors_in_site_yaml_defaults_point_at_site_yaml(make_project):
    blocks = problems(make_project, "title: W\n", site_yaml=NO_ENDPOINT_SITE + (
        "petition:\n"
        "  endpoint: https://forms.example.org/sign\n"
        "  required: [phone]\n"
    ))
    assert blocks == ["content/site.yaml:5:14: petition.required.0: `phone` is required but not in the form's "
                      "fields\n  hint: add phone to fields: [...], or remove it from required"]


def test_a_count_past_the_last_written_goal_is_a_warning(make_project):
    project = make_project({**MINIMAL, "content/en/c/campaign.yaml":
                            "title: W\npetition:\n  goal: 1000\n  goal_ladder: [2000]\n  count: 5000\n"})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    assert ("content/en/c/campaign.yaml:5:10: warning: petition.count: 5000 is past your last goal, 2000\n"
            "  hint: add a bigger goal to goal_ladder, or remove goal_ladder and handbill offers the next round "
            "numbers") in stderr


def test_an_address_whose_host_cannot_exist_is_an_error_and_never_reaches_the_security_policy(make_project):
    """A `;` in a host once ended a directive of `_headers` and started another (script-src-elem ...)."""
    hosts = ["forms.example.net;script-src-elem", "a..example", "-a.example", "*.example.org", "a.example,b.example"]
    for host in hosts:
        blocks = problems(make_project, f"title: W\npetition:\n  endpoint: https://{host}/sign\n")
        assert blocks == [f"content/en/c/campaign.yaml:3:13: petition.endpoint: {host!r} is not the name of a web "
                          "server\n  hint: copy the address again from your browser's address bar, like "
                          "https://forms.example.org/sign"], host


def test_the_security_policy_holds_only_scheme_host_and_port():
    from handbill.headers import petition_origins
    form_action, connect = petition_origins([
        {"endpoint": "https://forms.example.org/sign", "count_url": "https://x.example;script-src *"},
        {"endpoint": "https://a.example,b.example/sign"}, {"endpoint": "http://127.0.0.1:8123/sign"}])
    assert form_action == ["http://127.0.0.1:8123", "https://forms.example.org"]
    assert connect == ["http://127.0.0.1:8123", "https://forms.example.org"]


def test_petition_settings_without_an_endpoint_are_a_warning(make_project):
    """An endpoint indented wrongly leaves the rest of the block: the campaign would silently show no form."""
    project = make_project({**MINIMAL, "content/site.yaml": NO_ENDPOINT_SITE,
                            "content/en/c/campaign.yaml": "title: W\npetition:\n  goal: 1000\n  count: 420\n"
                                                          "endpoint: https://forms.example.org/sign\n",
                            "content/en/d/campaign.yaml": "title: Stories only\n"})
    code, _, stderr = run_build(project)
    assert code == 0  # (the endpoint at the top is an unknown key of campaign.yaml: a warning too)
    assert stderr.count("has settings but no endpoint") == 1
    assert ("content/en/c/campaign.yaml:3:3: warning: petition: has settings but no endpoint, so this campaign "
            "shows no petition form\n") in stderr


NO_CORS = "a service that does not answer scripts (cors: false) only takes form encoding"


@pytest.mark.parametrize("campaign_yaml, where, hint", [
    ("petition:\n  cors: false\n  encoding: json\n", "4:13: petition.encoding", "remove encoding, or write encoding: form"),
    ("petition:\n  provider: actionnetwork\n  endpoint: https://actionnetwork.org/api/v2/petitions/abc/signatures\n"
     "  page_url: https://actionnetwork.org/petitions/w\n  cors: false\n", "6:9: petition.cors", "remove cors: false"),
    ("stories:\n  submit:\n    endpoint: https://forms.example.org/s\n    encoding: json\n    cors: false\n",
     "5:15: stories.submit.encoding", "remove encoding, or write encoding: form"),
])
def test_json_cannot_go_to_a_service_that_does_not_answer_scripts(make_project, campaign_yaml, where, hint):
    """Without CORS a script may send only what a plain form sends (Action Network always takes JSON)."""
    assert problems(make_project, "title: W\n" + campaign_yaml) == [
        f"content/en/c/campaign.yaml:{where}: {NO_CORS}\n  hint: {hint}"]


def test_a_petition_block_without_an_endpoint_is_reported_once_at_the_original(make_project):
    project = make_project({**MINIMAL, "content/site.yaml": NO_ENDPOINT_SITE + "locales: [en, sv]\n",
                            "content/en/c/campaign.yaml": "title: W\npetition:\n  consent: I agree.\n",
                            "content/sv/c/campaign.yaml": "title: V\npetition:\n  consent: Jag håller med.\n"})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    assert stderr.count("has settings but no endpoint") == 1
    assert "content/en/c/campaign.yaml:3:3: warning: petition: has settings but no endpoint" in stderr
