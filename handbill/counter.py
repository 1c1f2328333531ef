"""The signature counter: the count towards a goal, and the goal ladder once a goal is passed.

Big petition platforms raise the goal when it is reached, so the bar never sits
full and still. A campaign lists its next goals in ``goal_ladder``; without one, the
next goals are the round numbers after the goal (250,000 -> 500,000 -> 1,000,000).
Every text is made here, in the page's language, with ``{count}`` left in place so
the script can fill in a live count. Where the words depend on the count itself ("1
signature", "2 signatures"), the text is made once for each plural form the language has,
and the script picks one with the browser's ``Intl.PluralRules``. A count past the last
goal shows the plain count and the last goal passed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from .localecodes import NO_DATA_LOCALE, parse_locale
from .strings import numbers_by_plural_form

AUTO_STEPS = 4  # round goals offered beyond the build-time count, for a count that keeps growing


@dataclass(frozen=True)
class LadderStep:
    goal: int  # 0 when the campaign has no goal (a plain count)
    text: str | dict[str, str]  # "{count} of 250,000 signatures", or {plural form: text} ("{count} signatures")
    passed: str  # "We passed our goal of 100,000 signatures! ..." ('' on the first step)

    def as_json(self) -> list[Any]:
        return [self.goal, self.text, self.passed]


@dataclass(frozen=True)
class Counter:
    count: int | None  # the build-time count (None: unknown until count_url answers)
    ladder: tuple[LadderStep, ...]
    past: LadderStep  # for a count past every goal (or any count, without a goal)
    plural_language: str  # whose plural rules pick among a text's forms
    step: LadderStep  # the step the build-time count is on
    count_text: str
    count_url: str
    numbering: str  # the digits the script writes live counts in (latn, arab, ...), as the build does

    @property
    def percent(self) -> int:
        if not self.step.goal:
            return 0
        return min(100, (self.count or 0) * 100 // self.step.goal)

    @property
    def bar_now(self) -> int:
        """The bar's value: never past its maximum (the text says the whole count)."""
        return min(self.count or 0, self.step.goal)

    @property
    def bar_class(self) -> str:
        """The fill's width as a class (bar-0 ... bar-100): no inline style, so a strict CSP holds."""
        return f"bar-{self.percent // 5 * 5}"

    @property
    def ladder_json(self) -> str:
        return json.dumps({"steps": [step.as_json() for step in self.ladder], "past": self.past.as_json(),
                           "lang": self.plural_language}, ensure_ascii=False)


def next_round_goal(goal: int) -> int:
    """The next round number above ``goal``: 1, 2 or 5 times a power of ten."""
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale > goal:
                return step * scale
        scale *= 10


def goal_ladder(goal: int, written: list[int], count: int | None) -> list[int]:
    """The goal, then the written next goals, or round ones past the count."""
    if written:
        return [goal, *written]
    ladder = [goal]
    while ladder[-1] <= (count or 0) or len(ladder) <= AUTO_STEPS:
        ladder.append(next_round_goal(ladder[-1]))
    return ladder


def build_counter(config: dict[str, Any], t: Callable[..., str], numbering: str = "latn",
                  locale: str = "en") -> Counter | None:
    """The counter of a petition, or None when it has no goal, count or count_url.

    ``t`` writes whole-number parameters as numbers of the page's language (``locale``).
    """
    goal, count, count_url = config.get("goal"), config.get("count"), config.get("count_url", "")
    if not goal and count is None and not count_url:
        return None
    plural_language = getattr(t("signatures_count", n=1, count=1), "lang", locale)
    if parse_locale(plural_language) is None:  # no data for it: the build used English's rules, so must the script
        plural_language = NO_DATA_LOCALE
    counted = _plural_forms(t, plural_language)
    ladder: tuple[LadderStep, ...] = ()
    past = LadderStep(0, counted, "")
    if goal:
        goals = goal_ladder(goal, config.get("goal_ladder", []), count)
        ladder = tuple(LadderStep(g, t("signed_count", n=g, count="{count}", goal=g),
                                  t("goal_passed", n=goals[i - 1], passed=goals[i - 1], goal=g) if i else "")
                       for i, g in enumerate(goals))
        past = LadderStep(goals[-1], counted, t("goal_passed_all", n=goals[-1], passed=goals[-1]))
    step = next((s for s in ladder if s.goal > (count or 0)), past)
    if count is None:
        text = t("goal_only", n=goal, goal=goal) if goal else ""
    elif step is past:
        text = t("signatures_count", n=count, count=count)
    else:
        text = t("signed_count", n=step.goal, count=count, goal=step.goal)
    return Counter(count, ladder, past, plural_language, step, text, count_url, numbering)


def _plural_forms(t: Callable[..., str], language: str) -> str | dict[str, str]:
    """"{count} signatures" in each plural form of ``language`` (one text when they are all the same)."""
    forms = {form: str(t("signatures_count", n=sample, count="{count}"))
             for form, sample in plural_samples(language).items()}
    return forms["other"] if len(set(forms.values())) == 1 else forms


def plural_samples(language: str) -> dict[str, int]:
    """A whole number in each plural form of ``language``: {"other": 0, "one": 1} for English."""
    return {form: numbers[0] for form, numbers in numbers_by_plural_form(language).items()}
