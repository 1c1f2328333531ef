"""Checks on a campaign's petition settings that need more than one key to decide.

:mod:`handbill.schema` has checked each value alone (the endpoint is an https://
address, the goal a number, hidden keys usable names). Here the settings are checked
together and against the chosen provider, and every problem is reported at the line
that wrote it, all at once.
"""
from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit


from .diagnostics import Diagnostics, did_you_mean
from .localecodes import country_codes
from .providers import (ACTION_NETWORK_PATH, ALWAYS_HIDDEN, FIELD_NAME, FIELD_NAME_HINT, HONEYPOT_NAME, answers_scripts,
                        own_names, provider_named)

if TYPE_CHECKING:
    from .petition import PetitionSettings



def check_petition(settings: PetitionSettings, diags: Diagnostics) -> None:
    """Report every problem of one campaign's petition settings."""

    def error(key: str, message: str, hint: str) -> None:
        diags.error(*settings.where(key), f"petition.{key}: {message}" if key else message, hint)

    config = settings.values
    provider = provider_named(config.get("provider"))
    fields = list(config.get("fields", ["first_name", "last_name", "email", "country"]))
    for index, key in enumerate(config.get("required", [])):
        if key not in fields:
            error(f"required.{index}", f"`{key}` is required but not in the form's fields",
                  f"add {key} to fields: [...], or remove it from required")
    if config.get("consent_required") and not config.get("consent"):
        error("consent_required", "there is no consent checkbox to require",
              "add consent: with the sentence supporters agree to, or remove consent_required")
    check_field_names(config, provider, [*fields, "consent"], error)
    check_encoding(config, provider, error)
    if provider.name == "actionnetwork":
        _check_action_network(config, error)
    elif provider.name != "generic" and provider.needs_endpoint and not config.get("endpoint"):
        error("provider", f"{provider.name} needs the address of your form",
              "add endpoint: with the form's address, like https://formspree.io/f/abcdwxyz")
    elif provider.needs_endpoint and not config.get("endpoint") and (block := _original_petition(settings)):
        diags.warning(*block, "petition: has settings but no endpoint, so this campaign shows no "
                      "petition form", "add endpoint: with the address your form service gave you, like "
                      "https://forms.example.org/sign (indented under petition:), or remove petition:")
    _check_goals(config, error)
    ladder, count = config.get("goal_ladder", []), config.get("count")
    if ladder and count is not None and count >= max(ladder):
        diags.warning(*settings.where("count"), f"petition.count: {count} is past your last goal, {max(ladder)}",
                      "add a bigger goal to goal_ladder, or remove goal_ladder and handbill offers the next "
                      "round numbers")
    country = config.get("country")
    if country and country not in country_codes():
        guess = country.upper() if country.upper() in country_codes() else ""
        error("country", f"{country!r} is not a country code",
              f"write country: {guess}" if guess else "write the two-letter code, like country: US or country: SE")


def check_encoding(config, provider, error) -> None:
    """The encoding the script sends must be one the service can take (shared with the story form)."""
    sent = "json" if provider.name == "actionnetwork" else config.get("encoding", provider.encodings[0])
    if sent == "json" and not answers_scripts(config):
        # without CORS a script may only send what a plain form sends: the JSON would arrive as nothing usable
        key, fix = ("cors", "remove cors: false") if provider.name == "actionnetwork" else \
            ("encoding", "remove encoding, or write encoding: form")
        error(key, "a service that does not answer scripts (cors: false) only takes form encoding", fix)
    elif provider.name == "netlify" and sent == "json":
        error("encoding", "Netlify Forms only accepts form encoding", "remove encoding, or write encoding: form")


def _original_petition(settings: PetitionSettings) -> tuple | None:
    """Where the original campaign.yaml (not a translation, not site.yaml) writes its ``petition:`` block, if it does:
    the one place to report a block without an endpoint, once for every language."""
    campaigns = [source for source in settings.sources if source.path.name == "campaign.yaml"]
    original = campaigns[-1] if campaigns else None  # the sources go from the most specific: a translation first
    if original is None or "petition" not in original.data.positions:
        return None
    return (original.path, *original.data.positions["petition"])


