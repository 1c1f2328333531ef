"""A campaign's events: when and where each one is, in its own time zone, and whether it is over.

Dates in ``campaign.yaml`` are the local time of the event (``2027-03-06T11:00``); the
optional ``timezone`` (an IANA name such as ``America/New_York``) says where that clock
hangs. A date without a time is an all-day event. Whether an event is past is decided
against the *build date*, never the clock of the machine that builds, so the same
content always gives the same pages (see :func:`build_instant`); the site's script hides
events that have ended since then.

Everything here is pure: values in, values out. :mod:`handbill.calendar_files` writes
the ``.ics`` files from the same :class:`Event` values.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_time, get_timezone_name

from .diagnostics import Diagnostics, did_you_mean
from .formats import LocaleFormats, to_digits
from .localecodes import country_codes, text_direction
from .slugs import ascii_slug

UTC = dt.timezone.utc
ON_CAMPAIGN_PAGE = 5  # upcoming events listed on the campaign page; the events page has them all
_COORDINATES = re.compile(r"\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*")


@dataclass(frozen=True)
class Event:
    """One event of a campaign, as written (the title in the page's locale)."""

    index: int  # its place in campaign.yaml's list: events.<index>
    slug: str  # file name of its .ics: the date and the original title, same in every locale
    title: str
    start: dt.date | dt.datetime  # local time of the event (a date: all day)
    end: dt.date | dt.datetime | None  # same kind as start; for a date, the last day (inclusive)
    timezone: str  # IANA name, '' when not given (a "floating" local time)
    city: str = ""
    country: str = ""  # ISO 3166 code
    location: str = ""  # an address, or "lat, lon"
    url: str = ""

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    @property
    def zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None

    @property
    def coordinates(self) -> tuple[float, float] | None:
        match = _COORDINATES.fullmatch(self.location)
        if not match:
            return None
        lat, lon = float(match.group(1)), float(match.group(2))
        return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None

    def local(self, value: dt.date | dt.datetime) -> dt.datetime:
        """A local date or time of this event as an aware datetime (UTC when it has no time zone)."""
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return moment.replace(tzinfo=self.zone or UTC)

    @property
    def starts_at(self) -> dt.datetime:
        return self.local(self.start).astimezone(UTC)

    @property
    def ends_at(self) -> dt.datetime:
        """When the event counts as over: its end, or the end of its (last) day when it has no end time."""
        last = self.end if self.end is not None else self.start
        if isinstance(last, dt.datetime) and self.end is not None:
            return self.local(last).astimezone(UTC)
        day = last.date() if isinstance(last, dt.datetime) else last
        return self.local(day + dt.timedelta(days=1)).astimezone(UTC)

    def is_past(self, now: dt.datetime | None) -> bool:
        return now is not None and self.ends_at <= now


@dataclass(frozen=True)
class EventView:
    """An event ready for a template in one locale."""

    event: Event
    title_lang: str
    title_dir: str
    time_text: str  # "March 6, 2027, 11:00 AM", or the day alone for an all-day event
    time_attr: str  # for <time datetime>: the local time, with its UTC offset when the zone is known
    zone_name: str  # "Eastern Standard Time" in the page's language; '' without a time zone or time
    end_text: str  # "2:00 PM" or "March 8, 2027"; '' without an end
    end_attr: str  # for the end's <time datetime>
    country_name: str
    place: str  # "Columbus, United States": city and country for one line
    map_url: str  # OpenStreetMap, when location is given
    ics_href: str
    google_url: str
    past: bool
    ends_at: str  # ISO 8601 UTC instant, for the script that hides events over since the build

    # what templates read of the event itself
    title = property(lambda self: self.event.title)
    city = property(lambda self: self.event.city)
    location = property(lambda self: self.event.location)
    url = property(lambda self: self.event.url)
    slug = property(lambda self: self.event.slug)
    all_day = property(lambda self: self.event.all_day)


def build_instant(environ: Mapping[str, str], content_dates: Iterable[dt.date],
                  diags: Diagnostics | None = None) -> dt.datetime | None:
    """The moment a build takes as "now" for past and upcoming events.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when it is set, as in every reproducible
    build; otherwise the start (00:00 UTC) of the newest date written in the content (the
    stories' dates), so building the same files gives the same pages on any day; None
    when there is neither (then no event is past).
    """
    raw = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        if raw.isascii() and raw.isdigit():
            return dt.datetime.fromtimestamp(int(raw), UTC)
        if diags is not None:
            diags.error("SOURCE_DATE_EPOCH", 0, 0, f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {raw!r}",
                        "set it to a Unix time, like SOURCE_DATE_EPOCH=$(date +%s), or unset it")
    dates = [d for d in content_dates if isinstance(d, dt.date)]
    if not dates:
        return None
    newest = max(d.date() if isinstance(d, dt.datetime) else d for d in dates)
    return dt.datetime.combine(newest, dt.time(), UTC)


def ics_stem(day: dt.date, title: str) -> str:
    """The name of an event's .ics file: ``2027-03-06-strollers-to-the-statehouse``.

    The title is transliterated like a new story's (``Straße`` -> ``strasse``, ``Марш`` -> ``marsh``);
    a title with nothing to transliterate (Arabic, Chinese, Hindi ...) gets a short hash of
    itself instead, so two such events of a day keep their own names, build after build.
    """
    words = ascii_slug(title)
    if not words and title.strip():
        words = "event-" + hashlib.sha256(title.strip().encode("utf-8")).hexdigest()[:6]
    return f"{day.isoformat()}-{words or 'event'}"


def campaign_events(meta: Mapping[str, Any], original_meta: Mapping[str, Any]) -> list[Event]:
    """The events of a campaign, sorted by when they start.

    ``meta`` is the locale's merged values (translated titles); ``original_meta`` the
    default locale's, whose titles name the .ics files so they are the same everywhere.
    """
    originals = original_meta.get("events", [])
    events, taken = [], set()
    for index, item in enumerate(meta.get("events", [])):
        if not isinstance(item.get("date"), dt.date):
            continue  # a bad date was reported when the file was read
        original = originals[index] if index < len(originals) else item
        stem = ics_stem(_day(item["date"]), original.get("title", ""))
        slug, n = stem, 2
        while slug in taken:
            slug, n = f"{stem}-{n}", n + 1
        taken.add(slug)
        end = item.get("end")
        if end is not None and isinstance(end, dt.datetime) != isinstance(item["date"], dt.datetime):
            end = None  # reported by check_events
        timezone = item.get("timezone", "")
        events.append(Event(index, slug, item.get("title", ""), item["date"], end,
                            timezone if timezone in _zones() else "", item.get("city", ""),
                            item.get("country", ""), item.get("location", ""), item.get("url", "")))
    return sorted(events, key=lambda e: (e.starts_at, e.slug))


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_events(meta: Mapping[str, Any], where: Callable[[str], tuple[Any, int, int]], diags: Diagnostics) -> None:
    """Report unknown time zones and countries, and ends that come before their start.

    ``where(dotted_key)`` gives the (file, line, column) that wrote a key.
    """
    for index, item in enumerate(meta.get("events", [])):
        key = f"events.{index}"
        zone = item.get("timezone")
        if zone and zone not in _zones():
            close = did_you_mean(zone, _zones()) or did_you_mean(zone.replace(" ", "_").title(), _zones())
            diags.error(*where(f"{key}.timezone"), f"{key}.timezone: {zone!r} is not a time zone name",
                        close or "write the IANA name of the place, like America/New_York, Europe/Stockholm or "
                                 "Africa/Nairobi (the list: https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)")
        country = item.get("country")
        if country and country not in country_codes():
            guess = country.upper() if country.upper() in country_codes() else ""
            diags.error(*where(f"{key}.country"), f"{key}.country: {country!r} is not a country code",
                        f"write country: {guess}" if guess else "write the two-letter code, like country: US or SE")
        start, end = item.get("date"), item.get("end")
        if not isinstance(start, dt.date) or end is None:
            continue
        if isinstance(end, dt.datetime) != isinstance(start, dt.datetime):
            diags.error(*where(f"{key}.end"), f"{key}.end must be written like date: both with a time, or both without",
                        f"write end: {_day(start).isoformat()}T16:00 for a time, or a date alone for an all-day event")
        elif end < start:
            diags.error(*where(f"{key}.end"), f"{key}.end is before the event starts ({end.isoformat()} < "
                        f"{start.isoformat()})", "check the date and time; write the local time at the event")


def event_view(event: Event, *, lang: str, formats: LocaleFormats, ics_href: str, page_url: str,
               now: dt.datetime | None, t: Callable[..., str]) -> EventView:
    locale = formats.locale
    zone_name = ""
    if event.zone is not None and not event.all_day:
        zone_name = get_timezone_name(event.local(event.start), width="long", locale=locale)
    if event.all_day:
        time_attr = event.start.isoformat()
    elif event.zone is not None:
        time_attr = event.local(event.start).isoformat(timespec="minutes")
    else:
        time_attr = event.start.isoformat(timespec="minutes")
    end_text, end_attr = "", ""
    if event.end is not None and event.end != event.start:
        end_attr = event.end.isoformat() if event.all_day else event.local(event.end).isoformat(timespec="minutes") \
            if event.zone is not None else event.end.isoformat(timespec="minutes")
        same_day = _day(event.end) == _day(event.start)
        end_text = _time_only(event.end, formats) if same_day and not event.all_day else formats.datetime(event.end)
    country_name = (locale.territories.get(event.country) or event.country) if event.country else ""
    return EventView(
        event=event, title_lang=lang, title_dir=text_direction(lang),
        time_text=formats.datetime(event.start), time_attr=time_attr, zone_name=zone_name, end_text=end_text, end_attr=end_attr,
        country_name=country_name, place=", ".join(p for p in (event.city, country_name) if p),
        map_url=map_url(event, country_name), ics_href=ics_href,
        google_url=google_calendar_url(event, page_url, country_name), past=event.is_past(now),
        ends_at=event.ends_at.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _time_only(value: dt.datetime, formats: LocaleFormats) -> str:
    return to_digits(format_time(value.time(), format="short", locale=formats.locale), formats.numbering)


def map_url(event: Event, country_name: str = "") -> str:
    """An OpenStreetMap link: a marker for coordinates, a search for an address (no embedded map)."""
    if not event.location:
        return ""
    coordinates = event.coordinates
    if coordinates:
        lat, lon = (f"{c:.6f}".rstrip("0").rstrip(".") for c in coordinates)
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    parts = [event.location] + [p for p in (event.city, country_name) if p and p not in event.location]
    return "https://www.openstreetmap.org/search?" + urlencode({"query": ", ".join(parts)}, quote_via=quote)


def google_calendar_url(event: Event, page_url: str, country_name: str = "") -> str:
    """Google Calendar's "add event" link (a plain link; Apple, Outlook and the rest take the .ics)."""
    def stamp(value: dt.date | dt.datetime) -> str:
        return value.strftime("%Y%m%dT%H%M%S") if isinstance(value, dt.datetime) else value.strftime("%Y%m%d")

    if event.all_day:
        last = event.end or event.start
        dates = f"{stamp(event.start)}/{stamp(last + dt.timedelta(days=1))}"  # Google's end day is exclusive
    else:
        dates = f"{stamp(event.start)}/{stamp(event.end or event.start)}"
    params = {"action": "TEMPLATE", "text": event.title, "dates": dates}
    if event.timezone and not event.all_day:
        params["ctz"] = event.timezone
    where = calendar_location(event, country_name)
    if where:
        params["location"] = where
    params["details"] = event.url or page_url
    return "https://calendar.google.com/calendar/render?" + urlencode(params, quote_via=quote)


def calendar_location(event: Event, country_name: str = "") -> str:
    """The place as one line for calendars: the address (unless it is coordinates), city, country."""
    address = "" if event.coordinates else event.location
    parts = [address] + [p for p in (event.city, country_name or event.country) if p and p not in address]
    return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class EventGroup:
    """Events of one country, by city."""

    country_name: str  # '' for events without a country
    cities: tuple[tuple[str, tuple[EventView, ...]], ...]  # (city or '', events by date)


def group_events(views: Iterable[EventView]) -> tuple[EventGroup, ...]:
    """Events grouped by country, then by city, everything in date order.

    Events are sorted by when they start; a city comes where its first event does, and a
    country where its first city does, so the page still reads from the next event on.
    Events without a country form the group named ''; those without a city, the city ''.
    """
    by_country: dict[str, dict[str, list[EventView]]] = {}
    for view in sorted(views, key=_when):  # dicts keep the order in which keys first appear
        by_country.setdefault(view.country_name, {}).setdefault(view.city, []).append(view)
    return tuple(EventGroup(name, tuple((city, tuple(events)) for city, events in cities.items()))
                 for name, cities in by_country.items())


def _when(view: EventView) -> tuple[dt.datetime, str]:
    return view.event.starts_at, view.event.slug
