"""Paths: image and file paths never reach outside content/ however they are written; symlinks that leave
content/ are refused and nothing they point to is published; symlink loops do not hang; dotfiles, .git
folders and editor junk are never published."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import MINIMAL, jpeg_bytes, parse_html, run_build, snapshot, story, write_project
from hardening_helpers import block_for, problems

S = "content/en/c/stories/"
SECRET = b"SECRET-OUTSIDE-CONTENT"
OUTSIDE_JPEG = jpeg_bytes(17, 13, "red")  # a real photo, so "not found" is never the reason for a refusal

ESCAPES = {  # story name -> a path to outside.jpg (beside content/) in some disguise
    "dotdot": "../../../../outside.jpg",
    "dot-dotdot": "./../../../../outside.jpg",
    "absolute": "/outside.jpg",
    "media-dotdot": "/media/../../outside.jpg",
    "percent": "%2e%2e/%2e%2e/%2e%2e/%2e%2e/outside.jpg",
    "percent-slash": "..%2f..%2f..%2f..%2foutside.jpg",
    "all-percent": "%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2foutside.jpg",
    "backslash": "..\\..\\..\\..\\outside.jpg",
    "drive": "C:\\outside.jpg",
    "file-url": "file:///etc/hostname",
    "nul-byte": "pic.jpg%00.png",
    "symlink-file": "link.jpg",
    "symlink-folder": "linked/inside.jpg",
    "loop": "loop/../pic.jpg",
    "hidden": ".env",
}
REASONS = {
    "absolute": "starts with /, which means the shared media/ folder, but it is not in media/",
    "backslash": "is not a usable file path", "drive": "is not a usable file path", "nul-byte": "is not a usable file path",
    "file-url": "is a web address, not a file in the content folder",
    "hidden": "is a hidden or temporary file, which is never published",
    "loop": "the file `loop/../pic.jpg` was not found",
}


def escape_world(tmp: Path) -> Path:
    files: dict[str, str | bytes] = {
        **MINIMAL,
        "outside.jpg": OUTSIDE_JPEG,
        "outside/inside.jpg": OUTSIDE_JPEG,
        "outside/secret.txt": SECRET,
        S + "pic.jpg": jpeg_bytes(12, 12),
        S + ".env": SECRET,
    }
    for name, target in ESCAPES.items():
        quoted = "'" + target.replace("'", "''") + "'"
        files[S + f"{name}.md"] = story(name, f"![in the text]({target})", extra=f"image: {quoted}\nimage_alt: x\n")
    project = write_project(tmp, files)
    os.symlink("../../../../outside.jpg", project / S / "link.jpg")
    os.symlink(project / "outside", project / S / "linked")
    os.symlink("loop", project / S / "loop")  # a link to itself
    os.symlink("loop-b", project / S / "loop-a")
    os.symlink("loop-a", project / S / "loop-b")
    (project / "content/media").mkdir()
    os.symlink(project / "outside", project / "content/media/shared")
    os.symlink(project / "outside/secret.txt", project / "content/media/secret.txt")
    os.symlink(project / "outside", project / "content/sv")  # a whole locale folder that is a link
    return project


@pytest.fixture(scope="module")
def escaped(tmp_path_factory):
    project = escape_world(tmp_path_factory.mktemp("paths"))
    code, _, stderr = run_build(project, timeout=60)  # a loop that hangs fails here
    return project, code, problems(stderr)


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_a_path_out_of_content_is_refused_in_front_matter_and_in_the_text(escaped, name):
    _, code, blocks = escaped
    assert code == 1
    found = block_for(blocks, f"{S}{name}.md")
    reason = REASONS.get(name, "points outside the content folder")
    front = [b for b in found if b.startswith(f"{S}{name}.md:4:8: image: ")]
    assert len(front) == 1 and reason in front[0], found
    text = [b for b in found if b.startswith(f"{S}{name}.md:7: ")]
    if name in ("file-url", "drive"):  # in the text, `file:` and `C:` read as addresses: the link is removed
        reason = f"warning: the link to a `{ESCAPES[name].split(':')[0].lower()}:` address was removed"
    assert len(text) == 1 and reason in text[0], found


def test_links_and_loops_are_reported_as_links(escaped):
    _, _, blocks = escaped
    firsts = {block.splitlines()[0] for block in blocks}
    for line in (f"{S}link.jpg: this link (symlink) points outside the content folder, so it is not published",
                 f"{S}loop: this link (symlink) points nowhere or in a loop",
                 f"{S}loop-a: this link (symlink) points nowhere or in a loop",
                 f"{S}loop-b: this link (symlink) points nowhere or in a loop",
                 f"{S}linked: warning: this folder is a link (symlink); handbill does not follow folder links",
                 "content/media/secret.txt: this link (symlink) points outside the content folder, so it is not published",
                 "content/media/shared: warning: this folder is a link (symlink); handbill does not follow folder links",
                 "content/sv: warning: this folder is a link (symlink); handbill does not follow folder links"):
        assert line in firsts


def test_nothing_outside_content_is_published_even_when_the_rest_builds(tmp_path):
    project = escape_world(tmp_path / "p")
    for name in ESCAPES:  # keep only the links that are refused quietly (folder links are warnings)
        (project / S / f"{name}.md").unlink()
    for link in ("link.jpg", "loop", "loop-a", "loop-b"):
        (project / S / link).unlink()
    (project / "content/media/secret.txt").unlink()
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    files = snapshot(project / "site")
    assert [rel for rel, data in files.items() if SECRET in data or OUTSIDE_JPEG in data] == []
    assert not any(rel.startswith("media/shared") for rel in files)


def test_a_link_to_a_hidden_file_or_a_content_source_is_refused(make_project):
    """A link may stay inside content/ and still publish what never is: a dotfile (`.env`, `.git/config`),
    or a source such as site.yaml or a draft's Markdown under a name that publishes it as written."""
    project = make_project({**MINIMAL, "content/.env": b"API_KEY=SECRET-ENV", "content/.git/config": b"SECRET-GIT",
                            "content/en/c/stories/plan.md": story("Plan", "SECRET-DRAFT", extra="draft: true\n")})
    media = project / "content/media"
    media.mkdir()
    os.symlink("../.env", media / "leak.txt")
    os.symlink(project / "content/.git/config", media / "config.txt")
    os.symlink("../site.yaml", media / "settings.txt")
    os.symlink("../en/c/stories/plan.md", media / "plan.txt")
    os.symlink("../../../media/plan.txt", project / "content/en/c/stories/again.md")  # a story may be a link
    code, _, stderr = run_build(project)
    assert code == 1
    firsts = {block.splitlines()[0] for block in problems(stderr)}
    assert firsts == {
        "content/media/config.txt: this link (symlink) points to `.git/config`, a hidden or temporary file, "
        "which is never published",
        "content/media/leak.txt: this link (symlink) points to `.env`, a hidden or temporary file, which is never published",
        "content/media/plan.txt: this link (symlink) points to `en/c/stories/plan.md`, a content file, "
        "which would be published as it is written",
        "content/media/settings.txt: this link (symlink) points to `site.yaml`, a content file, "
        "which would be published as it is written",
    }


