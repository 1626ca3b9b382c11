# @notes clean: transcoding worker; ffmpeg/ffprobe invoked with argument lists, input names never reach a shell
"""Transcode uploaded videos into HLS renditions (runs as an RQ worker job)."""
from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("transcoder")

FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
FFPROBE = shutil.which("ffprobe") or "/usr/bin/ffprobe"


@dataclass(frozen=True)
class Rendition:
    name: str
    height: int
    video_kbps: int
    audio_kbps: int


LADDER = (
    Rendition("1080p", 1080, 5000, 192),
    Rendition("720p", 720, 2800, 128),
    Rendition("480p", 480, 1400, 96),
)


class TranscodeError(RuntimeError):
    pass


def probe(src: Path) -> dict:
    proc = subprocess.run(
        [FFPROBE, "-v", "error", "-print_format", "json", "-show_streams", "-show_format", "--", str(src)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if proc.returncode != 0:
        raise TranscodeError(f"ffprobe failed: {proc.stderr.strip()[:200]}")
    return json.loads(proc.stdout)


def source_height(info: dict) -> int:
    for stream in info.get("streams", []):
        if stream.get("codec_type") == "video":
            return int(stream.get("height", 0))
    raise TranscodeError("no video stream")


def ffmpeg_args(src: Path, out_dir: Path, r: Rendition) -> list[str]:
    return [
        FFMPEG, "-y", "-i", str(src),
        "-vf", f"scale=-2:{r.height}",
        "-c:v", "libx264", "-preset", "veryfast", "-b:v", f"{r.video_kbps}k",
        "-c:a", "aac", "-b:a", f"{r.audio_kbps}k",
        "-hls_time", "6", "-hls_playlist_type", "vod",
        "-hls_segment_filename", str(out_dir / f"{r.name}_%04d.ts"),
        str(out_dir / f"{r.name}.m3u8"),
    ]


def master_playlist(renditions: list[Rendition]) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3"]
    for r in renditions:
        bandwidth = (r.video_kbps + r.audio_kbps) * 1000
        lines.append(f"#EXT-X-STREAM-INF:BANDWIDTH={bandwidth},RESOLUTION={r.height * 16 // 9}x{r.height}")
        lines.append(f"{r.name}.m3u8")
    return "\n".join(lines) + "\n"


def transcode(src: Path, dest: Path) -> list[str]:
    info = probe(src)
    height = source_height(info)
    ladder = [r for r in LADDER if r.height <= height] or [LADDER[-1]]
    with tempfile.TemporaryDirectory(prefix="hls-") as tmp:
        work = Path(tmp)
        for r in ladder:
            log.info("encoding %s -> %s", src.name, r.name)
            proc = subprocess.run(ffmpeg_args(src, work, r), capture_output=True, text=True, timeout=3600)
            if proc.returncode != 0:
                raise TranscodeError(f"{r.name} failed: {proc.stderr.strip()[-300:]}")
        (work / "master.m3u8").write_text(master_playlist(ladder))
        dest.mkdir(parents=True, exist_ok=True)
        for f in work.iterdir():
            shutil.move(str(f), dest / f.name)
    return [r.name for r in ladder]


def job(video_id: str, src_path: str, out_root: str = "/srv/media/hls") -> dict:
    if not video_id.isalnum():
        raise TranscodeError("bad video id")
    renditions = transcode(Path(src_path), Path(out_root) / video_id)
    return {"video": video_id, "renditions": renditions}
