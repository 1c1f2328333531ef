"""Command line: ``python build.py [build|serve|new|check] ...`` (also the ``handbill`` script)."""
from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import os
import socket
import sys
import time
import traceback
from pathlib import Path

from .console import NORMAL, QUIET, VERBOSE, Console, build_summary
from .diagnostics import BuildFailed, Diagnostics
from .writer import MARKER, OutputRefused

EXIT_BUG = 70  # EX_SOFTWARE: not the content's fault (1 is)
EXIT_PIPE_CLOSED = 141  # as a shell reports a command stopped by SIGPIPE
EXIT_CODES = """\
exit status:
  0    done (warnings are allowed, unless --strict)
  1    a problem in your files or with the output folder: the messages say where and what to do
       (with --strict, warnings count as problems too)
  2    a mistake in the command itself (a misspelt command or option): see the usage line
  70   a bug in handbill itself, not in your files
  130  stopped with Ctrl+C
  141  the program reading the output stopped early (like `| head`)"""
STRICT_NOTE = "With --strict, a warning fails the {}."


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), help="the content folder (default: content)")
    parser.add_argument("--out", type=Path, default=Path("site"), help="the output folder (default: site)")
    parser.add_argument("--base-url", help="override base_url from site.yaml, e.g. for a preview deploy")
    parser.add_argument("--drafts", action="store_true", help="also publish stories marked draft: true")
    parser.add_argument("--no-cards", dest="cards", action="store_false", help="skip drawing share cards (quick previews)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print how long each step took, and more detail")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handbill", description="Build a campaign microsite from content/ into site/.",
                                     epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command")
    _add_build_options(commands.add_parser("build", help="build the site (the default)"))
    _add_build_options(commands.add_parser("check", help="validate everything without writing the site"))
    _add_serve_parser(commands)
    _add_translation_parsers(commands, _add_new_parsers(commands))  # `new locale`, `check --mark-translated`
    return parser


def _console(args: argparse.Namespace) -> Console:
    return Console(verbosity=QUIET if args.quiet else VERBOSE if getattr(args, "verbose", False) else NORMAL)


def _add_serve_parser(commands) -> None:
    serve = commands.add_parser("serve", help="preview the site in your browser; rebuilds and reloads on every save")
    serve.add_argument("--content", type=Path, default=Path("content"), help="the content folder (default: content)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default: 127.0.0.1, this computer only; 0.0.0.0 means every network)")
    serve.add_argument("--port", type=_port, default=8000,
                       help="the port to listen on, 1 to 65535, or 0 for any free port (default: 8000)")
    serve.add_argument("--drafts", action="store_true", help="also show stories marked draft: true")
    serve.add_argument("--no-cards", dest="cards", action="store_false", help="skip drawing share cards (faster)")
    serve.add_argument("--strict", action="store_true", help="treat warnings as errors")
    serve.add_argument("-q", "--quiet", action="store_true", help="print only problems and the address")
    serve.add_argument("-v", "--verbose", action="store_true", help="also print each file a rebuild writes")


def _port(text: str) -> int:
    """--port: a number a port can have (the operating system would quietly take 99999 as 34463)."""
    if not text.strip().isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"the port must be a number from 1 to 65535 (or 0: any free port), like 8000 (got {text})")
    return int(text)


def _cannot_listen(host: str, port: int, error: OSError) -> str:
    """Why the preview cannot listen on host:port, and what to do, in plain words."""
    problem = f"cannot listen on {host}:{port}: {error.strerror or error}"
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        return (f"{problem}\n  hint: this computer has no address {host}: use --host 127.0.0.1 (this computer only), "
                "or --host 0.0.0.0 to open the preview from other devices on your network")
    if error.errno == errno.EACCES and 0 < port < 1024:
        return f"{problem}\n  hint: ports below 1024 are kept for the system: use --port 8000"
    if error.errno == errno.EADDRINUSE:
        return (f"{problem}\n  hint: another program (maybe a preview of another site) uses that port: stop it, or try "
                f"--port {port + 1 if port < 65535 else 8000}")
    return f"{problem}\n  hint: check --host and --port, or leave them out (127.0.0.1, port 8000)"


