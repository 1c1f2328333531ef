"""The signature counter: the count towards a goal, and the goal ladder once a goal is passed.

Big petition platforms raise the goal when it is reached, so the bar never sits
full and still. A campaign lists its next goals in ``goal_ladder``; without one, the
next goals are the round numbers after the goal (250,000 -> 500,000 -> 1,000,000).
Every text is made here, in the page's language, with ``{count}`` left in place so
the script can fill in a live count without knowing the language's plural rules.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

AUTO_STEPS = 4  # round goals offered beyond the build-time count, for a count that keeps growing


@dataclass(frozen=True)
class LadderStep:
    goal: int  # 0 when the campaign has no goal (a plain count)
    text: str  # "{count} of 250,000 signatures"
    passed: str  # "We passed our goal of 100,000 signatures! ..." ('' on the first step)


@dataclass(frozen=True)
class Counter:
    count: int | None  # the build-time count (None: unknown until count_url answers)
    ladder: tuple[LadderStep, ...]
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
    def bar_class(self) -> str:
        """The fill's width as a class (bar-0 ... bar-100): no inline style, so a strict CSP holds."""
        return f"bar-{self.percent // 5 * 5}"

    @property
    def ladder_json(self) -> str:
        return json.dumps([[s.goal, s.text, s.passed] for s in self.ladder], ensure_ascii=False)


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


def build_counter(config: dict[str, Any], t: Callable[..., str], numbering: str = "latn") -> Counter | None:
    """The counter of a petition, or None when it has no goal, count or count_url.

    ``t`` writes whole-number parameters as numbers of the page's language.
    """
    goal, count, count_url = config.get("goal"), config.get("count"), config.get("count_url", "")
    if not goal and count is None and not count_url:
        return None
    if goal:
        goals = goal_ladder(goal, config.get("goal_ladder", []), count)
        ladder = tuple(LadderStep(g, t("signed_count", n=g, count="{count}", goal=g),
                                  t("goal_passed", n=goals[i - 1], passed=goals[i - 1], goal=g) if i else "")
                       for i, g in enumerate(goals))
        step = next((s for s in ladder if s.goal > (count or 0)), ladder[-1])
        text = t("signed_count", n=step.goal, count=count, goal=step.goal) if count is not None else \
            t("goal_only", n=goal, goal=goal)
    else:
        ladder = (LadderStep(0, t("signatures_count", n=1_000_000, count="{count}"), ""),)
        step = ladder[0]
        text = t("signatures_count", n=count, count=count) if count is not None else ""
    return Counter(count, ladder, step, text, count_url, numbering)