JUNK = {
    "content/en/c/.git/config": b"[remote] url = SECRET-GIT",
    "content/en/c/.git/objects/ab/cdef": b"SECRET-GIT-OBJECT",
    "content/.git/HEAD": b"SECRET-TOP-GIT",
    "content/en/c/.env": b"API_KEY=SECRET-ENV",
    "content/media/.htaccess": b"SECRET-HTACCESS",
    "content/media/.well-known/security.txt": b"SECRET-WELL-KNOWN",
    "content/media/.DS_Store": b"SECRET-DS-STORE",
    "content/media/Thumbs.db": b"SECRET-THUMBS",
    "content/media/desktop.ini": b"SECRET-DESKTOP",
    "content/media/report.pdf~": b"SECRET-BACKUP",
    "content/media/~$report.docx": b"SECRET-OFFICE-LOCK",
    "content/en/c/stories/.maria.md.swp": b"SECRET-SWAP",
    "content/en/c/stories/maria.md~": b"SECRET-TILDE",
    "content/en/c/stories/#maria.md#": b"SECRET-EMACS",
    "content/en/c/stories/maria.md.orig": b"SECRET-ORIG",
    "content/en/c/__MACOSX/._maria.md": b"SECRET-MACOSX",
    "content/media/report.pdf": b"%PDF-1.4 a real document",
}


def test_dotfiles_git_folders_and_editor_junk_are_never_read_or_published(make_project):
    project = make_project({**MINIMAL, **JUNK})
    code, _, stderr = run_build(project, "--strict")
    assert code == 0, stderr  # not even a warning about them
    files = snapshot(project / "site")
    assert files["media/report.pdf"] == JUNK["content/media/report.pdf"]
    assert not any(b"SECRET" in data for data in files.values())
    hidden = [rel for rel in files if any(part.startswith(".") for part in rel.split("/"))]
    assert hidden == [".handbill-site"]


def test_a_target_in_the_text_is_percent_decoded_once(make_project):
    """`%2541.jpg` is how a link names a file called `%41.jpg`; decoded twice it named `A.jpg`."""
    project = make_project({**MINIMAL, S + "percent.jpg": jpeg_bytes(20, 20), S + "%41.jpg": jpeg_bytes(30, 30),
                            S + "A.jpg": jpeg_bytes(40, 40),
                            S + "maria.md": story("Maria", "![seven](%2541.jpg)\n\n![missing](/media/nothere.png)")})
    code, _, stderr = run_build(project)
    assert code == 1
    assert problems(stderr) == [
        f"{S}maria.md:7: the file `/media/nothere.png` was not found\n"
        "  hint: check the spelling and that the file is in content/media/"]
    (project / S / "maria.md").write_text(story("Maria", "![seven](%2541.jpg) ![ok](percent%2Ejpg)"))
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    images = [img for img in parse_html(snapshot(project / "site")["c/stories/maria/index.html"]).iter("img")
              if img.get("alt") in ("seven", "ok")]
    assert [(img.get("alt"), img.get("width")) for img in images] == [("seven", "30"), ("ok", "20")]