def _content_problem(content: Path) -> str | None:
    """The message for a --content that is no folder (a typo, a file, the wrong working folder), said before
    anything is read: the content's own messages would send the volunteer to create a new site there."""
    if os.path.isdir(content):
        return None
    what = "is a file, not a folder" if os.path.lexists(content) else "does not exist"
    return (f"the content folder {content} {what}\n  hint: run this in the folder that holds content/, "
            "or name the content folder with --content")


def _refuse_missing_content(args: argparse.Namespace) -> bool:
    """True (after saying why) when --content names no folder."""
    problem = _content_problem(args.content)
    if problem:
        print(problem, file=sys.stderr)
    return problem is not None


def run_serve(args: argparse.Namespace) -> int:
    from .serve import PreviewRunning, PreviewServer, all_interfaces_warning  # the web server is only loaded for serve

    gc.enable()  # a preview runs for hours: its collector stays on (see quietgc.py; run() turns it off)
    console = _console(args)
    if _refuse_missing_content(args):
        return 1
    if not (args.content / "site.yaml").is_file():
        print(f"there is no site.yaml in {args.content}\n  hint: run this in the folder that holds content/, "
              "or name the content folder with --content", file=sys.stderr)
        return 1
    try:
        preview = PreviewServer(args.content, host=args.host, port=args.port, drafts=args.drafts, cards=args.cards,
                                strict=args.strict, console=console, root=Path.cwd())
    except PreviewRunning as running:
        print(f"{running.message}\n  hint: {running.hint}", file=sys.stderr)
        return 1
    except OSError as error:
        print(_cannot_listen(args.host, args.port, error), file=sys.stderr)
        return 1
    warning = all_interfaces_warning(args.host, preview.server.port)
    if warning:
        print(warning, file=sys.stderr)
    preview.first_build()
    console.always(f"Serving the preview of {args.content} at {preview.url} (press Ctrl+C to stop).")
    preview.serve_forever()
    return 0


def _add_new_parsers(commands):
    new = commands.add_parser("new", help="start a new campaign or story from a template")
    kinds = new.add_subparsers(dest="kind", metavar="{campaign,story,locale,translation}")
    kinds.required = True
    campaign = kinds.add_parser("campaign", help="create <locale>/SLUG/campaign.yaml")
    campaign.add_argument("slug", metavar="SLUG", help="the campaign's name in the web address, like paid-leave")
    campaign.add_argument("--content", type=Path, default=Path("content"), help="the content folder (default: content)")
    story = kinds.add_parser("story", help="create <locale>/CAMPAIGN/stories/<slug>.md")
    story.add_argument("campaign", metavar="CAMPAIGN", help="the campaign's folder name, like paid-leave")
    story.add_argument("title", metavar="TITLE", help='the story\'s title, in quotes: "Maria\'s first day"')
    story.add_argument("--slug", help="the file name to use instead of one made from the title")
    story.add_argument("--content", type=Path, default=Path("content"), help="the content folder (default: content)")
    return kinds


def run_new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldRefused, new_campaign, new_story

    try:
        if args.kind == "campaign":
            created = new_campaign(args.content, args.slug)
        else:
            created = new_story(args.content, args.campaign, args.title, slug=args.slug)
    except ScaffoldRefused as refused:
        print(f"{refused.message}\n  hint: {refused.hint}", file=sys.stderr)
        return 1
    print(f"Created {created.path}")
    for step in created.next_steps:
        print(f"  - {step}")
    return 0


def _print_problems(diags: Diagnostics) -> None:
    if diags.items:
        print(diags.report(), file=sys.stderr)


def _summary(diags: Diagnostics) -> str:
    errors, warnings = len(diags.errors), len(diags.warnings)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _failed_by_strict(diags: Diagnostics, strict: bool, what: str) -> str:
    """`` With --strict, a warning fails the build.`` when only --strict made it fail, else nothing."""
    return " " + STRICT_NOTE.format(what) if strict and diags.warnings and not diags.errors else ""