def check_field_names(config, provider, visible: list[str], error) -> None:
    """Renames (``field_names``) must name something the form sends and be usable names, and no two
    things may be sent under one name, nor under a name the provider's form sends for the service itself.

    ``visible``: the keys of the fields and checkboxes people fill in. Shared by the petition and the
    story form (:mod:`handbill.submissions`).
    """
    if not provider.named_fields:
        return
    hidden = config.get("hidden", {})
    renames = config.get("field_names", {})
    sent_as_ours = ["thank_you_url"] if provider.thank_you_field == "thank_you_url" else []
    known = list(dict.fromkeys([*visible, *[k for k in ALWAYS_HIDDEN if k != "thank_you_url"],
                                *sent_as_ours, *hidden, HONEYPOT_NAME]))
    for key, name in renames.items():
        if key not in known:
            suggestion = did_you_mean(key, known)
            error(f"field_names.{key}", f"the form sends no field called `{key}`",
                  suggestion or f"the fields you can rename are: {', '.join(known)}")
        elif not FIELD_NAME.fullmatch(name):
            error(f"field_names.{key}", f"{name!r} is not a usable field name", FIELD_NAME_HINT)
    reserved = own_names(provider)
    senders: dict[str, list[tuple[str, bool]]] = {}  # posted name -> our keys sent under it (and is it the trap)
    for key in [k for k in known if k != HONEYPOT_NAME or k in hidden]:
        senders.setdefault(renames.get(key, key), []).append((key, False))
    senders.setdefault(renames.get(HONEYPOT_NAME, HONEYPOT_NAME), []).append((HONEYPOT_NAME, True))
    for name, sent in senders.items():
        keys = [key for key, _ in sent]
        key = next((k for k in keys if k in renames), keys[0])  # blame the rename that caused it
        where = f"field_names.{key}" if key in renames else f"hidden.{key}"
        if name in reserved:
            error(where, f"`{name}` is a name the {provider.name} form sends for the service itself",
                  f"choose another name than {name}")
        elif len(sent) > 1 and HONEYPOT_NAME in renames and any(trap for _, trap in sent):
            others = " and ".join(f"`{k}`" for k, trap in sent if not trap)
            error(where, f"the form's trap for spam robots (`{HONEYPOT_NAME}`, a field people never see) and "
                         f"{others} would both be sent as `{name}`", "give each one its own name in field_names")
        elif len(sent) > 1 and any(trap for _, trap in sent):
            error(where, f"`{name}` is the name of the form's trap for spam robots (a field people never see)",
                  f"choose another name than {name}")
        elif len(sent) > 1:
            error(where, f"{' and '.join(f'`{k}`' for k in keys)} would {'both' if len(keys) == 2 else 'all'} "
                         f"be sent as `{name}`",
                  "give each one its own name in field_names")


def _check_action_network(config, error) -> None:
    endpoint = config.get("endpoint", "")
    example = "https://actionnetwork.org/api/v2/petitions/<petition id>/signatures"
    if not endpoint:
        error("provider", "Action Network needs the petition's API address", f"add endpoint: {example}")
    elif not ACTION_NETWORK_PATH.fullmatch(urlsplit(endpoint).path):
        error("endpoint", "an Action Network endpoint is the petition's signatures address in their API",
              f"write endpoint: {example} (the petition id is in the API browser, or "
              "the embed code's petition address)")
    if not config.get("page_url"):
        error("provider", "Action Network needs page_url, the petition's own page on Action Network",
              "add page_url: https://actionnetwork.org/petitions/<your-petition>; supporters without "
              "JavaScript, or when Action Network cannot be reached, sign there")


def _check_goals(config, error) -> None:
    goal, ladder = config.get("goal"), config.get("goal_ladder", [])
    if ladder and not goal:
        error("goal_ladder", "the next goals need a first goal", "add goal: with the first goal, like goal: 100000")
    previous = goal or 0
    for index, step in enumerate(ladder):
        if step <= previous:
            error(f"goal_ladder.{index}", f"each next goal must be bigger than the one before, got {step}",
                  f"write the goals from small to big, each above {previous}")
        previous = max(previous, step)
