"""Command line: ``python build.py [build|serve|new|check] ...`` (also the ``handbill`` script)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .diagnostics import BuildFailed, Diagnostics
from .pipeline import BuildOptions, build, render_site
from .writer import OutputRefused


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), help="the content folder (default: content)")
    parser.add_argument("--out", type=Path, default=Path("site"), help="the output folder (default: site)")
    parser.add_argument("--base-url", help="override base_url from site.yaml, e.g. for a preview deploy")
    parser.add_argument("--drafts", action="store_true", help="also publish stories marked draft: true")
    parser.add_argument("--no-cards", dest="cards", action="store_false", help="skip drawing share cards (quick previews)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handbill", description="Build a campaign microsite from content/ into site/.")
    commands = parser.add_subparsers(dest="command")
    _add_build_options(commands.add_parser("build", help="build the site (the default)"))
    _add_build_options(commands.add_parser("check", help="validate everything without writing the site"))
    return parser


def _print_problems(diags: Diagnostics) -> None:
    if diags.items:
        print(diags.report(), file=sys.stderr)


def _summary(diags: Diagnostics) -> str:
    errors, warnings = len(diags.errors), len(diags.warnings)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def run_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    diags = Diagnostics(root=Path.cwd())
    options = BuildOptions(args.content, args.out, args.base_url, args.drafts, args.strict, args.cards)
    try:
        result = build(options, diags)
    except OutputRefused as refused:
        print(f"{refused.message}\n  hint: {refused.hint}", file=sys.stderr)
        return 1
    except BuildFailed:
        _print_problems(diags)
        print(f"Build failed: {_summary(diags)}. The previous site was left as it was.", file=sys.stderr)
        return 1
    _print_problems(diags)
    if not args.quiet:
        elapsed = time.perf_counter() - started
        print(f"Built {result.locales} locale{'s' * (result.locales != 1)}, {result.pages} pages, "
              f"{len(result.files)} files into {args.out} in {elapsed:.1f} s ({_summary(diags)}).")
    return 0


def run_check(args: argparse.Namespace) -> int:
    diags = Diagnostics(root=Path.cwd())
    options = BuildOptions(args.content, args.out, args.base_url, args.drafts, args.strict, args.cards)
    result = render_site(options, diags)
    _print_problems(diags)
    failed = diags.has_errors(args.strict)
    if not args.quiet:
        print(f"Checked {result.pages} pages: {_summary(diags)}.")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    if args.command == "check":
        return run_check(args)
    return run_build(args)
