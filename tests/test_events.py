"""Events: time zones, sorting and grouping, past and upcoming from a fixed build date, and the .ics
files read back with icalendar."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest

from conftest import MINIMAL, SITE_YAML, build_files, errors_of, parse_html, run_build, story, text_of, write_project
from handbill.calendar_files import calendar_bytes
from handbill.diagnostics import Diagnostics
from handbill.events import build_instant, campaign_events, map_url

UTC = dt.timezone.utc
BUILT = dt.datetime(2026, 6, 5, tzinfo=UTC)  # the fixed build date of these tests
EPOCH = str(int(BUILT.timestamp()))

CAMPAIGN = """\
title: Water
summary: Water for every school.
events:
  - title: Vigil, candles; and songs
    date: 2026-03-01
    city: Nairobi
    country: KE
  - title: Rally at the Capitol
    date: 2026-12-05T14:00
    timezone: America/New_York
    end: 2026-12-05T16:00
    city: Washington
    country: US
    location: 38.8899, -77.0091
    url: https://example.org/rally
  - title: March to Uhuru Park
    date: 2026-06-10T10:00
    timezone: Africa/Nairobi
    city: Nairobi
    country: KE
    location: Uhuru Park
  - title: Picnic
    date: 2026-06-01T12:00
    timezone: Europe/Stockholm
    city: Stockholm
    country: SE
  - title: Online call
    date: 2026-07-01T18:00
    timezone: UTC
  - title: Late-night vigil
    date: 2026-06-04T23:30
    timezone: America/Los_Angeles
    city: Oakland
    country: US
