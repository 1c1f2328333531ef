"""The petition form as data: fields, labels, hidden values, honeypots and the provider's wiring.

The template draws whatever this model says; the form works as a plain HTML POST
with JavaScript off, and ``static/handbill.js`` enhances it. Field names come from
config that :mod:`handbill.petition_checks` has validated, and the template escapes
everything, so nothing here can inject markup.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from babel import Locale

from .collation import collation_key
from .counter import Counter, build_counter
from .country_order import shipped_order
from .diagnostics import Diagnostics
from .petition_checks import check_petition
from .providers import HONEYPOT_NAME, Provider, answers_scripts, provider_named
from .schema import Parsed, deep_merge


@dataclass(frozen=True)
class FieldSpec:
    input_type: str  # text, email, tel, select, textarea
    autocomplete: str
    inputmode: str = ""
    maxlength: int = 200
    dir: str = "auto"  # names in any script; addresses and numbers left-to-right


FIELD_SPECS: dict[str, FieldSpec] = {
    "first_name": FieldSpec("text", "given-name", maxlength=100),
    "last_name": FieldSpec("text", "family-name", maxlength=100),
    "email": FieldSpec("email", "email", "email", 254, dir="ltr"),
    "phone": FieldSpec("tel", "tel", "tel", 40, dir="ltr"),
    "postal_code": FieldSpec("text", "postal-code", maxlength=20, dir="ltr"),
    "city": FieldSpec("text", "address-level2", maxlength=100),
    "country": FieldSpec("select", "country"),
    "comment": FieldSpec("textarea", "off", maxlength=1000),
}
DEFAULT_FIELDS = ["first_name", "last_name", "email", "country"]
DEFAULT_REQUIRED = ["first_name", "email"]
# Countries whose postal codes are digits only: a number keypad is quicker there.
NUMERIC_POSTCODES = {"US", "SE", "DE", "FR", "ES", "IT", "FI", "DK", "NO", "AT", "CH", "BE", "MX", "AU", "NZ",
                     "IN", "TH", "ID", "PH", "ZA", "KE", "NG", "SA", "EG", "TR", "GR", "HR", "UA"}
# CLDR codes that are not countries a person lives in (or not in ISO 3166-1).
NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}


@dataclass(frozen=True)
class FormField:
    key: str  # our name, for ids, labels and the script
    name: str  # the name posted to the endpoint ('' when the script builds the payload)
    label: str
    input_type: str
    autocomplete: str
    inputmode: str
    required: bool
    maxlength: int
    dir: str
    options: tuple[tuple[str, str], ...] = ()  # for a select: (value, label)


@dataclass(frozen=True)
class HiddenField:
    key: str  # our name: campaign, locale, source, thank_you_url, form-name, or a `hidden:` key
    name: str  # the name posted ('' when the script builds the payload)
    value: str


@dataclass(frozen=True)
class Honeypot:
    name: str  # posted name ('' when the script builds the payload)
    provider: bool  # the service's own honeypot (it rejects filled ones itself)


@dataclass(frozen=True)
class PetitionForm:
    provider: str
    method: str  # post; get for actionnetwork's no-script path to its own page
    action: str  # where the plain HTML form goes
    endpoint: str  # where the script sends the signature
    encoding: str  # form | json, for the script
    form_name: str  # netlify: the form's name; '' otherwise
    fields: tuple[FormField, ...]
    hidden: tuple[HiddenField, ...]
    honeypots: tuple[Honeypot, ...]
    consent: str  # the consent checkbox's label ('' for none)
    consent_name: str
    consent_required: bool
    counter: Counter | None
    thank_you: str
    cors: bool = True  # False: the script cannot read the service's answer (see providers.answers_scripts)


@dataclass(frozen=True)
class ConfigSource:
    """A file that wrote petition settings: where each of its keys is."""

    path: Path
    data: Parsed


@dataclass(frozen=True)
class PetitionSettings:
    """The merged ``petition:`` values of a campaign, and the files they came from."""

    values: dict[str, Any]
    sources: tuple[ConfigSource, ...]  # the most specific first: translation, campaign, site.yaml

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def where(self, key: str) -> tuple[Path, int, int]:
        """The file, line and column that wrote ``petition.<key>``, or its closest written parent."""
        wanted = f"petition.{key}" if key else "petition"
        for candidate in _parents(wanted):
            for source in self.sources:
                if candidate in source.data.positions:
                    return (source.path, *source.data.positions[candidate])
        first = self.sources[0]
        return (first.path, *first.data.where(""))


def _parents(key: str) -> list[str]:
    keys = [key]
    while "." in key:
        key = key.rpartition(".")[0]
        keys.append(key)
    return keys


def petition_config(site_defaults: dict[str, Any], campaign: dict[str, Any]) -> dict[str, Any]:
    return deep_merge(site_defaults, campaign.get("petition", {}))


def petition_settings(site, entry) -> PetitionSettings:
    """A campaign's petition settings in one locale: site.yaml's, then campaign.yaml's, then the translation's."""
    sources = [ConfigSource(entry.source.file.path, entry.source.data)]
    if entry.original is not entry.source:
        sources.append(ConfigSource(entry.original.file.path, entry.original.data))
    if site.path is not None:
        sources.append(ConfigSource(site.path, site.data))
    return PetitionSettings(petition_config(site.petition, entry.meta), tuple(sources))


def country_options(locale: Locale, first: str = "") -> tuple[tuple[str, str], ...]:
    """Country names in the page's language, in its alphabetical order, the campaign's likely country first."""
    ordered = _countries_in_order(locale)
    if first in dict(ordered):
        ordered = tuple(item for item in ordered if item[0] == first) + tuple(item for item in ordered if item[0] != first)
    return ordered


@functools.lru_cache(maxsize=64)
def _countries_in_order(locale: Locale) -> tuple[tuple[str, str], ...]:
    """(code, name) of every country, sorted as the language sorts (Österreich with the O's in German):
    in the order shipped for this locale (country_order.py), or sorted here."""
    names = _country_names(locale)
    shipped = shipped_order(str(locale), names) or _sorted_codes(names, locale.language)
    return tuple((code, names[code]) for code in shipped)


def _country_names(locale: Locale) -> dict[str, str]:
    return {code: name for code, name in locale.territories.items()
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES}


def _sorted_codes(names: dict[str, str], language: str) -> tuple[str, ...]:
    by_name = collation_key(language)
    return tuple(sorted(names, key=lambda code: by_name(names[code])))


def country_names_of(identifier: str) -> dict[str, str]:
    """The country names of a Babel locale (for country_order.py)."""
    return _country_names(Locale.parse(identifier))


def sorted_country_codes(identifier: str, names: dict[str, str]) -> tuple[str, ...]:
    """These country names of a Babel locale in its language's order, sorted now (for country_order.py)."""
    return _sorted_codes(names, Locale.parse(identifier).language)


def build_form(settings: PetitionSettings, *, campaign: str, locale_code: str, locale: Locale,
               thanks_url: str, thanks_href: str = "", t: Callable[..., str], numbering: str = "latn",
               diags: Diagnostics | None = None) -> PetitionForm | None:
    """The form for one campaign in one locale, or None when there is nowhere to send it.

    With ``diags``, the settings are checked first and every problem is reported at its line.
    """
    if diags is not None:
        check_petition(settings, diags)
    config = settings.values
    provider = provider_named(config.get("provider"))
    endpoint = config.get("endpoint", "") if provider.needs_endpoint else thanks_href
    if not endpoint:
        return None
    renames = config.get("field_names", {}) if provider.named_fields else {}

    def posted(key: str) -> str:
        return renames.get(key, key) if provider.named_fields else ""

    country = config.get("country", "")
    required = set(config.get("required", DEFAULT_REQUIRED))
    fields = []
    for key in dict.fromkeys(config.get("fields", DEFAULT_FIELDS)):
        spec = FIELD_SPECS[key]
        inputmode = "numeric" if key == "postal_code" and country in NUMERIC_POSTCODES else spec.inputmode
        options = country_options(locale, country) if key == "country" else ()
        fields.append(FormField(key, posted(key), t(f"field_{key}"), spec.input_type, spec.autocomplete, inputmode,
                                key in required, spec.maxlength, spec.dir, options))
    hidden = _hidden_fields(config, provider, campaign=campaign, locale_code=locale_code, thanks_url=thanks_url,
                            posted=posted)
    honeypots = [Honeypot(posted(HONEYPOT_NAME), False)]
    if provider.honeypot:
        honeypots.append(Honeypot(provider.honeypot, True))
    form_name = f"petition-{campaign}" if provider.name == "netlify" else ""
    method, action = "post", endpoint
    if provider.name == "actionnetwork":
        method, action = "get", config.get("page_url", "")
    encoding = "json" if provider.name == "actionnetwork" else config.get("encoding", provider.encodings[0])
    return PetitionForm(provider.name, method, action, endpoint, encoding, form_name, tuple(fields), hidden,
                        tuple(honeypots), config.get("consent", ""), posted("consent"),
                        bool(config.get("consent_required", False)), build_counter(config, t, numbering, locale_code),
                        config.get("thank_you", ""), answers_scripts(config))


def _hidden_fields(config: dict[str, Any], provider: Provider, *, campaign: str, locale_code: str, thanks_url: str,
                   posted: Callable[[str], str], form_name: str = "") -> tuple[HiddenField, ...]:
    values = {"campaign": campaign, "locale": locale_code, "source": ""}
    if provider.thank_you_field == "thank_you_url":
        values["thank_you_url"] = thanks_url
    values.update(config.get("hidden", {}))
    hidden = [HiddenField(key, posted(key), value) for key, value in values.items()]
    if provider.name == "actionnetwork":  # the plain form goes to Action Network's page: only the source travels
        hidden = [HiddenField(h.key, "source" if h.key == "source" else "", h.value) for h in hidden]
    if provider.thank_you_field and provider.thank_you_field != "thank_you_url":
        hidden.append(HiddenField("thank_you_url", provider.thank_you_field, thanks_url))
    if provider.name == "netlify":
        hidden.insert(0, HiddenField("form-name", "form-name", form_name or f"petition-{campaign}"))
    return tuple(hidden)
