"""The petition form as data: fields, labels, hidden values, honeypot, counter.

The template draws whatever this model says; the form works as a plain HTML POST
with JavaScript off. Field names come from config, which is validated in
:mod:`handbill.schema`, so nothing here can inject markup.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from babel import Locale
from babel.numbers import format_decimal

from .schema import deep_merge


@dataclass(frozen=True)
class FieldSpec:
    input_type: str  # text, email, tel, select, textarea
    autocomplete: str
    inputmode: str = ""
    maxlength: int = 200


FIELD_SPECS: dict[str, FieldSpec] = {
    "first_name": FieldSpec("text", "given-name", maxlength=100),
    "last_name": FieldSpec("text", "family-name", maxlength=100),
    "email": FieldSpec("email", "email", "email", 254),
    "phone": FieldSpec("tel", "tel", "tel", 40),
    "postal_code": FieldSpec("text", "postal-code", maxlength=20),
    "city": FieldSpec("text", "address-level2", maxlength=100),
    "country": FieldSpec("select", "country"),
    "comment": FieldSpec("textarea", "off", maxlength=1000),
}
DEFAULT_FIELDS = ["first_name", "last_name", "email", "country"]
HONEYPOT_NAME = "website"  # plausible to a bot, invisible and skipped by people


@dataclass(frozen=True)
class FormField:
    key: str  # our name, for the label string
    name: str  # the name posted to the endpoint
    label: str
    input_type: str
    autocomplete: str
    inputmode: str
    required: bool
    maxlength: int
    options: tuple[tuple[str, str], ...] = ()  # for a select: (value, label)


@dataclass(frozen=True)
class PetitionForm:
    endpoint: str
    encoding: str
    fields: tuple[FormField, ...]
    hidden: tuple[tuple[str, str], ...]
    consent: str
    consent_required: bool
    goal: int | None
    count: int | None
    count_text: str
    percent: int
    count_url: str
    thank_you: str


def country_options(locale: Locale, first: str = "") -> tuple[tuple[str, str], ...]:
    """Country names in the page's language, the campaign's likely country first."""
    names = {code: name for code, name in locale.territories.items() if len(code) == 2 and code.isalpha()
             and code not in ("ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK")}
    ordered = sorted(names.items(), key=lambda item: item[1].casefold())
    if first in names:
        ordered = [(first, names[first])] + [item for item in ordered if item[0] != first]
    return tuple(ordered)


def petition_config(site_defaults: dict[str, Any], campaign: dict[str, Any]) -> dict[str, Any]:
    return deep_merge(site_defaults, campaign.get("petition", {}))


def build_form(config: dict[str, Any], *, campaign: str, locale_code: str, locale: Locale, thanks_url: str,
               t: Callable[..., str]) -> PetitionForm | None:
    """The form for one campaign in one locale, or None when there is no endpoint."""
    endpoint = config.get("endpoint")
    if not endpoint:
        return None
    renames = config.get("field_names", {})
    required = set(config.get("required", ["first_name", "email"]))
    fields = []
    for key in config.get("fields", DEFAULT_FIELDS):
        spec = FIELD_SPECS[key]
        options = country_options(locale, config.get("country", "")) if key == "country" else ()
        fields.append(FormField(key, renames.get(key, key), t(f"field_{key}"), spec.input_type, spec.autocomplete,
                                spec.inputmode, key in required, spec.maxlength, options))
    hidden = {"campaign": campaign, "locale": locale_code, "source": "", "thank_you_url": thanks_url}
    hidden.update(config.get("hidden", {}))
    hidden = {renames.get(k, k): v for k, v in hidden.items()}
    goal, count = config.get("goal"), config.get("count")
    count_text, percent = "", 0
    if goal:
        shown = count or 0
        count_text = t("signed_count", n=goal, count=format_decimal(shown, locale=locale),
                       goal=format_decimal(goal, locale=locale))
        percent = min(100, shown * 100 // goal)
    return PetitionForm(endpoint, config.get("encoding", "form"), tuple(fields), tuple(hidden.items()),
                        config.get("consent", ""), bool(config.get("consent_required", False)), goal, count,
                        count_text, percent, config.get("count_url", ""), config.get("thank_you", ""))