"""

SITE = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n", "content/en/c/campaign.yaml": CAMPAIGN,
        "content/sv/c/campaign.yaml": "title: Vatten\nevents:\n  - title: Vaka, ljus; och sång\n" + "  - {}\n" * 5}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    project = write_project(tmp_path_factory.mktemp("events"), SITE)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return build_files(project)


def titles(element) -> list[str]:
    return [text_of(strong) for strong in element.iter("strong")]


def section(tree, css: str):
    return next(s for s in tree.iter("section") if css in (s.get("class") or "").split())


# --- the build date ----------------------------------------------------------------------------------

def test_source_date_epoch_is_the_build_date():
    assert build_instant({"SOURCE_DATE_EPOCH": EPOCH}, [dt.date(2030, 1, 1)]) == BUILT


def test_without_source_date_epoch_the_newest_content_date_is_the_build_date():
    assert build_instant({}, [dt.date(2026, 5, 1), dt.date(2026, 5, 28), dt.date(2025, 1, 1)]) == \
        dt.datetime(2026, 5, 28, tzinfo=UTC)
    assert build_instant({}, []) is None


def test_a_malformed_source_date_epoch_is_an_error():
    diags = Diagnostics()
    build_instant({"SOURCE_DATE_EPOCH": "yesterday"}, [], diags)
    assert "SOURCE_DATE_EPOCH must be a whole number of seconds" in diags.errors[0].message


# --- events as values ----------------------------------------------------------------------------------

def events_of(meta):
    return campaign_events(meta, meta)


def test_events_are_sorted_by_when_they_start_across_time_zones():
    meta = {"events": [
        {"title": "Stockholm noon", "date": dt.datetime(2026, 6, 1, 12, 0), "timezone": "Europe/Stockholm"},  # 10:00 UTC
        {"title": "New York morning", "date": dt.datetime(2026, 6, 1, 7, 0), "timezone": "America/New_York"},  # 11:00 UTC
        {"title": "Nairobi dawn", "date": dt.datetime(2026, 6, 1, 6, 0), "timezone": "Africa/Nairobi"},  # 03:00 UTC
        {"title": "All day before", "date": dt.date(2026, 5, 31)},
    ]}
    assert [e.title for e in events_of(meta)] == ["All day before", "Nairobi dawn", "Stockholm noon", "New York morning"]


def test_past_and_upcoming_with_a_fixed_build_date():
    now = dt.datetime(2026, 6, 5, 12, 0, tzinfo=UTC)
    meta = {"events": [
        {"title": "Yesterday all day", "date": dt.date(2026, 6, 4)},
        {"title": "Today all day", "date": dt.date(2026, 6, 5)},
        {"title": "This morning, no end", "date": dt.datetime(2026, 6, 5, 9, 0), "timezone": "Europe/London"},
        {"title": "Ended two hours ago", "date": dt.datetime(2026, 6, 5, 9, 0), "end": dt.datetime(2026, 6, 5, 12, 0),
         "timezone": "Europe/Paris"},
        {"title": "Festival", "date": dt.date(2026, 6, 3), "end": dt.date(2026, 6, 5)},
        {"title": "Last night in Los Angeles", "date": dt.datetime(2026, 6, 4, 23, 0), "timezone": "America/Los_Angeles"},
    ]}
    past = {e.title for e in events_of(meta) if e.is_past(now)}
    assert past == {"Yesterday all day", "Ended two hours ago", "Last night in Los Angeles"}
    # a timed event without an end counts as over at the end of its local day
    (late,) = [e for e in events_of(meta) if e.title == "Last night in Los Angeles"]  # 23:00 there is 06:00 UTC
    assert late.ends_at == dt.datetime(2026, 6, 5, 7, 0, tzinfo=UTC)
    assert not any(e.is_past(None) for e in events_of(meta))  # no build date: nothing is past


def test_ics_names_come_from_the_original_title_and_stay_unique():
    meta = {"events": [{"title": "Rally", "date": dt.date(2026, 6, 1)}, {"title": "Rally", "date": dt.date(2026, 6, 1)},
                       {"title": "Möte på torget", "date": dt.date(2026, 6, 2)}]}
    translated = {"events": [{"title": "Manifestation", "date": dt.date(2026, 6, 1)},
                             {"title": "Manifestation", "date": dt.date(2026, 6, 1)},
                             {"title": "اجتماع", "date": dt.date(2026, 6, 2)}]}
    assert [e.slug for e in campaign_events(translated, meta)] == [
        "2026-06-01-rally", "2026-06-01-rally-2", "2026-06-02-mote-pa-torget"]


def test_ics_names_of_titles_in_other_scripts_are_transliterated_or_hashed_never_a_bare_event():
    day = dt.date(2027, 3, 6)
    titles = ("مسيرة الأمهات", "母亲节野餐", "Straße der Mütter", "Işık yürüyüşü", "Марш матерей")
    meta = {"events": [{"title": title, "date": day} for title in titles]}
    names = {e.title: e.slug for e in campaign_events(meta, meta)}
    arabic, chinese, *transliterated = (names[title] for title in titles)
    assert transliterated == ["2027-03-06-strasse-der-mutter", "2027-03-06-isik-yuruyusu", "2027-03-06-marsh-materej"]
    assert re.fullmatch(r"2027-03-06-event-[0-9a-f]{6}", arabic) and re.fullmatch(r"2027-03-06-event-[0-9a-f]{6}", chinese)
    assert arabic != chinese
    reordered = {"events": meta["events"][::-1]}  # the name belongs to the event, not to its place in the list
    assert {e.title: e.slug for e in campaign_events(reordered, reordered)} == names


def test_a_site_in_arabic_writes_one_calendar_file_per_event_and_links_each(make_project):
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML.replace("default_locale: en", "default_locale: ar"),
                            "content/ar/c/campaign.yaml": "title: ماء\nevents:\n"
                                                          "  - {title: مسيرة الأمهات, date: 2027-03-06}\n"
                                                          "  - {title: اعتصام أمام البرلمان, date: 2027-03-06}\n"})
    files = build_files(project)
    calendars = sorted(rel for rel in files if rel.startswith("c/events/") and rel.endswith(".ics") and rel != "c/events/c.ics")
    assert len(calendars) == 2 and all(re.fullmatch(r"c/events/2027-03-06-event-[0-9a-f]{6}\.ics", rel) for rel in calendars)
    links = {a.get("href") for a in parse_html(files["c/events/index.html"]).iter("a")}
    assert {f"/{rel}" for rel in calendars} <= links
    assert sorted(str(icalendar.Calendar.from_ical(files[rel]).walk("VEVENT")[0]["SUMMARY"]) for rel in calendars) == \
        sorted(["مسيرة الأمهات", "اعتصام أمام البرلمان"])


def test_openstreetmap_links():
    (address, point) = events_of({"events": [
        {"title": "A", "date": dt.date(2026, 6, 1), "location": "Uhuru Park", "city": "Nairobi"},
        {"title": "B", "date": dt.date(2026, 6, 2), "location": "59.3293, 18.0686"}]})
    assert map_url(address, "Kenya") == "https://www.openstreetmap.org/search?query=Uhuru%20Park%2C%20Nairobi%2C%20Kenya"
    assert map_url(point) == "https://www.openstreetmap.org/?mlat=59.3293&mlon=18.0686#map=17/59.3293/18.0686"


# --- .ics files, read back with icalendar -----------------------------------------------------------------

def ics(events, **extra) -> icalendar.Calendar:
    data = calendar_bytes(events, name="Water: Events", campaign="c", base_url="https://example.org/",
                          page_url="https://example.org/c/events/", country_names={"US": "United States"},
                          build_date=BUILT, **extra)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded lines (RFC 5545 3.1)
    return icalendar.Calendar.from_ical(data)


def test_commas_semicolons_and_line_breaks_in_titles_survive_the_round_trip():
    title = "Rally, march; sing\nthen home \\ rest"
    data = calendar_bytes(events_of({"events": [{"title": title, "date": dt.date(2026, 6, 1),
                                                 "location": "Hall 2, Main St; back door"}]}),
                          name="Water", campaign="c", base_url="https://example.org/", page_url="https://example.org/",
                          country_names={}, build_date=BUILT)
    assert b"SUMMARY:Rally\\, march\\; sing\\nthen home \\\\ rest" in data
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(event["SUMMARY"]) == title
    assert str(event["LOCATION"]) == "Hall 2, Main St; back door"


def test_a_timed_event_is_written_in_its_time_zone_with_the_zone_rules():
    calendar = ics(events_of({"events": [{"title": "Rally", "date": dt.datetime(2026, 12, 5, 14, 0),
                                          "end": dt.datetime(2026, 12, 5, 16, 0), "timezone": "America/New_York",
                                          "city": "Washington", "country": "US", "location": "38.8899, -77.0091"}]}))
    (event,) = calendar.walk("VEVENT")
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == dt.datetime(2026, 12, 5, 14, 0, tzinfo=ZoneInfo("America/New_York"))
    assert start.astimezone(UTC) == dt.datetime(2026, 12, 5, 19, 0, tzinfo=UTC)
    assert end - start == dt.timedelta(hours=2)
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert event.decoded("DTSTAMP") == BUILT
    assert str(event["UID"]) == "c-2026-12-05-rally@example.org"
    assert str(event["LOCATION"]) == "Washington, United States"  # coordinates go to GEO, not LOCATION
    assert (event["GEO"].latitude, event["GEO"].longitude) == (38.8899, -77.0091)


def test_an_all_day_event_has_dates_and_an_exclusive_end():
    calendar = ics(events_of({"events": [{"title": "Festival", "date": dt.date(2026, 6, 3), "end": dt.date(2026, 6, 5)},
                                         {"title": "Vigil", "date": dt.date(2026, 6, 10)}]}))
    festival, vigil = calendar.walk("VEVENT")
    assert (festival.decoded("DTSTART"), festival.decoded("DTEND")) == (dt.date(2026, 6, 3), dt.date(2026, 6, 6))
    assert (vigil.decoded("DTSTART"), vigil.decoded("DTEND")) == (dt.date(2026, 6, 10), dt.date(2026, 6, 11))
    assert calendar.walk("VTIMEZONE") == []


def test_an_event_without_a_time_zone_is_a_floating_local_time():
    (event,) = ics(events_of({"events": [{"title": "Meeting", "date": dt.datetime(2026, 6, 1, 18, 30)}]})).walk("VEVENT")
    assert event.decoded("DTSTART") == dt.datetime(2026, 6, 1, 18, 30)  # no tzinfo
    assert "TZID" not in event["DTSTART"].params


# --- in a build --------------------------------------------------------------------------------------------

def test_the_campaign_page_lists_the_upcoming_events_by_date(files):
    events = section(parse_html(files["c/index.html"]), "events")
    assert titles(events) == ["Late-night vigil", "March to Uhuru Park", "Online call", "Rally at the Capitol"]
    (rally,) = [li for li in events.iter("li") if "Rally" in text_of(li)]
    time = next(rally.iter("time"))
    assert time.get("datetime") == "2026-12-05T14:00-05:00"
    assert text_of(time) == "December 5, 2026, 2:00 PM"
    assert "(Eastern Standard Time)" in text_of(rally)
    assert rally.get("data-event-end") == "2026-12-05T21:00:00Z"
    links = {a.get("href") for a in events.iter("a")}
    assert "/c/events/" in links and "/c/events/2026-12-05-rally-at-the-capitol.ics" in links


def test_the_events_page_groups_by_country_and_city_in_date_order(files):
    tree = parse_html(files["c/events/index.html"])
    upcoming = section(tree, "events-upcoming")
    groups = [(text_of(next(g.iter("h3"))), [text_of(h) for h in g.iter("h4")], titles(g))
              for g in upcoming.iter("section") if g is not upcoming]
    assert groups == [("United States", ["Oakland", "Washington"], ["Late-night vigil", "Rally at the Capitol"]),
                      ("Kenya", ["Nairobi"], ["March to Uhuru Park"]),
                      ("Other places", [], ["Online call"])]
    past = section(tree, "events-past")
    assert [text_of(next(li.iter("bdi"))) for li in past.iter("li")] == ["Picnic", "Vigil, candles; and songs"]
    march = next(li for li in upcoming.iter("li") if "Uhuru" in text_of(li))
    hrefs = [a.get("href") for a in march.iter("a")]
    assert "https://www.openstreetmap.org/search?query=Uhuru%20Park%2C%20Nairobi%2C%20Kenya" in hrefs
    google = next(h for h in hrefs if h.startswith("https://calendar.google.com/"))
    assert "dates=20260610T100000%2F20260610T100000" in google and "ctz=Africa%2FNairobi" in google


def test_an_event_whose_day_is_not_over_where_it_happens_is_still_upcoming(files):
    # built at 2026-06-05 00:00 UTC: in Los Angeles it is still the evening of June 4
    vigil = next(li for li in section(parse_html(files["c/events/index.html"]), "events-upcoming").iter("li")
                 if "Late-night" in text_of(li))
    assert vigil.get("data-event-end") == "2026-06-05T07:00:00Z"
    assert next(vigil.iter("time")).get("datetime") == "2026-06-04T23:30-07:00"


def test_the_swedish_pages_translate_titles_and_write_swedish_dates(files):
    events = section(parse_html(files["sv/c/events/index.html"]), "events-past")
    vigil = next(li for li in events.iter("li") if "Vaka" in text_of(li))
    assert text_of(next(vigil.iter("bdi"))) == "Vaka, ljus; och sång"
    assert text_of(next(vigil.iter("time"))) == "1 mars 2026"
    calendar = icalendar.Calendar.from_ical(files["sv/c/events/2026-03-01-vigil-candles-and-songs.ics"])
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Vaka, ljus; och sång"
    assert str(event["LOCATION"]) == "Nairobi, Kenya"
    english = icalendar.Calendar.from_ical(files["c/events/2026-03-01-vigil-candles-and-songs.ics"])
    assert str(next(iter(english.walk("VEVENT")))["UID"]) == str(event["UID"])  # the same event in every language


def test_the_campaign_calendar_holds_every_event(files):
    calendar = icalendar.Calendar.from_ical(files["c/events/c.ics"])
    assert str(calendar["X-WR-CALNAME"]) == "Water: Events"
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert len(summaries) == 6 and "Rally at the Capitol" in summaries
    zones = sorted(str(z["TZID"]) for z in calendar.walk("VTIMEZONE"))
    assert zones == ["Africa/Nairobi", "America/Los_Angeles", "America/New_York", "Europe/Stockholm"]  # UTC: "Z"
    assert all(e.decoded("DTSTAMP") == BUILT for e in calendar.walk("VEVENT"))


def test_event_files_are_reproducible(make_project):
    project = make_project(SITE)
    env = {"SOURCE_DATE_EPOCH": EPOCH}
    assert run_build(project, out="one", env=env)[0] == 0
    assert run_build(project, out="two", env={**env, "TZ": "Asia/Tokyo"})[0] == 0
    for name in ("c/events/c.ics", "c/events/index.html", "c/index.html"):
        assert (project / "one" / name).read_bytes() == (project / "two" / name).read_bytes()


def test_without_source_date_epoch_the_newest_story_decides(make_project):
    site = {**SITE, "content/en/c/stories/maria.md": story("Maria", date="2026-06-20")}
    project = make_project(site)
    code, _, stderr = run_build(project, env={"SOURCE_DATE_EPOCH": ""})
    assert code == 0, stderr
    upcoming = section(parse_html((project / "site/c/events/index.html").read_bytes()), "events-upcoming")
    assert titles(upcoming) == ["Online call", "Rally at the Capitol"]  # the march of June 10 is past by June 20


def test_a_campaign_without_events_has_no_events_page(make_project):
    project = make_project(MINIMAL)
    files = build_files(project)
    assert not any(path.startswith("c/events/") for path in files)
    assert not any("events" in (s.get("class") or "").split() for s in parse_html(files["c/index.html"]).iter("section"))


def test_mistakes_in_events_are_reported_at_their_lines(make_project):
    project = make_project({**MINIMAL, "content/en/c/campaign.yaml": (
        "title: Water\n"
        "events:\n"
        "  - title: Rally\n"
        "    date: 2026-12-05T14:00\n"
        "    timezone: Europe/Stockholmm\n"
        "    country: se\n"
        "    end: 2026-12-05T12:00\n"
        "  - title: Vigil\n"
        "    date: 2026-12-06\n"
        "    end: 2026-12-06T20:00\n")})
    code, _, stderr = run_build(project)
    assert code == 1
    assert errors_of(stderr) == [
        "content/en/c/campaign.yaml:5:15: events.0.timezone: 'Europe/Stockholmm' is not a time zone name\n"
        "  hint: did you mean `Europe/Stockholm`?",
        "content/en/c/campaign.yaml:6:14: events.0.country: 'se' is not a country code\n  hint: write country: SE",
        "content/en/c/campaign.yaml:7:10: events.0.end is before the event starts (2026-12-05T12:00:00 < "
        "2026-12-05T14:00:00)\n  hint: check the date and time; write the local time at the event",
        "content/en/c/campaign.yaml:10:10: events.1.end must be written like date: both with a time, or both without\n"
        "  hint: write end: 2026-12-06T16:00 for a time, or a date alone for an all-day event",
        "Build failed: 4 errors, 0 warnings. Nothing was written to site.",
    ]