def run_build(args: argparse.Namespace) -> int:
    from . import unchanged

    started = time.perf_counter()
    if _refuse_missing_content(args):
        return 1
    diags = Diagnostics(root=Path.cwd())
    console = _console(args)
    look = unchanged.reuse(unchanged.BuildInputs(args.content, args.out, args.base_url, args.drafts, args.strict,
                                                 args.cards))
    if look.reusable is not None and not args.verbose:  # nothing changed: the last build's output is this one's
        return _report_unchanged(look.reusable, diags, console, args, started)  # (-v shows every step of a build)
    from .pipeline import BuildOptions, build  # imported only now: the check above must stay quick

    look.settle()  # (before anything is read: see unchanged.Look.settle)
    options = BuildOptions(args.content, args.out, args.base_url, args.drafts, args.strict, args.cards)
    left = _left_as_it_was(args.out)
    try:
        result = build(options, diags, console=console)
    except OutputRefused as refused:
        print(f"{refused.message}\n  hint: {refused.hint}", file=sys.stderr)
        return 1
    except BuildFailed:
        _print_problems(diags)
        print(f"Build failed: {_summary(diags)}.{_failed_by_strict(diags, args.strict, 'build')} {left}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl+C: the staging folder is gone already, the previous site untouched
        print(f"Build stopped (Ctrl+C). {left}", file=sys.stderr)
        return 130
    _print_problems(diags)
    cards = sum(1 for path in result.files if path.rpartition("/")[2] == "card.jpg" and not path.startswith("media/"))
    console.info(build_summary(locales=result.locales, pages=result.pages, files=len(result.files),
                               seconds=time.perf_counter() - started, errors=len(diags.errors),
                               warnings=len(diags.warnings), cards=cards if options.cards else None,
                               cards_redrawn=result.cards_drawn if options.cards else None))
    unchanged.record(look, result.theme_dirs, unchanged.Recorded(
        tuple((d.path, d.line, d.col, d.severity, d.message, d.hint) for d in diags.items),
        result.locales, result.pages, len(result.files), cards))
    return 0


def _left_as_it_was(out: Path) -> str:
    """What a failed build says about the output folder."""
    try:
        previous = (out / MARKER).is_file()
    except OSError:  # a name too long: there is no previous site there
        previous = False
    return "The previous site was left as it was." if previous else f"Nothing was written to {out}."


def _report_unchanged(recorded, diags: Diagnostics, console: Console, options: argparse.Namespace,
                      started: float) -> int:
    """The report of a build whose inputs and output are as the last build left them (see handbill.unchanged)."""
    from .diagnostics import Diagnostic

    diags.extend(Diagnostic(*problem) for problem in recorded.problems)
    _print_problems(diags)
    console.phase(f"Nothing changed since the last build of {options.out}")
    console.info(build_summary(locales=recorded.locales, pages=recorded.pages, files=recorded.files,
                               seconds=time.perf_counter() - started, errors=len(diags.errors),
                               warnings=len(diags.warnings), cards=recorded.cards if options.cards else None,
                               cards_redrawn=0 if options.cards else None))
    return 0


def run_check(args: argparse.Namespace) -> int:
    from .pipeline import BuildOptions, render_site

    diags = Diagnostics(root=Path.cwd())
    options = BuildOptions(args.content, args.out, args.base_url, args.drafts, args.strict, args.cards)
    console = _console(args)
    result = render_site(options, diags, console=console)
    links = _check_links(result, diags, console, options)
    _print_problems(diags)
    failed = diags.has_errors(args.strict)
    if not args.quiet:
        checked = f"{links} internal links" if links is not None else \
            "no internal links (they are checked once the errors above are fixed)"
        print(f"Checked {result.pages} pages and {checked}: {_summary(diags)}."
              f"{_failed_by_strict(diags, args.strict, 'check')}")
    return 1 if failed else 0


def _check_links(result, diags: Diagnostics, console: Console, options) -> int | None:
    """The internal-link check of `check`, over the pages in memory (site/ is never read or written);
    None when the pages were not all rendered (because of errors): their links prove nothing."""
    from .linkcheck import check_links

    if diags.errors or not result.files:
        return None if diags.errors else 0
    checked = check_links(result.files, result.base_url, diags, content=options.content, drafts=options.drafts)
    console.phase(f"Checked {checked} internal links")
    return checked


def _add_translation_parsers(commands, kinds) -> None:
    """The translator's commands: `new locale`, `new translation` and `check --mark-translated`."""
    locale = kinds.add_parser("locale", help="start a new language: create <CODE>/strings.yaml to translate")
    locale.add_argument("code", metavar="CODE", help="the language code, like sv, fr, pt-BR, ar or hi")
    locale.add_argument("--content", type=Path, default=Path("content"), help="the content folder (default: content)")
    translation = kinds.add_parser("translation", help="copy originals into a language as drafts to translate")
    translation.add_argument("code", metavar="CODE", help="the language to translate into, like sv")
    translation.add_argument("files", metavar="FILE", nargs="+",
                             help="an original, relative to the default language folder: paid-leave/stories/maria.md")
    translation.add_argument("--content", type=Path, default=Path("content"), help="the content folder (default: content)")
    commands.choices["check"].add_argument(
        "--mark-translated", metavar="FILE", nargs="*", default=None,
        help="record that these translations are up to date with their originals (no FILE: every unmarked one)")


def run_new_translation(args: argparse.Namespace) -> int:
    from .translation import new_locale, new_translation

    outcome = new_locale(args.content, args.code) if args.kind == "locale" else \
        new_translation(args.content, args.code, args.files)
    for message in outcome.messages:
        print(message, file=sys.stderr if message.startswith(("error:", "warning:")) else sys.stdout)
    return outcome.code


def run_check_with_translations(args: argparse.Namespace) -> int:
    """`check`, then the per-language report; with --mark-translated, record source hashes first."""
    from .project import load_project
    from .translation import format_reports, mark_translated, project_status

    if _refuse_missing_content(args):
        return 1
    marked_failed = 0
    if args.mark_translated is not None:
        diags = Diagnostics(root=Path.cwd())
        changed = mark_translated(load_project(args.content, Diagnostics()), [Path(p) for p in args.mark_translated], diags)
        _print_problems(diags)
        marked_failed = 1 if diags.errors else 0
        for path in changed:
            print(f"Marked {diags.display_path(path)} as up to date with its original.")
        if not changed and not diags.errors:
            print("Nothing to mark: every translation has a source_hash already (name a FILE to update one).")
    code = run_check(args)
    if not args.quiet:
        project, _, reports = project_status(args.content, drafts=args.drafts)
        print()
        print(format_reports(reports, project.site.default_locale, args.content.as_posix()))
    return max(code, marked_failed)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    if args.command == "check":
        return run_check_with_translations(args)
    if args.command == "serve":
        return run_serve(args)
    if args.command == "new" and args.kind in ("locale", "translation"):
        return run_new_translation(args)
    if args.command == "new":
        return run_new(args)
    return run_build(args)


def run() -> None:
    """The command line's entry point (``build.py`` and the ``handbill`` script): :func:`main`, then exit.

    Python's cyclic collector walks every object a process holds, again and again as they pile
    up, to find reference cycles. A build makes almost none (a cold build of 1000 stories: about
    1000 objects in cycles, a few hundred kilobytes) and its process ends when the build does,
    so the collector is off for a one-shot command (``serve`` turns it back on). And the objects
    a build leaves are frozen (``gc.freeze``) before Python's shutdown, which would walk them
    several times before freeing them; atexit handlers and flushing run as usual.
    """
    gc.disable()
    try:
        code = main()
    except BrokenPipeError:  # `handbill check | head`: the reader has all it wanted
        with contextlib.suppress(OSError, ValueError):  # so the exit's flush is quiet too
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_PIPE_CLOSED
    except Exception:  # noqa: BLE001 - a bug in handbill: plain words first, then what a bug report needs
        code = _report_bug()
    gc.freeze()
    sys.exit(code)


def _report_bug() -> int:
    print("handbill stopped because of a bug in handbill itself, not because of a problem in your files.\n"
          "A build that stops leaves the previous site as it was. Please report the bug with these details:\n",
          file=sys.stderr)
    traceback.print_exc()
    return EXIT_BUG
