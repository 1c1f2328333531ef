"""``.ics`` files (RFC 5545) for one event and for all events of a campaign, with ``icalendar``.

Calendar apps import these as they are: Apple Calendar, Outlook, Thunderbird, and
Google Calendar through "import". A timed event with a ``timezone`` is written in that
zone (``DTSTART;TZID=America/New_York:...``) with the zone's rules in a ``VTIMEZONE``
covering the years of the events; without a zone it is a "floating" local time (the
calendar shows 11:00 wherever it is opened, which suits a meeting people attend in
person); a date alone is an all-day event. The library escapes commas, semicolons and
line breaks in text and folds long lines. The bytes depend only on the content and the
build date (``DTSTAMP``), so a rebuild writes the same files.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable
from urllib.parse import urlsplit

from .events import UTC, Event, calendar_location

if TYPE_CHECKING:
    import icalendar

PRODID = "-//handbill//campaign events//EN"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)


def event_uid(event: Event, campaign: str, base_url: str) -> str:
    """Stable across builds and locales: the same event is the same calendar entry in every language."""
    host = urlsplit(base_url).hostname or "handbill.invalid"
    return f"{campaign}-{event.slug}@{host}"


def _vevent(event: Event, *, campaign: str, base_url: str, page_url: str, country_name: str,
            stamp: dt.datetime, description: str) -> icalendar.Event:
    import icalendar  # loaded only by sites with events: it costs every build 50 ms otherwise

    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event, campaign, base_url))
    vevent.add("dtstamp", stamp)
    vevent.add("summary", event.title)
    if event.all_day:
        last = event.end or event.start
        vevent.add("dtstart", event.start)
        vevent.add("dtend", last + dt.timedelta(days=1))  # DTEND of a date is exclusive
    else:
        zone = event.zone
        vevent.add("dtstart", event.start.replace(tzinfo=zone) if zone else event.start)
        if event.end is not None:
            vevent.add("dtend", event.end.replace(tzinfo=zone) if zone else event.end)
    where = calendar_location(event, country_name)
    if where:
        vevent.add("location", where)
    if event.coordinates:
        vevent.add("geo", event.coordinates)
    vevent.add("url", event.url or page_url)
    if description:
        vevent.add("description", description)
    return vevent


def calendar_bytes(events: Iterable[Event], *, name: str, campaign: str, base_url: str, page_url: str,
                   country_names: dict[str, str], build_date: dt.datetime | None, description: str = "") -> bytes:
    """A VCALENDAR with one VEVENT per event, and a VTIMEZONE for every zone they use.

    ``country_names`` maps country codes to names in the calendar's language;
    ``description`` goes into every event (the campaign's title and page). Remembered by
    all of its inputs, so the preview server does not write the same calendar on every save.
    """
    return _calendar(tuple(events), name, campaign, base_url, page_url, tuple(sorted(country_names.items())),
                     build_date, description)


@lru_cache(maxsize=1024)
def _calendar(events: tuple[Event, ...], name: str, campaign: str, base_url: str, page_url: str,
              country_names: tuple[tuple[str, str], ...], build_date: dt.datetime | None, description: str) -> bytes:
    import icalendar  # see _vevent

    names = dict(country_names)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", icalendar.vText(name))  # an X- property is raw unless typed: escape it as TEXT
    stamp = build_date or EPOCH
    for event in events:
        calendar.add_component(_vevent(event, campaign=campaign, base_url=base_url, page_url=page_url,
                                       country_name=names.get(event.country, event.country), stamp=stamp,
                                       description=description))
    zoned = [e for e in events if e.zone is not None and not e.all_day]
    if zoned:  # the rules of each zone used (UTC is written with Z), for the years of the events, sorted
        first = dt.date(min(e.start.year for e in zoned), 1, 1)
        last = dt.date(max((e.end or e.start).year for e in zoned) + 1, 1, 1)
        for index, tzid in enumerate(sorted(calendar.get_missing_tzids())):
            calendar.subcomponents.insert(index, icalendar.Timezone.from_tzid(tzid, first_date=first, last_date=last))
    return calendar.to_ical()
