# @notes clean: release changelog CLI; git via argument lists, NamedTemporaryFile for the editor buffer, no shell
"""Generate and edit a changelog section from conventional commits since the last tag."""
from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

COMMIT_RE = re.compile(r"^(?P<type>feat|fix|perf|docs|refactor|chore|test)(?:\((?P<scope>[\w-]+)\))?(?P<bang>!)?: (?P<msg>.+)$")
SECTIONS = {"feat": "Features", "fix": "Bug fixes", "perf": "Performance", "docs": "Documentation"}


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout.strip()


def last_tag() -> str | None:
    try:
        return git("describe", "--tags", "--abbrev=0")
    except subprocess.CalledProcessError:
        return None


def commits_since(tag: str | None) -> list[tuple[str, str]]:
    rng = f"{tag}..HEAD" if tag else "HEAD"
    out = git("log", rng, "--no-merges", "--format=%h%x09%s")
    rows = []
    for line in out.splitlines():
        sha, _, subject = line.partition("\t")
        rows.append((sha, subject))
    return rows


def group(commits: list[tuple[str, str]]) -> tuple[dict[str, list[str]], list[str]]:
    sections: dict[str, list[str]] = defaultdict(list)
    breaking: list[str] = []
    for sha, subject in commits:
        m = COMMIT_RE.match(subject)
        if not m:
            continue
        scope = f"**{m['scope']}:** " if m["scope"] else ""
        entry = f"- {scope}{m['msg']} ({sha})"
        if m["bang"]:
            breaking.append(entry)
        if m["type"] in SECTIONS:
            sections[SECTIONS[m["type"]]].append(entry)
    return sections, breaking


def render(version: str, sections: dict[str, list[str]], breaking: list[str]) -> str:
    out = [f"## {version}", ""]
    if breaking:
        out += ["### Breaking changes", *breaking, ""]
    for title in SECTIONS.values():
        if sections.get(title):
            out += [f"### {title}", *sections[title], ""]
    return "\n".join(out)


def edit(text: str) -> str:
    editor = os.environ.get("EDITOR", "vi")
    with tempfile.NamedTemporaryFile("w+", suffix=".md", delete=False) as fh:
        fh.write(text)
        path = fh.name
    try:
        subprocess.run([*shlex.split(editor), path], check=True)
        return Path(path).read_text()
    finally:
        os.unlink(path)


def prepend(changelog: Path, section: str) -> None:
    old = changelog.read_text() if changelog.exists() else "# Changelog\n\n"
    head, sep, rest = old.partition("\n## ")
    changelog.write_text(head.rstrip() + "\n\n" + section.strip() + "\n\n" + (sep.strip("\n") + " " + rest if sep else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("version")
    ap.add_argument("--file", type=Path, default=Path("CHANGELOG.md"))
    ap.add_argument("--no-edit", action="store_true")
    args = ap.parse_args(argv)
    sections, breaking = group(commits_since(last_tag()))
    if not sections and not breaking:
        print("no releasable commits since last tag", file=sys.stderr)
        return 1
    text = render(args.version, sections, breaking)
    if not args.no_edit:
        text = edit(text)
    prepend(args.file, text)
    print(f"updated {args.file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
