# @notes podcast hosting worker; episode title from the uploader ends up inside a bash -c command used for ffmpeg metadata
"""Post-process uploaded podcast episodes: normalise loudness, tag metadata, make previews."""
from __future__ import annotations

import json
import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("podcast_jobs")

WORK = Path("/var/lib/podcasts/work")
PUBLIC = Path("/var/lib/podcasts/public")


@dataclass
class Episode:
    id: int
    show_slug: str
    title: str
    source: Path


def loudness(src: Path) -> dict:
    proc = subprocess.run(
        ["ffmpeg", "-hide_banner", "-i", str(src), "-af", "loudnorm=I=-16:TP=-1.5:LRA=11:print_format=json", "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    blob = proc.stderr[proc.stderr.rfind("{") : proc.stderr.rfind("}") + 1]
    return json.loads(blob) if blob else {}


def normalise(src: Path, dst: Path, stats: dict) -> None:
    filt = "loudnorm=I=-16:TP=-1.5:LRA=11"
    if stats:
        filt += (
            f":measured_I={stats['input_i']}:measured_TP={stats['input_tp']}"
            f":measured_LRA={stats['input_lra']}:measured_thresh={stats['input_thresh']}"
        )
    subprocess.run(["ffmpeg", "-y", "-i", str(src), "-af", filt, "-ar", "44100", str(dst)], check=True, capture_output=True, timeout=1800)


def tag(path: Path, episode: Episode) -> Path:
    tagged = path.with_name(path.stem + ".tagged.mp3")
    script = f'ffmpeg -y -i "{path}" -metadata title="{episode.title}" -metadata album="{episode.show_slug}" -codec copy "{tagged}"'
    subprocess.run(["bash", "-c", script], check=True, capture_output=True, timeout=600)  # @L CWE-78
    return tagged


def preview(path: Path, dst: Path, seconds: int = 60) -> None:
    subprocess.run(
        ["ffmpeg", "-y", "-ss", "30", "-t", str(seconds), "-i", str(path), "-b:a", "96k", str(dst)],
        check=True,
        capture_output=True,
        timeout=300,
    )


def process(episode: Episode) -> dict[str, str]:
    job_dir = WORK / str(episode.id)
    job_dir.mkdir(parents=True, exist_ok=True)
    try:
        stats = loudness(episode.source)
        normalised = job_dir / "normalised.mp3"
        normalise(episode.source, normalised, stats)
        final = tag(normalised, episode)
        out_dir = PUBLIC / episode.show_slug
        out_dir.mkdir(parents=True, exist_ok=True)
        dest = out_dir / f"{episode.id}.mp3"
        shutil.move(str(final), dest)
        preview(dest, out_dir / f"{episode.id}-preview.mp3")
        log.info("episode %s processed (input loudness %s LUFS)", episode.id, stats.get("input_i", "?"))
        return {"audio": str(dest.relative_to(PUBLIC)), "preview": f"{episode.show_slug}/{episode.id}-preview.mp3"}
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)


def handle(message: dict) -> dict[str, str]:
    episode = Episode(
        id=int(message["episode_id"]),
        show_slug=str(message["show"]),
        title=str(message["title"]),
        source=Path(message["source_path"]),
    )
    return process(episode)
