"""The command line's own messages: a --content that is no folder, a failure only --strict made, what
`check` says when it could not check links, and the exit statuses the help lists."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL, page, run_build, story
from handbill.cli import main, make_parser

NOT_THERE_HINT = "  hint: run this in the folder that holds content/, or name the content folder with --content"


def summary_of_check(out: str) -> str:
    """`check`'s closing line: ``Checked 3 pages and 40 internal links: 0 errors, 0 warnings.``"""
    return next(line for line in out.splitlines() if line.startswith("Checked ") and " pages and " in line)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".handbill"))


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("content, what", [("contnet", "does not exist"), ("content/site.yaml", "is a file, not a folder")])
def test_a_content_folder_that_is_not_there_is_said_plainly(make_project, command, content, what):
    project = make_project(MINIMAL)
    code, out, err = run_build(project, "--content", content, command=command)
    assert code == 1
    assert err.splitlines() == [f"the content folder {content} {what}", NOT_THERE_HINT]
    assert "Translation status" not in out and "Planned" not in out
    assert leftovers(project) == [] and not (project / "site").exists()  # nothing read, nothing locked


def test_build_in_a_folder_without_content_says_so(tmp_path):
    code, _, err = run_build(tmp_path)
    assert (code, err.splitlines()) == (1, ["the content folder content does not exist", NOT_THERE_HINT])
    assert leftovers(tmp_path) == []


def test_serve_with_a_content_folder_that_is_not_there_says_so(make_project, capsys):
    project = make_project(MINIMAL)
    for content, what in ((project / "contnet", "does not exist"), (project / "content/site.yaml", "is a file")):
        assert main(["serve", "--content", str(content), "--port", "0"]) == 1
        assert capsys.readouterr().err.startswith(f"the content folder {content} {what}")


WARNED = {**MINIMAL, "content/en/pages/about.md": "---\ntitle: About\ntitel: typo\n---\nText\n"}


def test_a_failure_only_strict_made_says_so(make_project):
    project = make_project(WARNED)
    code, _, err = run_build(project, "--strict")
    assert code == 1
    assert err.splitlines()[-1] == ("Build failed: 0 errors, 1 warning. With --strict, a warning fails the build. "
                                    "Nothing was written to site.")
    code, out, _ = run_build(project, "--strict", command="check")
    assert code == 1
    checked = summary_of_check(out)
    assert checked.endswith(": 0 errors, 1 warning. With --strict, a warning fails the check.")


def test_a_failure_with_errors_does_not_blame_strict(make_project):
    project = make_project({**WARNED, "content/en/c/stories/maria.md": story("Maria", date="soon")})
    code, out, err = run_build(project, "--strict")
    assert code == 1 and "--strict" not in err.splitlines()[-1]
    code, out, err = run_build(project, "--strict", command="check")
    assert code == 1 and "--strict" not in out


def test_serve_says_when_strict_failed_the_preview(make_project):
    from handbill.serve import PreviewServer, describe_rebuild

    project = make_project(WARNED)
    server = PreviewServer(project / "content", port=0, root=project, cards=False, strict=True)
    try:
        rebuild = server.preview.rebuild()
    finally:
        server.stop()
    assert not rebuild.ok
    assert "(0 errors, 1 warning; with --strict, a warning fails the build)" in describe_rebuild("Preview", rebuild)


def test_check_says_links_were_not_checked_because_of_errors(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/maria.md": story("Maria", date="soon"),
                            "content/en/pages/about.md": page("About", "[gone](/nope/)")})
    code, out, _ = run_build(project, command="check")
    checked = summary_of_check(out)
    assert code == 1 and "no internal links (they are checked once the errors above are fixed)" in checked


def test_the_help_lists_the_exit_statuses_and_every_kind_of_new():
    help_text = make_parser().format_help()
    statuses = help_text.split("exit status:", 1)[1].split("\n")
    listed = {line.split()[0] for line in statuses if line.strip() and line.split()[0].isdigit()}
    assert listed == {"0", "1", "2", "70", "130", "141"}
    with pytest.raises(SystemExit) as usage:
        main(["bild"])
    assert usage.value.code == 2
    new_help = make_parser()._subparsers._group_actions[0].choices["new"].format_help()
    assert "{campaign,story,locale,translation}" in new_help
