"""Train-only whole-module families built mainly for their hard negatives: realistic modules
(80-110 lines) that call external tools, build command lines, handle paths, scratch files and
archives *correctly* -- argument lists without a shell, `--` before user values, `shlex.join` /
`" ".join` only for logging, `shutil.which`, `asyncio.create_subprocess_exec`, `secure_filename`,
resolve + `is_relative_to`, `mkstemp`, `TemporaryDirectory`, `extractall(filter="data")`.

Each family has a vulnerable/twin pair whose single weak statement sits among the same safe code
(CWE-78, CWE-77, CWE-22, CWE-377, CWE-22 archives), followed by a `@hardneg(10)` builder whose
modules vary in tool, framework, function set and names (blocks are drawn and fitted to the
80-110 line range), so the model learns that the sink APIs are not weaknesses by themselves.

Templates use ``<<name>>`` placeholders (filled by ``T``) so the module code keeps real braces.
"""
import textwrap

from core import Spec
from registry import fam, hardneg

STDLIB = {"argparse", "asyncio", "collections", "contextlib", "dataclasses", "datetime", "errno", "functools",
          "hashlib", "hmac", "io", "json", "logging", "mimetypes", "os", "pathlib", "re", "secrets", "shlex",
          "shutil", "stat", "subprocess", "sys", "tarfile", "tempfile", "time", "typing", "uuid", "zipfile", "csv",
          "gzip", "fnmatch", "glob", "signal", "socket", "struct", "threading", "queue", "concurrent", "enum",
          "atexit", "posixpath", "stat"}


def T(tpl: str, **kw) -> str:
    """Dedent a template and fill its ``<<name>>`` placeholders."""
    s = textwrap.dedent(tpl).strip("\n")
    for k, v in kw.items():
        s = s.replace(f"<<{k}>>", str(v))
    assert "<<" not in s, s[s.index("<<"):][:60]
    return s


def _imports(imps) -> str:
    std_imp, tp_imp, std_from, tp_from, local = set(), set(), {}, {}, {}
    for chunk in imps:
        for line in chunk.split("\n"):
            line = line.strip()
            if not line:
                continue
            if line.startswith("import "):
                mod = line[7:].split(" as ")[0].strip()
                (std_imp if mod.split(".")[0] in STDLIB else tp_imp).add(line)
            else:
                mod, names = line[5:].split(" import ")
                d = local if mod.startswith(".") else std_from if mod.split(".")[0] in STDLIB else tp_from
                d.setdefault(mod, set()).update(n.strip() for n in names.split(","))

    def fr(d):
        return [f"from {m} import {', '.join(sorted(ns, key=lambda n: (n.lower(), n)))}" for m, ns in sorted(d.items())]

    std = sorted(std_imp) + fr(std_from)
    tp = sorted(tp_imp) + fr(tp_from)
    loc = fr(local)
    return "\n".join(std) + ("\n\n" + "\n".join(tp) if tp else "") + ("\n\n" + "\n".join(loc) if loc else "")


def _module(doc: str, imps, consts: str, sections) -> str:
    body = "\n\n\n".join(s.strip("\n") for s in sections if s and s.strip())
    return f'"""{doc}"""\n{_imports(imps)}\n\n{consts.strip()}\n\n\n{body}\n'


def _lines(code: str) -> int:
    return len(code.strip("\n").split("\n"))


def _fit(c, build, optional, lo: int = 82, hi: int = 108):
    """build(chosen_blocks) -> (v, s). Add shuffled optional blocks until the module reaches a
    random target length inside [lo, hi]; blocks that would overshoot are skipped."""
    opts = list(optional)
    c.rng.shuffle(opts)
    target = c.rng.randint(lo + 2, hi - 4)
    chosen: list = []
    v, s = build(chosen)
    for b in opts:
        if _lines(v) >= target:
            break
        tv, ts = build(chosen + [b])
        if max(_lines(tv), _lines(ts)) > hi:
            continue
        chosen.append(b)
        v, s = tv, ts
    return v, s


def _pair(tpl: str, vsink: str, ssink: str):
    return tpl.replace("@@SINK@@", vsink), tpl.replace("@@SINK@@", ssink).replace("  #@V", "").replace("  #@S", "")


def _place(entry: str, post: list, fw: str) -> list:
    """Extra handlers go after the entry point of web apps and Celery workers (they need ``app``),
    before it for scripts and workers that end with a ``__main__`` block."""
    return [entry] + post if fw in ("flask", "fastapi", "celery") else post + [entry]


def _fw(c, hard: bool, hard_fws: tuple, pos_fws: tuple) -> str:
    """The module's framework, drawn in the builder (the context's own first draw is strongly
    skewed for some family names) and written back so the record's notes agree."""
    c.rng.random()
    c.fw = c.pick(*(hard_fws if hard else pos_fws))
    return c.fw


def _flask_auth(envvar: str, principal: str) -> tuple:
    code = T('''
        auth = HTTPTokenAuth(scheme="Bearer")


        @auth.verify_token
        def verify_token(token: str) -> str | None:
            expected = os.environ.get("<<ENV>>", "")
            if expected and hmac.compare_digest(token.encode(), expected.encode()):
                return "<<P>>"
            return None''', ENV=envvar, P=principal)
    return "import hmac\nimport os\nfrom flask_httpauth import HTTPTokenAuth", code


def _fastapi_auth(envvar: str, fn: str) -> tuple:
    code = T('''
        bearer = HTTPBearer()


        def <<FN>>(creds: HTTPAuthorizationCredentials = Depends(bearer)) -> None:
            expected = os.environ.get("<<ENV>>", "")
            if not expected or not hmac.compare_digest(creds.credentials.encode(), expected.encode()):
                raise HTTPException(status_code=401, detail="invalid token")''', ENV=envvar, FN=fn)
    return ("import hmac\nimport os\nfrom fastapi import Depends, HTTPException\n"
            "from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer"), code


# =====================================================================================
# 1. CWE-78: media / document conversion service
# =====================================================================================

MEDIA_TOOLS = {
    "ffmpeg": dict(
        bins='FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"\nFFPROBE = shutil.which("ffprobe") or "/usr/bin/ffprobe"',
        BIN="FFMPEG", ver="-version", ch="preset", table="PRESETS", default="web",
        table_code='''PRESETS: dict[str, list[str]] = {
    "web": ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "aac", "-movflags", "+faststart"],
    "small": ["-vf", "scale=-2:480", "-c:v", "libx264", "-crf", "28", "-c:a", "aac", "-b:a", "96k"],
    "audio": ["-vn", "-c:a", "aac", "-b:a", "128k"],
}''',
        suffixes='{".mov", ".mp4", ".mkv", ".webm", ".avi"}', dst='<<OUT>> / f"{job_id}.mp4"',
        argv='[FFMPEG, "-hide_banner", "-nostdin", "-y", "-i", str(src), *PRESETS[<<ch>>]<<TARG>>, str(dst)]',
        targ=', "-metadata", f"title={<<x>>}"',
        words=("video", "lecture", "clip", "recording", "webinar"),
        fns=("transcode", "transcode_upload", "encode_video"),
    ),
    "pandoc": dict(
        bins='PANDOC = shutil.which("pandoc") or "/usr/bin/pandoc"',
        BIN="PANDOC", ver="--version", ch="fmt", table="FORMATS", default="html",
        table_code='FORMATS = {"html": ".html", "docx": ".docx", "epub": ".epub", "odt": ".odt"}',
        suffixes='{".md", ".markdown"}', dst='<<OUT>> / f"{job_id}{FORMATS[<<ch>>]}"',
        argv=('[PANDOC, "--sandbox", "--from", "markdown", "--to", <<ch>>, "--standalone"<<TARG>>, '
              '"--output", str(dst), "--", str(src)]'),
        targ=', "--metadata", f"title={<<x>>}"',
        words=("handbook", "article", "note", "manual", "chapter"),
        fns=("render_document", "convert_markdown", "publish"),
    ),
    "lame": dict(
        bins='LAME = shutil.which("lame") or "/usr/bin/lame"',
        BIN="LAME", ver="--version", ch="quality", table="QUALITY", default="standard",
        table_code='''QUALITY: dict[str, list[str]] = {
    "standard": ["--preset", "standard"],
    "medium": ["--preset", "medium"],
    "voice": ["-V", "7", "-m", "m", "--resample", "22.05"],
}''',
        suffixes='{".wav", ".aiff", ".flac"}', dst='<<OUT>> / f"{job_id}.mp3"',
        argv='[LAME, "--quiet", *QUALITY[<<ch>>]<<TARG>>, str(src), str(dst)]',
        targ=', "--tt", <<x>>',
        words=("podcast", "episode", "sermon", "interview", "audiobook"),
        fns=("encode_mp3", "encode_episode", "compress_audio"),
    ),
    "gs": dict(
        bins='GS = shutil.which("gs") or "/usr/bin/gs"',
        BIN="GS", ver="--version", ch="quality", table="PDF_SETTINGS", default="ebook",
        table_code='PDF_SETTINGS = ("screen", "ebook", "printer", "prepress")',
        suffixes='{".pdf"}', dst='<<OUT>> / f"{job_id}.pdf"',
        argv=('[GS, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", f"-dPDFSETTINGS=/{<<ch>>}", '
              'f"-sOutputFile={dst}", str(src)]'),
        targ=None, words=("invoice", "statement", "scan", "brochure"),
        fns=("compress_pdf", "shrink_pdf", "optimise_pdf"),
    ),
    "magick": dict(
        bins='MAGICK = shutil.which("magick") or shutil.which("convert") or "/usr/bin/convert"',
        BIN="MAGICK", ver="-version", ch="size", table="SIZES", default="medium",
        table_code='SIZES = {"small": 320, "medium": 800, "large": 1600}',
        suffixes='{".jpg", ".jpeg", ".png", ".webp", ".tiff"}', dst='<<OUT>> / f"{job_id}.jpg"',
        argv=('[MAGICK, str(src), "-auto-orient", "-resize", f"{SIZES[<<ch>>]}x{SIZES[<<ch>>]}>", "-strip", '
              '"-quality", "85", str(dst)]'),
        targ=None, words=("photo", "avatar", "banner", "product"),
        fns=("resize_image", "make_rendition", "render_preview"),
    ),
}


def _media_blocks(tool: str, k: dict) -> list:
    B, OUT, IN, TO = k["BIN"], k["OUT"], k["IN"], k["TO"]
    blocks = [
        ("import subprocess", T('''
            def tool_version() -> str:
                """First line of the converter's version banner, shown on the status page."""
                proc = subprocess.run([<<B>>, "<<V>>"], capture_output=True, text=True, timeout=10, check=True)
                return proc.stdout.splitlines()[0] if proc.stdout else "unknown"''', B=B, V=k["ver"])),
        ("import shutil", T('''
            def missing_tools() -> list[str]:
                """Executables this worker needs but cannot find on PATH."""
                wanted = (<<NAMES>>)
                return [name for name in wanted if shutil.which(name) is None]''',
                              NAMES=k["wanted"])),
        ("import hashlib\nfrom pathlib import Path", T('''
            def _sha256(path: Path) -> str:
                digest = hashlib.sha256()
                with path.open("rb") as fh:
                    for chunk in iter(lambda: fh.read(65536), b""):
                        digest.update(chunk)
                return digest.hexdigest()''')),
        ("import time", T('''
            def purge_outputs(max_age_hours: float = <<AGE>>) -> int:
                """Delete converted files older than the retention window."""
                cutoff = time.time() - max_age_hours * 3600
                removed = 0
                for path in <<OUT>>.glob("*"):
                    if path.is_file() and path.stat().st_mtime < cutoff:
                        path.unlink()
                        removed += 1
                log.info("purged %d old outputs", removed)
                return removed''', OUT=OUT, AGE=k["age"])),
        ("import shutil", T('''
            def disk_report() -> dict:
                usage = shutil.disk_usage(<<OUT>>)
                return {"free_mb": usage.free // 2**20, "used_pct": round(100 * usage.used / usage.total, 1)}''',
                            OUT=OUT)),
        ("import shlex", T('''
            def describe(cmd: list[str]) -> str:
                """Copy-pasteable rendering of an argument list, for logs and the admin UI only."""
                return " ".join(shlex.quote(part) for part in cmd)''')),
        ("", T('''
            def list_outputs() -> list[dict]:
                if not <<OUT>>.exists():
                    return []
                return [{"name": p.name, "bytes": p.stat().st_size} for p in sorted(<<OUT>>.iterdir()) if p.is_file()]''',
                   OUT=OUT)),
        ("import asyncio", T('''
            async def _exec(cmd: list[str]) -> int:
                proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.DEVNULL,
                                                            stderr=asyncio.subprocess.PIPE)
                _, err = await asyncio.wait_for(proc.communicate(), timeout=<<TO>>)
                if proc.returncode:
                    log.warning("%s exited %d: %s", cmd[0], proc.returncode, err.decode(errors="replace")[-300:])
                return proc.returncode


            async def run_batch(cmds: list[list[str]], parallel: int = 2) -> list[int]:
                """Run prepared argument lists concurrently (no shell involved)."""
                gate = asyncio.Semaphore(parallel)

                async def one(cmd: list[str]) -> int:
                    async with gate:
                        return await _exec(cmd)

                return await asyncio.gather(*(one(cmd) for cmd in cmds))''', TO=TO)),
    ]
    if tool == "ffmpeg":
        blocks.append(("import json\nimport subprocess\nfrom pathlib import Path", T('''
            def probe_duration(path: Path) -> float:
                """Duration in seconds according to ffprobe."""
                cmd = [FFPROBE, "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)]
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=True)
                return float(json.loads(proc.stdout)["format"]["duration"])''')))
        blocks.append(("import subprocess\nfrom pathlib import Path", T('''
            def poster_frame(job_id: str, src: Path) -> Path:
                out = <<OUT>> / f"{job_id}.jpg"
                cmd = [FFMPEG, "-hide_banner", "-nostdin", "-y", "-ss", "2", "-i", str(src), "-frames:v", "1",
                       "-vf", "scale=480:-2", str(out)]
                log.debug("poster: %s", " ".join(cmd))
                subprocess.run(cmd, check=True, capture_output=True, timeout=60)
                return out''', OUT=OUT)))
    elif tool == "gs":
        blocks.append(("import subprocess\nfrom pathlib import Path", T('''
            def page_count(pdf: Path) -> int:
                proc = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=30, check=True)
                for line in proc.stdout.splitlines():
                    if line.startswith("Pages:"):
                        return int(line.split(":", 1)[1])
                return 0''')))
        blocks.append(("import subprocess\nfrom pathlib import Path", T('''
            def first_page_png(job_id: str, pdf: Path) -> Path:
                stem = <<OUT>> / f"{job_id}-p1"
                subprocess.run(["pdftoppm", "-png", "-singlefile", "-scale-to", "320", str(pdf), str(stem)],
                               check=True, timeout=60)
                return stem.with_suffix(".png")''', OUT=OUT)))
    elif tool == "magick":
        blocks.append(("import subprocess\nfrom pathlib import Path", T('''
            def image_size(path: Path) -> tuple[int, int]:
                proc = subprocess.run([MAGICK, "identify", "-format", "%w %h", str(path)],
                                      capture_output=True, text=True, timeout=20, check=True)
                width, height = proc.stdout.split()[:2]
                return int(width), int(height)''')))
    elif tool == "pandoc":
        blocks.append(("from pathlib import Path", T('''
            def word_count(src: Path) -> int:
                text = src.read_text(encoding="utf-8", errors="replace")
                return sum(len(line.split()) for line in text.splitlines() if not line.startswith("```"))''')))
    elif tool == "lame":
        blocks.append(("import subprocess\nfrom pathlib import Path", T('''
            def normalise(src: Path) -> Path:
                """Loudness-normalise with sox before encoding; writes a sibling file."""
                out = src.with_name(src.stem + ".norm.wav")
                subprocess.run(["sox", "--norm=-1", str(src), str(out)], check=True, timeout=<<TO>>)
                return out''', TO=TO)))
    return blocks


def _media(c, hard: bool):
    tool = c.pick("ffmpeg", "pandoc", "lame", "gs", "magick") if hard else c.pick("ffmpeg", "pandoc", "lame")
    P = MEDIA_TOOLS[tool]
    fw = _fw(c, hard, ("flask", "fastapi", "celery", "queue", "cli", "script"), ("flask", "fastapi", "celery", "queue"))
    w = c.pick(*P["words"])
    W = w.upper()
    IN, OUT = c.pick(("INBOX", "OUTBOX"), ("INCOMING", "RENDERED"), ("UPLOAD_DIR", "OUTPUT_DIR"), ("SOURCE_DIR", "RESULT_DIR"))
    ROOT = c.pick("WORK_ROOT", "MEDIA_ROOT", "SPOOL_ROOT", "DATA_DIR")
    TO = c.pick("TIMEOUT", "CONVERT_TIMEOUT", "JOB_TIMEOUT")
    fn = c.pick(*P["fns"])
    ch, table, default = P["ch"], P["table"], P["default"]
    has_title = P["targ"] is not None
    x = c.pick("title", "display_title", "label") if has_title else ""
    cmd = c.pick("cmd", "argv", "command", "invocation")
    Res = c.pick("ConversionResult", "JobResult", "Rendition")
    Err = c.pick("ConversionError", "ConverterFailed", "JobError")
    is_async = hard and fw in ("fastapi", "script") and c.rng.random() < 0.5
    split = c.rng.random() < 0.5
    joiner = c.pick(f"shlex.join({cmd})", f'" ".join({cmd})')
    if is_async:
        run = "async"
    else:
        run = c.pick("check", "helper", "returncode") if hard else c.pick("check", "check", "check", "returncode")
    k = dict(BIN=P["BIN"], OUT=OUT, IN=IN, TO=TO, ver=P["ver"], age=c.pick(24, 48, 72, 168),
             wanted=", ".join(f'"{n}"' for n in {"ffmpeg": ("ffmpeg", "ffprobe"), "pandoc": ("pandoc",),
                                                     "lame": ("lame", "sox"), "gs": ("gs", "pdfinfo", "pdftoppm"),
                                                     "magick": ("magick",)}[tool]) + ("," if tool in ("pandoc", "magick") else ""))
    argv = P["argv"].replace("<<TARG>>", (P["targ"] or "") if has_title else "").replace("<<ch>>", ch).replace("<<x>>", x)
    dst = P["dst"].replace("<<OUT>>", OUT).replace("<<ch>>", ch)
    tsig = f", {x}: str" if has_title else ""
    targ = f", {x}" if has_title else ""
    tcheck = (T('''
        if len(<<x>>) > 120 or not <<x>>.isprintable():
            raise <<Err>>("title must be at most 120 printable characters")''', x=x, Err=Err) + "\n") if has_title else ""
    # ---- the one statement that runs the converter (safe forms; positives replace it) ----
    safe_run = {
        "check": f"subprocess.run({cmd}, check=True, capture_output=True, timeout={TO})",
        "helper": f"_run({cmd})",
        "returncode": T(f'''
            proc = subprocess.run({cmd}, capture_output=True, text=True, timeout={TO})
            if proc.returncode != 0:
                log.error("job %s: {tool} failed: %s", job_id, proc.stderr[-500:])
                raise {Err}(f"{tool} exited with status {{proc.returncode}}")'''),
        "async": T(f'''
            proc = await asyncio.create_subprocess_exec(*{cmd}, stdout=asyncio.subprocess.DEVNULL,
                                                        stderr=asyncio.subprocess.PIPE)
            try:
                _, err = await asyncio.wait_for(proc.communicate(), timeout={TO})
            except asyncio.TimeoutError:
                proc.kill()
                raise {Err}("conversion timed out")
            if proc.returncode != 0:
                raise {Err}(f"{tool} exited with status {{proc.returncode}}")'''),
    }[run]
    vshape = c.pick("join", "system", "fstring") if run == "check" else "join"
    if run == "returncode":
        vrun = safe_run.replace(f"subprocess.run({cmd}, ", f'subprocess.run(" ".join({cmd}), shell=True, ', 1)
        vrun = vrun.replace("\n", "  #@V\n", 1)
        srun = safe_run
    elif vshape == "join":
        vrun = f'subprocess.run(" ".join({cmd}), shell=True, check=True, capture_output=True, timeout={TO})  #@V'
        srun = f"subprocess.run({cmd}, check=True, capture_output=True, timeout={TO})"
    elif vshape == "system":
        vrun = T(f'''
            status = os.system(" ".join({cmd}))  #@V
            if status != 0:
                raise {Err}(f"{tool} exited with status {{status}}")''')
        srun = T(f'''
            status = subprocess.run({cmd}, timeout={TO}).returncode
            if status != 0:
                raise {Err}(f"{tool} exited with status {{status}}")''')
    else:
        nice = c.pick("10", "15", "19")
        vrun = f'subprocess.run(f"nice -n {nice} {{\' \'.join({cmd})}}", shell=True, check=True, timeout={TO})  #@V'
        srun = f'subprocess.run(["nice", "-n", "{nice}", *{cmd}], check=True, timeout={TO})'
    if hard:
        vrun = srun = safe_run
    adef = "async def" if is_async else "def"
    build_fn = c.pick("build_command", "command_for", "make_argv")
    if split:
        build_block = T(f'''
            def {build_fn}(src: Path, dst: Path, {ch}: str{tsig}) -> list[str]:
                """Argument list for one conversion; never joined into a shell string."""
                return {argv}''')
        cmd_line = f"{cmd} = {build_fn}(src, dst, {ch}{targ})"
    else:
        build_block = ""
        cmd_line = f"{cmd} = {argv}"
    checks = T(f'''
        if {ch} not in {table}:
            raise {Err}(f"unknown {ch} {{{ch}!r}}")''') + "\n" + tcheck
    vname = c.pick("_validate", "_check_options", "_validate_options")
    if c.rng.random() < 0.5:
        validator = f"def {vname}({ch}: str{tsig}) -> None:\n" + textwrap.indent(checks, "    ").rstrip("\n")
        checks = f"{vname}({ch}{targ})\n"
    else:
        validator = ""
    core = T(f'''
        {adef} {fn}(job_id: str, src: Path, {ch}: str{tsig}) -> {Res}:
            """Convert one stored upload and return where the result was written."""
        <<TCHECK>>    dst = {dst}
            {cmd_line}
            log.info("job %s: %s", job_id, {joiner})
            started = time.monotonic()
            @@SINK@@
            elapsed = time.monotonic() - started
            log.info("job %s finished in %.1fs", job_id, elapsed)
            return {Res}(job_id=job_id, output=dst.name, seconds=round(elapsed, 2))''', TCHECK=textwrap.indent(checks, "    "))
    helper_run = T(f'''
        def _run({cmd}: list[str]) -> None:
            proc = subprocess.run({cmd}, capture_output=True, text=True, timeout={TO})
            if proc.returncode != 0:
                log.error("%s failed (%d): %s", {cmd}[0], proc.returncode, proc.stderr[-400:])
                raise {Err}(f"{{{cmd}[0]}} exited with status {{proc.returncode}}")''') if run == "helper" else ""
    typed = c.rng.random() < 0.4
    imps = ["import logging\nimport os\nimport shutil\nimport time\nfrom pathlib import Path",
            "from typing import TypedDict" if typed else
            "from dataclasses import asdict, dataclass" if fw not in ("cli", "script") else "from dataclasses import dataclass"]
    imps.append("import shlex" if joiner.startswith("shlex") else "")
    imps.append("import asyncio" if is_async else "import subprocess")
    if not hard and vshape == "system":
        imps.append("import os")
    consts = T(f'''
        log = logging.getLogger("{w}.convert")

        <<BINS>>
        {ROOT} = Path(os.environ.get("{W}_ROOT", "/srv/{w}"))
        {IN} = {ROOT} / "{c.pick('inbox', 'incoming', 'uploads')}"
        {OUT} = {ROOT} / "{c.pick('outbox', 'rendered', 'converted')}"
        {TO} = {c.pick(120, 300, 600, 900)}
        ALLOWED_SUFFIXES = {P["suffixes"]}
        ''', BINS=P["bins"]) + "\n" + P["table_code"]
    classes = T(f'''
        class {Err}(RuntimeError):
            """The converter rejected the job or exited with an error."""


        <<DECO>>class {Res}<<BASE>>:
            job_id: str
            output: str
            seconds: float''', DECO="" if typed else "@dataclass\n", BASE="(TypedDict)" if typed else "")
    ensure = T(f'''
        def _ensure_dirs() -> None:
            for directory in ({IN}, {OUT}):
                directory.mkdir(parents=True, exist_ok=True)''')
    entry_imps, entry, extras = _media_entry(c, fw, dict(w=w, W=W, fn=fn, ch=ch, table=table, default=default, x=x,
                                                           Err=Err, IN=IN, OUT=OUT, is_async=is_async, has_title=has_title,
                                                           wanted=k["wanted"], split=split, build_fn=build_fn,
                                                           AS="dict" if typed else "asdict"))
    imps.append(entry_imps)
    blocks = _media_blocks(tool, k) + (extras if hard else [])
    if not is_async:
        blocks = [b for b in blocks if "async def" not in b[1] or hard]

    def build(chosen):
        pre = [b[1] for b in chosen if len(b) == 2]
        post = [b[1] for b in chosen if len(b) == 3]
        sections = [classes, ensure] + pre + [helper_run, validator, build_block, core] + _place(entry, post, fw)
        code = _module(f"{c.pick('Conversion', 'Rendering', 'Encoding')} of uploaded {w} files with {tool}.",
                       imps + [b[0] for b in chosen], consts, sections)
        return _pair(code, textwrap.indent(vrun, "    ")[4:], textwrap.indent(srun, "    ")[4:])

    v, s = _fit(c, build, blocks, hi=110 if hard else 108)
    return v, s, fw, tool, vshape


def _media_entry(c, fw: str, e: dict):
    w, W, fn, ch, table, default, x, Err, IN, OUT, wanted = (e[k] for k in ("w", "W", "fn", "ch", "table", "default", "x",
                                                                          "Err", "IN", "OUT", "wanted"))
    has_title, aw, AS = e["has_title"], ("await " if e["is_async"] else ""), e["AS"]
    targ = f", {x}" if has_title else ""
    if fw == "flask":
        ai, auth = _flask_auth(f"{W}_API_TOKEN", c.pick("uploader", "converter", "service"))
        tl = f'\n    {x} = request.form.get("title", "").strip()  #@S' if has_title else ""
        code = auth + "\n\n\n" + T(f'''
            @app.post("/{w}s/jobs")
            @auth.login_required
            def create_job():
                upload = request.files.get("file")
                if upload is None or not upload.filename:
                    abort(400, "file is required")
                suffix = Path(upload.filename).suffix.lower()
                if suffix not in ALLOWED_SUFFIXES:
                    abort(415, "unsupported file type")
                {ch} = request.form.get("{ch}", "{default}")
                if {ch} not in {table}:
                    abort(400, "unknown {ch}")<<TL>>
                _ensure_dirs()
                job_id = uuid.uuid4().hex
                src = {IN} / f"{{job_id}}{{suffix}}"
                upload.save(src)
                try:
                    result = {fn}(job_id, src, {ch}{targ})
                except ({Err}, subprocess.SubprocessError):
                    log.exception("job %s failed", job_id)
                    abort(502, "conversion failed")
                return jsonify({AS}(result)), 201''', TL=tl)
        head = f'app = Flask(__name__)\napp.config["MAX_CONTENT_LENGTH"] = {c.pick(64, 200, 500)} * 1024 * 1024'
        extras = [
            ("import shutil\nfrom flask import jsonify", T(f'''
                @app.get("/{w}s/health")
                def health():
                    missing = [name for name in ({wanted}) if shutil.which(name) is None]
                    return jsonify(ok=not missing, missing=missing), (503 if missing else 200)'''), "after"),
            ("import uuid\nfrom flask import abort, send_from_directory", T(f'''
                @app.get("/{w}s/jobs/<job_id>/result")
                @auth.login_required
                def download_result(job_id: str):
                    try:
                        key = uuid.UUID(job_id).hex
                    except ValueError:
                        abort(404)
                    matches = sorted({OUT}.glob(f"{{key}}.*"))
                    if not matches:
                        abort(404)
                    return send_from_directory({OUT}, matches[0].name, as_attachment=True)'''), "after"),
        ]
        return (ai + "\nimport subprocess\nimport uuid\nfrom flask import Flask, abort, jsonify, request",
                head + "\n" + code, extras)
    if fw == "fastapi":
        dep = c.pick("require_token", "check_token", "authorize")
        ai, auth = _fastapi_auth(f"{W}_API_TOKEN", dep)
        tp = ', title: str = Form("")' if has_title else ""
        tl = f"\n    {x} = title.strip()  #@S" if has_title else ""
        exc = Err if e["is_async"] else f"({Err}, subprocess.SubprocessError)"
        if e["is_async"]:
            store = T(f'''
                data = await file.read(MAX_UPLOAD + 1)
                if len(data) > MAX_UPLOAD:
                    raise HTTPException(status_code=413, detail="file too large")
                src.write_bytes(data)''')
        else:
            store = T(f'''
                if file.size is not None and file.size > MAX_UPLOAD:
                    raise HTTPException(status_code=413, detail="file too large")
                with src.open("wb") as fh:
                    shutil.copyfileobj(file.file, fh)''')
        code = auth + "\n\n\n" + T(f'''
            @app.post("/{w}s/jobs", status_code=201, dependencies=[Depends({dep})])
            {"async def" if e["is_async"] else "def"} create_job(file: UploadFile = File(...), {ch}: str = Form("{default}"){tp}) -> dict:
                suffix = Path(file.filename or "").suffix.lower()
                if suffix not in ALLOWED_SUFFIXES:
                    raise HTTPException(status_code=415, detail="unsupported file type")
                if {ch} not in {table}:
                    raise HTTPException(status_code=400, detail="unknown {ch}")<<TL>>
                _ensure_dirs()
                job_id = uuid.uuid4().hex
                src = {IN} / f"{{job_id}}{{suffix}}"
            <<STORE>>
                try:
                    result = {aw}{fn}(job_id, src, {ch}{targ})
                except {exc}:
                    log.exception("job %s failed", job_id)
                    raise HTTPException(status_code=502, detail="conversion failed")
                return {AS}(result)''', STORE=textwrap.indent(store, "    "), TL=tl)
        head = f'app = FastAPI(title="{w.capitalize()} conversion")\nMAX_UPLOAD = {c.pick(64, 200, 500)} * 1024 * 1024'
        extras = [
            ("import shutil", T(f'''
                @app.get("/{w}s/health")
                def health() -> dict:
                    missing = [name for name in ({wanted}) if shutil.which(name) is None]
                    if missing:
                        raise HTTPException(status_code=503, detail="converter unavailable")
                    return {{"ok": True}}'''), "after"),
            ("import uuid\nfrom fastapi.responses import FileResponse", T(f'''
                @app.get("/{w}s/jobs/{{job_id}}/result", dependencies=[Depends({dep})])
                def download_result(job_id: uuid.UUID) -> FileResponse:
                    matches = sorted({OUT}.glob(f"{{job_id.hex}}.*"))
                    if not matches:
                        raise HTTPException(status_code=404, detail="not found")
                    return FileResponse(matches[0], filename=matches[0].name)'''), "after"),
        ]
        return ai + "\nimport uuid\nfrom fastapi import File, FastAPI, Form, UploadFile", head + "\n" + code, extras
    if fw in ("celery", "queue"):
        tl = f'\n{x} = str(payload.get("title", ""))  #@S' if has_title else ""
        body = T(f'''
            job_id = uuid.UUID(str(payload["job_id"])).hex
            suffix = str(payload.get("suffix", "")).lower()
            if suffix not in ALLOWED_SUFFIXES:
                raise {Err}("unsupported file type")<<TL>>
            src = {IN} / f"{{job_id}}{{suffix}}"''', TL=tl)
        if fw == "celery":
            code = T(f'''
                @app.task(bind=True, acks_late=True, max_retries=2, default_retry_delay=30)
                def {fn}_task(self, payload: dict) -> dict:
                <<BODY>>
                    try:
                        return {AS}({fn}(job_id, src, payload.get("{ch}", "{default}"){targ}))
                    except subprocess.TimeoutExpired as exc:
                        raise self.retry(exc=exc)''', BODY=textwrap.indent(body, "    "))
            head = f'app = Celery("{w}_convert", broker=os.environ["BROKER_URL"])'
            extras = [
                ("import time", T(f'''
                    @app.task
                    def purge_task(max_age_hours: float = {c.pick(24, 48, 96)}) -> int:
                        cutoff = time.time() - max_age_hours * 3600
                        old = [p for p in {OUT}.glob("*") if p.is_file() and p.stat().st_mtime < cutoff]
                        for path in old:
                            path.unlink()
                        return len(old)'''), "after"),
                ("import shutil", T(f'''
                    @app.task
                    def tools_available() -> dict:
                        return {{name: shutil.which(name) is not None for name in ({wanted})}}'''), "after"),
            ]
            return "import os\nimport subprocess\nimport uuid\nfrom celery import Celery", head + "\n\n\n" + code, extras
        qk = c.pick(f"{w}:jobs", f"convert:{w}", f"{w}-queue")
        code = T(f'''
            def handle(payload: dict) -> dict:
            <<BODY>>
                return {AS}({fn}(job_id, src, payload.get("{ch}", "{default}"){targ}))


            def run_worker() -> None:
                log.info("waiting for jobs on %s", QUEUE_KEY)
                while True:
                    item = queue.blpop(QUEUE_KEY, timeout=30)
                    if item is None:
                        continue
                    try:
                        queue.rpush(QUEUE_KEY + ":done", json.dumps(handle(json.loads(item[1]))))
                    except ({Err}, subprocess.SubprocessError, KeyError, ValueError):
                        log.exception("job failed")


            if __name__ == "__main__":
                logging.basicConfig(level=logging.INFO)
                run_worker()''', BODY=textwrap.indent(body, "    "))
        head = f'queue = redis.Redis.from_url(os.environ["REDIS_URL"])\nQUEUE_KEY = "{qk}"'
        extras = [
            ("", T('''
                def queue_depth() -> dict:
                    return {"pending": int(queue.llen(QUEUE_KEY)), "done": int(queue.llen(QUEUE_KEY + ":done"))}''')),
            ("import json\nimport uuid", T(f'''
                def submit(suffix: str, {ch}: str = "{default}") -> str:
                    """Queue a job for a file already copied into the inbox under a fresh id."""
                    job_id = uuid.uuid4().hex
                    queue.rpush(QUEUE_KEY, json.dumps({{"job_id": job_id, "suffix": suffix, "{ch}": {ch}}}))
                    return job_id''')),
        ]
        return "import json\nimport os\nimport subprocess\nimport uuid\nimport redis", head + "\n\n\n" + code, extras
    if fw == "cli":
        tp = '\n    parser.add_argument("--title", default="")' if has_title else ""
        dry = ""
        if e["split"]:
            tp += '\n    parser.add_argument("--dry-run", action="store_true", help="print the commands only")'
            dry = T(f'''
                if args.dry_run:
                    print(shlex.join({e["build_fn"]}(path.resolve(), {OUT} / path.name, args.{ch}{", args.title" if has_title else ""})))
                    continue''')
            dry = "\n" + textwrap.indent(dry, "        ")
        code = T(f'''
            def main(argv: list[str] | None = None) -> int:
                parser = argparse.ArgumentParser(description="Convert {w} files with the house settings")
                parser.add_argument("inputs", nargs="+", type=Path)
                parser.add_argument("--{ch}", choices=sorted({table}), default="{default}")<<TP>>
                args = parser.parse_args(argv)
                logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
                _ensure_dirs()
                failed = 0
                for path in args.inputs:
                    if path.suffix.lower() not in ALLOWED_SUFFIXES or not path.is_file():
                        log.warning("skipping %s", path)
                        continue<<DRY>>
                    try:
                        {fn}(uuid.uuid4().hex, path.resolve(), args.{ch}{", args.title" if has_title else ""})
                    except ({Err}, subprocess.SubprocessError):
                        log.exception("conversion of %s failed", path)
                        failed += 1
                return 1 if failed else 0


            if __name__ == "__main__":
                sys.exit(main())''', TP=tp, DRY=dry)
        return "import argparse\nimport shlex\nimport subprocess\nimport sys\nimport uuid", code, []
    # script: batch over the inbox
    tdef = f', "{w.capitalize()} upload"' if has_title else ""
    exc = f"({Err}, OSError)" if e["is_async"] else f"({Err}, subprocess.SubprocessError)"
    code = T(f'''
        {"async def" if e["is_async"] else "def"} main() -> int:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
            _ensure_dirs()
            done = failed = 0
            for src in sorted({IN}.iterdir()):
                if not src.is_file() or src.suffix.lower() not in ALLOWED_SUFFIXES:
                    continue
                try:
                    {aw}{fn}(uuid.uuid4().hex, src, "{default}"{tdef})
                    src.unlink()
                    done += 1
                except {exc}:
                    log.exception("could not convert %s", src.name)
                    failed += 1
            log.info("converted %d files, %d failures", done, failed)
            return 1 if failed else 0


        if __name__ == "__main__":
            sys.exit({"asyncio.run(main())" if e["is_async"] else "main()"})''')
    return "import sys\nimport uuid" + ("" if e["is_async"] else "\nimport subprocess"), code, []


@fam("mod-safe-proc-media-convert", "CWE-78", fws=["flask", "fastapi", "celery", "queue"], n=6, wrap=False)
def mod_safe_proc_media_convert(c):
    v, s, fw, tool, shape = _media(c, hard=False)
    how = {"join": 'the argument list is joined with " ".join() and run with shell=True',
           "system": 'the argument list is joined with " ".join() and passed to os.system',
           "fstring": "the joined argument list is interpolated into an f-string run with shell=True"}[shape]
    return Spec(v=v, s=s, full=True, fw=fw,
                notes=f"the client-supplied title ends up in the {tool} command line, and {how}: a title such as "
                      "'x; rm -rf ~' or '$(id)' runs a command (isprintable() only rejects control characters); "
                      "the twin runs the same argument list without a shell")


@hardneg(10)
def mod_safe_proc_media_convert_hn(c):
    v, s, fw, tool, _ = _media(c, hard=True)
    return Spec(v="", s=s, full=True, fw=fw,
                notes=f"{tool} is run from an argument list (no shell); shlex.join / \" \".join only build log "
                      "text; binaries come from shutil.which; uploads are stored under uuid names with an "
                      "allow-listed suffix and options are checked against fixed tables")


# =====================================================================================
# 2. CWE-77: git / tar / rsync wrapper (argument injection)
# =====================================================================================

def _git_blocks(k: dict) -> dict:
    """Safe helper functions of the repository service, by name."""
    E = k["Err"]
    b = {}
    b["branches"] = ("", T('''
        def list_branches(repo: Path) -> list[str]:
            out = _git(repo, "for-each-ref", "--format=%(refname:short)", "--sort=-committerdate", "refs/heads/")
            return out.splitlines()'''))
    b["tags"] = ("", T('''
        def list_tags(repo: Path, limit: int = 50) -> list[str]:
            out = _git(repo, "for-each-ref", f"--count={int(limit)}", "--format=%(refname:short)",
                       "--sort=-creatordate", "refs/tags/")
            return out.splitlines()'''))
    b["count"] = ("", T('''
        def commit_count(repo: Path, ref: str) -> int:
            return int(_git(repo, "rev-list", "--count", resolve_ref(repo, ref)).strip())'''))
    b["describe"] = ("", T('''
        def describe(repo: Path, ref: str = "HEAD") -> str:
            """Nearest tag plus distance, used as the version string of exports."""
            return _git(repo, "describe", "--tags", "--always", resolve_ref(repo, ref)).strip()'''))
    b["show"] = ("", T('''
        def read_file_at(repo: Path, ref: str, path: str, max_chars: int = 200_000) -> str:
            if path.startswith("/") or ".." in path.split("/"):
                raise <<E>>("invalid path")
            sha = resolve_ref(repo, ref)
            return _git(repo, "show", f"{sha}:{path}")[:max_chars]''', E=E))
    b["blame"] = ("", T('''
        def blame_authors(repo: Path, ref: str, path: str) -> dict[str, int]:
            """Lines per author for one file; the path is passed after --."""
            sha = resolve_ref(repo, ref)
            counts: dict[str, int] = {}
            for line in _git(repo, "blame", "--line-porcelain", sha, "--", path).splitlines():
                if line.startswith("author "):
                    name = line[7:]
                    counts[name] = counts.get(name, 0) + 1
            return counts'''))
    b["fetch"] = ("import time", T('''
        def refresh_mirror(repo: Path) -> float:
            started = time.monotonic()
            _git(repo, "fetch", "--prune", "--quiet", "origin")
            return time.monotonic() - started'''))
    b["bundle"] = ("import shlex\nimport subprocess", T('''
        def bundle_entries(base: Path, names: list[str], out: Path) -> Path:
            """Pack selected top-level entries of a checkout; names are checked and passed after --."""
            for name in names:
                if not NAME_RE.fullmatch(name):
                    raise <<E>>(f"invalid entry name {name!r}")
            cmd = ["tar", "-czf", str(out), "-C", str(base), "--", *names]
            log.info("packing: %s", shlex.join(cmd))
            subprocess.run(cmd, check=True, capture_output=True, timeout=300)
            return out''', E=E))
    b["publish"] = ("import os\nimport subprocess", T('''
        def publish(site_dir: Path) -> None:
            """Mirror a built site to the web host; both paths come from configuration."""
            target = os.environ["PUBLISH_TARGET"]
            cmd = ["rsync", "-a", "--delete", "--chmod=D755,F644", "--", f"{site_dir}/", target]
            log.info("publishing with: %s", " ".join(cmd))
            subprocess.run(cmd, check=True, timeout=600)'''))
    b["worktree"] = ("import shutil\nimport subprocess", T('''
        def checkout_copy(repo: Path, ref: str, dest: Path) -> Path:
            """Detached worktree of a resolved commit, replaced if it already exists."""
            sha = resolve_ref(repo, ref)
            if dest.exists():
                shutil.rmtree(dest)
            subprocess.run([GIT, "-C", str(repo), "worktree", "add", "--detach", "--force", str(dest), sha],
                           check=True, capture_output=True, timeout=GIT_TIMEOUT)
            return dest'''))
    return b


GIT_SHAPES = {
    "log": dict(fns=("recent_commits", "commit_log", "history"), key="ref", xs=("ref", "rev", "revision"),
                reads=[("X", "ref", "HEAD", "str"), ("limit", "limit", 20, "int")], args="X, limit",
                route="commits", rkey="commits", wrap="{}"),
    "diff": dict(fns=("changed_lines", "file_changes", "numstat_for"), key="path", xs=("path", "file_path", "filename"),
                 reads=[("ref", "ref", "HEAD", "str"), ("X", "path", None, "str")], args="ref, X",
                 route="changes", rkey="changes", wrap="{}"),
    "grep": dict(fns=("search_code", "grep_tree", "find_in_repo"), key="q", xs=("pattern", "needle", "query"),
                 reads=[("X", "q", None, "str"), ("ref", "ref", "HEAD", "str")], args="ref, X",
                 route="search", rkey="matches", wrap="{}"),
    "archive": dict(fns=("export_snapshot", "build_archive", "snapshot"), key="ref", xs=("ref", "rev", "tag"),
                    reads=[("X", "ref", "main", "str")], args="X, uuid.uuid4().hex",
                    route="exports", rkey="archive", wrap="{}.name"),
}


def _git_core(shape: str, fn: str, x: str, E: str, form: str) -> tuple:
    """(imports, template with @@SINK@@ / #@V marks, vulnerable sink, safe sink) of the shape's function."""
    if shape == "log":
        tpl = T('''
            def <<FN>>(repo: Path, <<X>>: str, limit: int = 20) -> list[dict]:
                """Latest commits reachable from a branch, tag or commit id."""
                if not <<X>> or len(<<X>>) > 200:
                    raise <<E>>("missing or oversized revision")
            @@SINK@@
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=GIT_TIMEOUT)  #@V
                if proc.returncode != 0:
                    raise <<E>>("unknown revision")
                commits = []
                for line in proc.stdout.splitlines():
                    sha, author, date, subject = line.split("\\t", 3)
                    commits.append({"sha": sha, "author": author, "date": date, "subject": subject})
                return commits''', FN=fn, X=x, E=E)
        base = f'[GIT, "-C", str(repo), "log", f"--max-count={{int(limit)}}", "--date=iso-strict", "--format=%H%x09%an%x09%ad%x09%s", '
        v = f"    cmd = {base}{x}]  #@V"
        s = {"eoo": f'    cmd = {base}"--end-of-options", {x}]',
             "resolve": f"    sha = resolve_ref(repo, {x})\n    cmd = {base}sha]",
             "guard": f'    if {x}.startswith("-"):\n        raise {E}("invalid revision")\n    cmd = {base}{x}]',
             "regex": f'    if not REF_RE.fullmatch({x}):\n        raise {E}("invalid revision")\n    cmd = {base}{x}]'}[form]
    elif shape == "diff":
        tpl = T('''
            def <<FN>>(repo: Path, ref: str, <<X>>: str) -> list[dict]:
                """Lines added and removed by one commit (against its first parent), optionally for one path."""
                sha = resolve_ref(repo, ref)
            @@SINK@@
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=GIT_TIMEOUT)  #@V
                if proc.returncode != 0:
                    raise <<E>>("diff failed")
                changes = []
                for line in proc.stdout.splitlines():
                    added, removed, name = line.split("\\t", 2)
                    changes.append({"path": name, "added": added, "removed": removed})
                return changes''', FN=fn, X=x, E=E)
        base = '[GIT, "-C", str(repo), "diff", "--numstat", "--no-renames", f"{sha}^", sha, '
        v = f"    cmd = {base}{x}]  #@V"
        s = f'    cmd = {base}"--", {x}]'
    elif shape == "grep":
        tpl = T('''
            def <<FN>>(repo: Path, ref: str, <<X>>: str, limit: int = 200) -> list[dict]:
                """Fixed-string search in the tree of a commit."""
                if not <<X>> or len(<<X>>) > 256:
                    raise <<E>>("search text must be 1-256 characters")
                sha = resolve_ref(repo, ref)
            @@SINK@@
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=GIT_TIMEOUT)  #@V
                if proc.returncode not in (0, 1):
                    raise <<E>>("search failed")
                matches = []
                for line in proc.stdout.splitlines()[:limit]:
                    _, path, lineno, text = line.split(":", 3)
                    matches.append({"path": path, "line": int(lineno), "text": text[:300]})
                return matches''', FN=fn, X=x, E=E)
        base = '[GIT, "-C", str(repo), "grep", "-n", "-I", "--fixed-strings", '
        v = f"    cmd = {base}{x}, sha]  #@V"
        s = f'    cmd = {base}"-e", {x}, sha]'
    else:
        tpl = T('''
            def <<FN>>(repo: Path, <<X>>: str, job_id: str) -> Path:
                """tar.gz export of a branch or tag, written to the export directory."""
                EXPORT_DIR.mkdir(parents=True, exist_ok=True)
                out = EXPORT_DIR / f"{repo.stem}-{job_id}.tar.gz"
            @@SINK@@
                subprocess.run(cmd, check=True, capture_output=True, timeout=GIT_TIMEOUT)  #@V
                log.info("exported %s to %s", repo.stem, out.name)
                return out''', FN=fn, X=x, E=E)
        base = '[GIT, "-C", str(repo), "archive", "--format=tar.gz", f"--prefix={repo.stem}/", "-o", str(out), '
        v = f"    cmd = {base}{x}]  #@V"
        s = {"eoo": f'    cmd = {base}"--end-of-options", {x}]',
             "resolve": f"    sha = resolve_ref(repo, {x})\n    cmd = {base}sha]",
             "guard": f'    if {x}.startswith("-"):\n        raise {E}("invalid revision")\n    cmd = {base}{x}]',
             "regex": f'    if not REF_RE.fullmatch({x}):\n        raise {E}("invalid revision")\n    cmd = {base}{x}]'}[form]
    return tpl, v, s


def _git_entry(c, fw: str, e: dict):
    shape, fn, x, E, w = e["shape"], e["fn"], e["x"], e["Err"], e["w"]
    S = GIT_SHAPES[shape]
    args = S["args"].replace("X", x)
    call = f"{fn}(repo, {args})"
    res = S["wrap"].format(call)
    reads = [(x if var == "X" else var, key, d, kind, var == "X") for var, key, d, kind in S["reads"]]
    route = f'/repos/<name>/{S["route"]}'
    verb = "post" if shape == "archive" else "get"
    if fw == "flask":
        lines = []
        for var, key, d, kind, tainted in reads:
            mark = "  #@S" if tainted else ""
            if kind == "int":
                lines.append(f'{var} = max(1, min(request.args.get("{key}", {d}, type=int), 100))')
            elif d is None:
                lines.append(f'{var} = request.args.get("{key}", ""){mark}')
                lines.append(f'if not {var}:\n    abort(400, "{key} is required")')
            else:
                src = "(request.get_json(silent=True) or {})" if verb == "post" else "request.args"
                lines.append(f'{var} = str({src}.get("{key}", "{d}")){mark}' if verb == "post"
                             else f'{var} = request.args.get("{key}", "{d}"){mark}')
        ai, auth = _flask_auth(f"{w.upper()}_GIT_TOKEN", c.pick("reader", "browser", "ci"))
        code = auth + "\n\n\n" + T(f'''
            @app.{verb}("{route}")
            @auth.login_required
            def {S["route"]}_view(name: str):
            <<READS>>
                try:
                    repo = _repo_path(name)
                    return jsonify({S["rkey"]}={res})
                except ({E}, subprocess.TimeoutExpired):
                    log.warning("%s request for %r failed", "{S["route"]}", name)
                    abort(404)''', READS=textwrap.indent("\n".join(lines), "    "))
        extras = [("", T(f'''
            @app.get("/repos/<name>/branches")
            @auth.login_required
            def branches_view(name: str):
                try:
                    return jsonify(branches=_git(_repo_path(name), "branch", "--format=%(refname:short)").split())
                except {E}:
                    abort(404)'''), "after")]
        return ai + "\nimport subprocess\nfrom flask import Flask, abort, jsonify, request", "app = Flask(__name__)\n\n\n" + code, extras
    if fw == "fastapi":
        params, lines = ["name: str"], []
        for var, key, d, kind, tainted in reads:
            if kind == "int":
                params.append(f"{key}: int = Query({d}, ge=1, le=100)")
            elif d is None:
                params.append(f"{key}: str = Query(..., min_length=1)")
            else:
                params.append(f'{key}: str = "{d}"')
            if tainted:
                lines.append(f"{var} = {key}.strip()  #@S")
            elif var != key:
                lines.append(f"{var} = {key}")
        dep = c.pick("require_token", "verify_caller")
        ai, auth = _fastapi_auth(f"{w.upper()}_GIT_TOKEN", dep)
        code = auth + "\n\n\n" + T(f'''
            @app.{verb}("{route.replace("<name>", "{name}")}", dependencies=[Depends({dep})])
            def {S["route"]}_view({", ".join(params)}) -> dict:
            <<READS>>
                try:
                    repo = _repo_path(name)
                    return {{"{S["rkey"]}": {res}}}
                except ({E}, subprocess.TimeoutExpired):
                    raise HTTPException(status_code=404, detail="not found")''', READS=textwrap.indent("\n".join(lines), "    "))
        extras = [("", T(f'''
            @app.get("/repos/{{name}}/branches", dependencies=[Depends({dep})])
            def branches_view(name: str) -> dict:
                try:
                    return {{"branches": _git(_repo_path(name), "branch", "--format=%(refname:short)").split()}}
                except {E}:
                    raise HTTPException(status_code=404, detail="not found")'''), "after")]
        return (ai + "\nimport subprocess\nfrom fastapi import FastAPI" + (", Query" if any("Query(" in p for p in params) else ""),
                f'app = FastAPI(title="{w.capitalize()} repositories")\n\n\n' + code, extras)
    if fw == "celery":
        lines = []
        for var, key, d, kind, tainted in reads:
            mark = "  #@S" if tainted else ""
            if kind == "int":
                lines.append(f'{var} = max(1, min(int(payload.get("{key}", {d})), 100))')
            elif d is None:
                lines.append(f'{var} = str(payload["{key}"]){mark}')
            else:
                lines.append(f'{var} = str(payload.get("{key}", "{d}")){mark}')
        out = "str(result)" if shape == "archive" else "result"
        code = T(f'''
            @app.task(bind=True, max_retries=2, default_retry_delay=60)
            def {S["route"]}_task(self, payload: dict):
                repo = _repo_path(str(payload["repo"]))
            <<READS>>
                try:
                    result = {call}
                except subprocess.TimeoutExpired as exc:
                    raise self.retry(exc=exc)
                log.info("{S["route"]} task for %s done", repo.stem)
                return {out}''', READS=textwrap.indent("\n".join(lines), "    "))
        return ("import os\nimport subprocess\nfrom celery import Celery",
                f'app = Celery("{w}_git", broker=os.environ["BROKER_URL"])\n\n\n' + code, [])
    # cli
    adds = []
    for var, key, d, kind, tainted in reads:
        if kind == "int":
            adds.append(f'cmd.add_argument("--{key}", type=int, default={d})')
        elif d is None:
            adds.append(f'cmd.add_argument("{key}")')
        else:
            adds.append(f'cmd.add_argument("--{key}", default="{d}")')
    cargs = ", ".join("args." + k if k in [r[1] for r in reads] or k in [r[0] for r in reads] else k
                      for k in [a.strip() for a in S["args"].replace("X", S["key"]).split(",")])
    code = T(f'''
        def main(argv: list[str] | None = None) -> int:
            parser = argparse.ArgumentParser(description="Inspect the mirrored {w} repositories")
            parser.add_argument("repo")
            sub = parser.add_subparsers(dest="command", required=True)
            cmd = sub.add_parser("{S["route"]}")
        <<ADDS>>
            sub.add_parser("branches")
            args = parser.parse_args(argv)
            logging.basicConfig(level=logging.WARNING)
            try:
                repo = _repo_path(args.repo)
                if args.command == "branches":
                    print(_git(repo, "branch", "--format=%(refname:short)"), end="")
                    return 0
                result = {fn}(repo, {cargs})
            except {E} as exc:
                print(f"error: {{exc}}", file=sys.stderr)
                return 1
            print(json.dumps({"str(result)" if shape == "archive" else "result"}, indent=2))
            return 0


        if __name__ == "__main__":
            sys.exit(main())''', ADDS=textwrap.indent("\n".join(adds), "    "))
    return "import argparse\nimport json\nimport sys", code, []


def _gitsvc(c, hard: bool):
    fw = _fw(c, hard, ("flask", "fastapi", "celery", "cli"), ("flask", "fastapi", "celery"))
    shape = c.pick("log", "diff", "grep", "archive")
    S = GIT_SHAPES[shape]
    w = c.word
    fn = c.pick(*S["fns"])
    x = c.pick(*S["xs"])
    E = c.pick("GitError", "RepoError", "GitCommandError")
    form = c.pick("eoo", "resolve", "guard", "regex") if hard else c.pick("eoo", "guard")
    if shape in ("diff", "grep"):
        form = "fixed"
    if shape == "archive" and form == "eoo":
        form = "guard"
    ref_check = c.pick("eoo", "dash")
    tpl, vs, ss = _git_core(shape, fn, x, E, form)
    imps = ["import logging\nimport os\nimport re\nimport shutil\nimport subprocess\nfrom pathlib import Path"]
    if shape == "archive" or fw == "cli":
        pass
    if "uuid" in S["args"]:
        imps.append("import uuid")
    k = dict(Err=E)
    pool = _git_blocks(k)
    # a second safe shape as a helper: the look-alike used correctly next to the weak one
    other = c.pick(*[s for s in GIT_SHAPES if s != shape])
    otpl, _, oss = _git_core(other, c.pick(*GIT_SHAPES[other]["fns"]), c.pick(*GIT_SHAPES[other]["xs"]), E,
                             c.pick("eoo", "resolve") if other in ("log", "archive") else "fixed")
    other_block = _pair(otpl, oss, oss)[1]
    uses_regex = form == "regex" or "REF_RE" in other_block
    needs_export = shape == "archive" or other == "archive"
    consts = T(f'''
        log = logging.getLogger("{w}.repos")

        GIT = shutil.which("git") or "/usr/bin/git"
        REPO_ROOT = Path(os.environ.get("REPO_ROOT", "/srv/git/{w}"))
        NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{{0,62}}")
        GIT_TIMEOUT = {c.pick(20, 30, 60, 120)}''')
    if uses_regex:
        consts += '\nREF_RE = re.compile(r"(?!-)[A-Za-z0-9._/-]{1,200}")'
    if needs_export:
        consts += f'\nEXPORT_DIR = Path(os.environ.get("EXPORT_DIR", "/var/lib/{w}/exports"))'
    if ref_check == "eoo":
        rr = T('''
            def resolve_ref(repo: Path, ref: str) -> str:
                """Full commit id of a branch, tag or abbreviated id; the value is never parsed as an option."""
                return _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{commit}").strip()''')
    else:
        rr = T('''
            def resolve_ref(repo: Path, ref: str) -> str:
                """Full commit id of a branch, tag or abbreviated id."""
                if not ref or ref.startswith("-"):
                    raise <<E>>(f"invalid revision {ref!r}")
                return _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{commit}").strip()''', E=E)
    rr = rr.replace("^{commit}", "^{{commit}}")
    repo_fn = {
        "regex": T(f'''
            def _repo_path(name: str) -> Path:
                if not NAME_RE.fullmatch(name):
                    raise {E}(f"invalid repository name {{name!r}}")
                path = REPO_ROOT / f"{{name}}.git"
                if not path.is_dir():
                    raise {E}(f"no such repository: {{name}}")
                return path'''),
        "resolve": T(f'''
            def _repo_path(name: str) -> Path:
                root = REPO_ROOT.resolve()
                path = (root / f"{{name}}.git").resolve()
                if not path.is_relative_to(root) or not path.is_dir():
                    raise {E}(f"no such repository: {{name!r}}")
                return path'''),
        "known": T(f'''
            def _repo_path(name: str) -> Path:
                """Only bare repositories that exist under the root can be addressed."""
                known = {{p.stem: p for p in REPO_ROOT.glob("*.git") if p.is_dir()}}
                try:
                    return known[name]
                except KeyError:
                    raise {E}(f"no such repository: {{name!r}}") from None'''),
    }[c.pick("regex", "resolve", "known")]
    git_fn = {
        "returncode": T(f'''
            def _git(repo: Path, *args: str) -> str:
                proc = subprocess.run([GIT, "-C", str(repo), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT)
                if proc.returncode != 0:
                    log.debug("git %s in %s exited %d", args[0], repo.name, proc.returncode)
                    raise {E}(f"git {{args[0]}} failed")
                return proc.stdout'''),
        "check_output": T(f'''
            def _git(repo: Path, *args: str) -> str:
                """stdout of one git command in a bare repository (argument list, no shell)."""
                try:
                    return subprocess.check_output([GIT, "--git-dir", str(repo), *args], text=True,
                                                   stderr=subprocess.PIPE, timeout=GIT_TIMEOUT)
                except subprocess.CalledProcessError as exc:
                    raise {E}(f"git {{args[0]}} exited with {{exc.returncode}}") from exc'''),
        "env": T(f'''
            GIT_ENV = {{**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}}


            def _git(repo: Path, *args: str) -> str:
                cmd = [GIT, "-C", str(repo), *args]
                proc = subprocess.run(cmd, capture_output=True, text=True, env=GIT_ENV, timeout=GIT_TIMEOUT, check=False)
                if proc.returncode:
                    raise {E}(f"git {{args[0]}} failed with status {{proc.returncode}}")
                return proc.stdout'''),
    }[c.pick("returncode", "check_output", "env")]
    base = T(f'''
        class {E}(Exception):
            """A repository could not be found or a git command failed."""''') + "\n\n\n" + repo_fn + "\n\n\n" + git_fn + "\n\n\n" + rr
    eimps, entry, extras = _git_entry(c, fw, dict(shape=shape, fn=fn, x=x, Err=E, w=w))
    imps.append(eimps)
    blocks = list(pool.values())
    c.rng.shuffle(blocks)
    blocks = blocks[:c.pick(4, 5, 6)] + (extras if hard else [])
    if hard:
        base += "\n\n\n" + other_block
    else:
        blocks.append(("", other_block))
    if not needs_export:
        blocks = [b for b in blocks if "EXPORT_DIR" not in b[1]]

    def build(chosen):
        pre = [b[1] for b in chosen if len(b) == 2]
        post = [b[1] for b in chosen if len(b) == 3]
        code = _module(f"{c.pick('Read-only git access', 'Repository helpers', 'Git operations')} for the {w} "
                       f"{c.pick('service', 'portal', 'build system')}.",
                       imps + [b[0] for b in chosen], consts, [base] + pre + [tpl] + _place(entry, post, fw))
        return _pair(code, vs, ss)

    v, s = _fit(c, build, blocks, hi=110 if hard else 108)
    return v, s, fw, shape, form


@fam("mod-safe-proc-git-wrapper", "CWE-77", fws=["flask", "fastapi", "celery", "flask", "fastapi"], n=6, wrap=False)
def mod_safe_proc_git_wrapper(c):
    v, s, fw, shape, form = _gitsvc(c, hard=False)
    what = {"log": ("revision", "git log", "--output=<file> overwrites a file"),
            "diff": ("path", "git diff", "--output=<file> overwrites a file"),
            "grep": ("search text", "git grep", "--open-files-in-pager=<cmd> runs a command"),
            "archive": ("ref", "git archive", "--remote/--exec or --output are honoured")}[shape]
    fix = {"eoo": "--end-of-options", "guard": "a leading-dash check", "fixed": "-e / --"}[form]
    return Spec(v=v, s=s, full=True, fw=fw,
                notes=f"the client-supplied {what[0]} is placed in an option position of {what[1]} without a "
                      f"terminator, so a value starting with - is parsed as an option ({what[2]}); the twin adds "
                      f"{fix}")


@hardneg(10)
def mod_safe_proc_git_wrapper_hn(c):
    v, s, fw, shape, form = _gitsvc(c, hard=True)
    return Spec(v="", s=s, full=True, fw=fw,
                notes="git/tar/rsync run from argument lists; user revisions are resolved with rev-parse --verify "
                      "--end-of-options or rejected when they start with -, paths follow --, search text follows -e")


# =====================================================================================
# 3. CWE-22: per-user file storage / export service
# =====================================================================================

def _store_blocks(k: dict) -> list:
    E, ROOT = k["Err"], k["ROOT"]
    return [
        ("import uuid\nfrom werkzeug.utils import secure_filename", T('''
            def store_upload(user_id: int, filename: str, data: bytes) -> dict:
                """Save an upload under a generated name; the client's name is kept only as metadata."""
                original = secure_filename(filename) or "upload"
                ext = os.path.splitext(original)[1].lower()
                if ext not in ALLOWED_EXTENSIONS:
                    raise <<E>>(f"extension {ext or '(none)'} is not allowed")
                if len(data) > MAX_BYTES:
                    raise <<E>>("file too large")
                stored = f"{uuid.uuid4().hex}{ext}"
                with open(os.path.join(_user_dir(user_id), stored), "xb") as fh:
                    fh.write(data)
                return {"name": stored, "original": original, "size": len(data)}''', E=E)),
        ("", T('''
            def list_files(user_id: int) -> list[dict]:
                base = _user_dir(user_id)
                entries = []
                for entry in sorted(os.scandir(base), key=lambda e: e.name):
                    if entry.is_file(follow_symlinks=False):
                        entries.append({"name": entry.name, "size": entry.stat().st_size})
                return entries''')),
        ("", T('''
            def usage_bytes(user_id: int) -> int:
                return sum(p.stat().st_size for p in Path(_user_dir(user_id)).rglob("*") if p.is_file())''')),
        ("import time", T('''
            def purge_old(days: int = <<DAYS>>) -> int:
                """Remove files not touched for a while, across all users."""
                cutoff = time.time() - days * 86400
                removed = 0
                for path in <<ROOT>>.glob("*/*"):
                    if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                        path.unlink()
                        removed += 1
                log.info("purged %d files older than %d days", removed, days)
                return removed''', ROOT=ROOT, DAYS=k["days"])),
        ("import hashlib", T('''
            def file_digest(user_id: int, name: str) -> str:
                path = _safe_path(_user_dir(user_id), name)
                digest = hashlib.sha256()
                with open(path, "rb") as fh:
                    for chunk in iter(lambda: fh.read(65536), b""):
                        digest.update(chunk)
                return digest.hexdigest()''')),
        ("from werkzeug.utils import secure_filename", T('''
            def rename_file(user_id: int, name: str, new_name: str) -> str:
                base = _user_dir(user_id)
                source = _safe_path(base, name)
                cleaned = secure_filename(new_name)
                if not cleaned or os.path.splitext(cleaned)[1].lower() not in ALLOWED_EXTENSIONS:
                    raise <<E>>("invalid new name")
                os.replace(source, os.path.join(base, cleaned))
                return cleaned''', E=E)),
        ("import json", T('''
            def write_manifest(user_id: int) -> str:
                """manifest.json lists the user's files; its name is a constant."""
                base = _user_dir(user_id)
                names = sorted(n for n in os.listdir(base) if n != "manifest.json")
                target = os.path.join(base, "manifest.json")
                with open(target, "w", encoding="utf-8") as fh:
                    json.dump({"user": user_id, "files": names}, fh, indent=2)
                return target''')),
        ("import shutil", T('''
            def quota_report() -> dict:
                usage = shutil.disk_usage(<<ROOT>>)
                return {"free_gb": round(usage.free / 2**30, 1), "users": sum(1 for p in <<ROOT>>.iterdir() if p.is_dir())}''',
                             ROOT=ROOT)),
    ]


def _safe_path_fn(kind: str, E: str) -> tuple:
    if kind == "resolve":
        return "", T(f'''
            def _safe_path(base: str, name: str) -> Path:
                """The file `name` inside `base`; anything resolving outside it is refused."""
                root = Path(base).resolve()
                candidate = (root / name).resolve()
                if not candidate.is_relative_to(root):
                    raise {E}("path escapes the storage directory")
                return candidate''')
    if kind == "commonpath":
        return "", T(f'''
            def _safe_path(base: str, name: str) -> str:
                root = os.path.realpath(base)
                candidate = os.path.realpath(os.path.join(root, name))
                if os.path.commonpath([root, candidate]) != root:
                    raise {E}("path escapes the storage directory")
                return candidate''')
    return "from werkzeug.security import safe_join", T(f'''
        def _safe_path(base: str, name: str) -> str:
            """werkzeug's safe_join returns None for absolute names and anything with .. segments."""
            candidate = safe_join(str(base), name)
            if candidate is None:
                raise {E}("invalid file name")
            return candidate''')


def _store_core(shape: str, fn: str, x: str, E: str, vform: str) -> tuple:
    if shape == "preview":
        tpl = T(f'''
            def {fn}(user_id: int, {x}: str, limit: int = 4000) -> dict:
                """First characters of a stored text file, for the preview pane."""
                base = _user_dir(user_id)
            @@SINK@@
                if not os.path.isfile(path):
                    raise {E}("no such file")
                with open(path, encoding="utf-8", errors="replace") as fh:  #@V
                    text = fh.read(limit)
                return {{"name": os.path.basename(path), "size": os.path.getsize(path), "preview": text}}''')
        var = "path"
    elif shape == "delete":
        tpl = T(f'''
            def {fn}(user_id: int, {x}: str) -> bool:
                """Remove one of the user's files; returns False when it does not exist."""
                base = _user_dir(user_id)
            @@SINK@@
                if not os.path.isfile(target):
                    return False
                os.remove(target)  #@V
                log.info("user %d removed a file", user_id)
                return True''')
        var = "target"
    else:
        tpl = T(f'''
            def {fn}(user_id: int, {x}: str, rows: list[dict]) -> str:
                """Write a CSV export into the user's export folder under the requested name."""
                if not {x}.endswith(".csv"):
                    {x} += ".csv"
                base = os.path.join(_user_dir(user_id), "exports")
                os.makedirs(base, exist_ok=True)
            @@SINK@@
                with open(out, "w", newline="", encoding="utf-8") as fh:  #@V
                    writer = csv.DictWriter(fh, fieldnames=sorted(rows[0]) if rows else ["empty"])
                    writer.writeheader()
                    writer.writerows(rows)
                log.info("export for user %d written (%d rows)", user_id, len(rows))
                return os.path.basename(out)''')
        var = "out"
    v = {"join": f"    {var} = os.path.join(base, {x})  #@V",
         "path": f"    {var} = Path(base) / {x}  #@V",
         "fstr": f'    {var} = f"{{base}}/{{{x}}}"  #@V'}[vform]
    s = f"    {var} = _safe_path(base, {x})"
    return tpl, v, s


def _store_entry(c, fw: str, e: dict):
    shape, fn, x, E, w = e["shape"], e["fn"], e["x"], e["Err"], e["w"]
    if fw == "flask":
        verb, status = ("delete", "204") if shape == "delete" else ("get", "200")
        if shape == "delete":
            ret = f'if not {fn}(auth.current_user(), {x}):\n            abort(404)\n        return "", 204'
        else:
            ret = f"return jsonify({fn}(auth.current_user(), {x}))"
        code = T(f'''
            app = Flask(__name__)
            app.config["MAX_CONTENT_LENGTH"] = MAX_BYTES
            auth = HTTPTokenAuth(scheme="Bearer")


            @auth.verify_token
            def verify_token(token: str) -> int | None:
                return user_id_for_token(token)


            @app.{verb}("/{w}s/file")
            @auth.login_required
            def {shape}_view():
                {x} = request.args.get("name", "")  #@S
                if not {x}:
                    abort(400, "name is required")
                try:
                    <<RET>>
                except ({E}, OSError):
                    abort(404)''', RET=ret)
        extras = [
            ("from flask import send_from_directory", T(f'''
                @app.get("/{w}s/download/<name>")
                @auth.login_required
                def download(name: str):
                    # send_from_directory joins with werkzeug.security.safe_join and 404s on escapes
                    return send_from_directory(_user_dir(auth.current_user()), name, as_attachment=True)'''), "after"),
            ("from werkzeug.utils import secure_filename\nimport uuid\nfrom flask import jsonify", T(f'''
                @app.post("/{w}s/upload")
                @auth.login_required
                def upload():
                    item = request.files.get("file")
                    if item is None:
                        abort(400, "file is required")
                    ext = os.path.splitext(secure_filename(item.filename or ""))[1].lower()
                    if ext not in ALLOWED_EXTENSIONS:
                        abort(415, "file type not allowed")
                    stored = f"{{uuid.uuid4().hex}}{{ext}}"
                    item.save(os.path.join(_user_dir(auth.current_user()), stored))
                    return jsonify(name=stored), 201'''), "after"),
        ]
        return ("from flask import Flask, abort, request" + (", jsonify" if "jsonify" in code else "") + "\nfrom flask_httpauth import HTTPTokenAuth\n"
                "from .accounts import user_id_for_token"), code, extras
    if fw == "fastapi":
        if shape == "delete":
            head = f'@app.delete("/{w}s/file", status_code=204)\ndef delete_view(name: str = Query(..., min_length=1), user_id: int = Depends(current_user_id)) -> None:'
            ret = f'if not {fn}(user_id, {x}):\n            raise HTTPException(status_code=404, detail="not found")'
        else:
            head = f'@app.get("/{w}s/file")\ndef {shape}_view(name: str = Query(..., min_length=1), user_id: int = Depends(current_user_id)) -> dict:'
            ret = f"return {fn}(user_id, {x})"
        code = T(f'''
            app = FastAPI(title="{w.capitalize()} files")


            <<HEAD>>
                {x} = name.strip()  #@S
                try:
                    <<RET>>
                except ({E}, OSError):
                    raise HTTPException(status_code=404, detail="not found")''', HEAD=head, RET=ret)
        extras = [
            ("from fastapi.responses import FileResponse", T(f'''
                @app.get("/{w}s/download/{{name}}")
                def download(name: str, user_id: int = Depends(current_user_id)) -> FileResponse:
                    try:
                        path = _safe_path(_user_dir(user_id), name)
                    except {E}:
                        raise HTTPException(status_code=404, detail="not found")
                    if not os.path.isfile(path):
                        raise HTTPException(status_code=404, detail="not found")
                    return FileResponse(path, filename=os.path.basename(path))'''), "after"),
            ("", T(f'''
                @app.get("/{w}s/usage")
                def usage(user_id: int = Depends(current_user_id)) -> dict:
                    base = _user_dir(user_id)
                    return {{"files": len(os.listdir(base)), "bytes": sum(p.stat().st_size for p in Path(base).iterdir())}}'''),
             "after"),
        ]
        return ("from fastapi import Depends, FastAPI, HTTPException, Query\nfrom .accounts import current_user_id",
                code, extras)
    if fw == "celery":
        if shape == "export":
            body = T(f'''
                user_id = int(payload["user_id"])
                {x} = str(payload.get("filename", "export.csv"))  #@S
                rows = fetch_rows(user_id, str(payload.get("report", "summary")))
                return {fn}(user_id, {x}, rows)''')
            imps = "from celery import Celery\nfrom .reports import fetch_rows"
        else:
            body = T(f'''
                user_id = int(payload["user_id"])
                {x} = str(payload["name"])  #@S
                return {fn}(user_id, {x})''')
            imps = "from celery import Celery"
        code = T(f'''
            app = Celery("{w}_files", broker=os.environ["BROKER_URL"])


            @app.task(acks_late=True)
            def {shape}_task(payload: dict):
            <<BODY>>''', BODY=textwrap.indent(body, "    "))
        extras = [("", T(f'''
            @app.task
            def purge_empty_dirs() -> int:
                removed = 0
                for path in sorted(STORAGE_ROOT.iterdir()):
                    if path.is_dir() and not any(path.iterdir()):
                        path.rmdir()
                        removed += 1
                return removed'''), "after")]
        return imps, code, extras
    # cli (hard negatives only)
    call = {"export": f'{fn}(args.user, args.name, [{{"generated": "manual"}}])',
            "preview": f"{fn}(args.user, args.name)", "delete": f"{fn}(args.user, args.name)"}[shape]
    code = T(f'''
        def main(argv: list[str] | None = None) -> int:
            parser = argparse.ArgumentParser(description="Administer stored {w} files")
            parser.add_argument("--user", type=int, required=True)
            parser.add_argument("name")
            args = parser.parse_args(argv)
            logging.basicConfig(level=logging.INFO)
            try:
                print({call})
            except {E} as exc:
                print(f"refused: {{exc}}", file=sys.stderr)
                return 2
            return 0


        if __name__ == "__main__":
            sys.exit(main())''')
    return "import argparse\nimport sys", code, []


def _storage(c, hard: bool):
    fw = _fw(c, hard, ("flask", "fastapi", "celery", "cli"), ("flask", "fastapi", "celery"))
    shape = "export" if fw == "celery" and (hard is False or c.rng.random() < 0.6) else c.pick("preview", "delete")
    if hard and fw != "celery":
        shape = c.pick("preview", "delete", "export") if fw == "cli" else shape
    w = c.word
    fn = {"preview": c.pick("preview_file", "read_preview", "peek"),
          "delete": c.pick("delete_file", "remove_file", "discard"),
          "export": c.pick("write_export", "save_export", "export_rows")}[shape]
    x = c.pick("name", "filename", "file_name", "requested")
    E = c.pick("StorageError", "FileAccessError", "StoreError")
    ROOT = "STORAGE_ROOT"
    vform = c.pick("join", "path", "fstr", "join")
    tpl, vs, ss = _store_core(shape, fn, x, E, vform)
    spi, sp = _safe_path_fn(c.pick("resolve", "commonpath", "safe_join"), E)
    imps = ["import logging\nimport os\nfrom pathlib import Path", spi]
    if shape == "export":
        imps.append("import csv")
    consts = T(f'''
        log = logging.getLogger("{w}.storage")

        STORAGE_ROOT = Path(os.environ.get("{w.upper()}_STORAGE", "/var/lib/{w}/files"))
        MAX_BYTES = {c.pick(10, 25, 50)} * 1024 * 1024
        ALLOWED_EXTENSIONS = {c.pick('{".pdf", ".csv", ".txt", ".png", ".jpg"}', '{".csv", ".xlsx", ".txt", ".json"}', '{".pdf", ".txt", ".md"}')}''')
    udir = c.pick("plain", "mode")
    base = T(f'''
        class {E}(Exception):
            """Raised for names that are invalid or point outside the user's folder."""


        def _user_dir(user_id: int) -> str:
            path = os.path.join(STORAGE_ROOT, str(int(user_id)))
            os.makedirs(path, {"mode=0o750, " if udir == "mode" else ""}exist_ok=True)
            return path''') + "\n\n\n" + sp
    eimps, entry, extras = _store_entry(c, fw, dict(shape=shape, fn=fn, x=x, Err=E, w=w))
    imps.append(eimps)
    pool = _store_blocks(dict(Err=E, ROOT=ROOT, days=c.pick(30, 90, 180)))
    c.rng.shuffle(pool)
    blocks = pool[:c.pick(4, 5, 6)] + (extras if hard else [])

    def build(chosen):
        pre = [b[1] for b in chosen if len(b) == 2]
        post = [b[1] for b in chosen if len(b) == 3]
        code = _module(f"{c.pick('Per-user file storage', 'Document storage', 'Export files')} of the {w} "
                       f"{c.pick('portal', 'service', 'app')}.",
                       imps + [b[0] for b in chosen], consts, [base] + pre + [tpl] + _place(entry, post, fw))
        return _pair(code, vs, ss)

    v, s = _fit(c, build, blocks, hi=110 if hard else 108)
    return v, s, fw, shape, vform


@fam("mod-safe-proc-file-storage", "CWE-22", fws=["flask", "fastapi", "celery", "flask", "fastapi"], n=6, wrap=False)
def mod_safe_proc_file_storage(c):
    v, s, fw, shape, vform = _storage(c, hard=False)
    verb = {"preview": "read", "delete": "deleted", "export": "written"}[shape]
    return Spec(v=v, s=s, full=True, fw=fw,
                notes=f"the client-supplied file name is joined to the user's folder without a containment check, "
                      f"so '../<other user>/...' or an absolute path is {verb} outside it; the module already has "
                      f"_safe_path, and the twin uses it")


@hardneg(10)
def mod_safe_proc_file_storage_hn(c):
    v, s, fw, shape, _ = _storage(c, hard=True)
    return Spec(v="", s=s, full=True, fw=fw,
                notes="every client-supplied name goes through _safe_path (resolve + is_relative_to, realpath + "
                      "commonpath or safe_join), secure_filename or a uuid4 name; send_from_directory and "
                      "os.path.join with constants are used as intended")


# =====================================================================================
# 4. CWE-377: job scratch space (temporary files of a worker)
# =====================================================================================

def _scratch_blocks(k: dict) -> list:
    S, O, w = k["S"], k["O"], k["w"]
    return [
        ("import contextlib\nimport tempfile\nfrom pathlib import Path", T('''
            @contextlib.contextmanager
            def job_workspace(job_id: str):
                """Private directory for one job, removed with everything in it when the job ends."""
                with tempfile.TemporaryDirectory(prefix=f"<<w>>-{job_id[:8]}-", dir=<<S>>) as tmp:
                    yield Path(tmp)''', S=S, w=w)),
        ("import os", T('''
            def write_private(path: str, data: bytes) -> None:
                """Create a new file readable by this user only; fails if the name already exists."""
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)''')),
        ("import os\nimport tempfile\nfrom pathlib import Path", T('''
            def atomic_write(target: Path, text: str) -> None:
                """Write next to the target and rename over it, so readers never see a partial file."""
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
                try:
                    with os.fdopen(fd, "w", encoding="utf-8") as fh:
                        fh.write(text)
                    os.chmod(tmp, 0o640)
                    os.replace(tmp, target)
                except BaseException:
                    os.unlink(tmp)
                    raise''')),
        ("import tempfile\nfrom pathlib import Path", T('''
            def spool_chunks(chunks) -> Path:
                """Stream incoming chunks to a uniquely named file in the scratch area."""
                with tempfile.NamedTemporaryFile(delete=False, dir=<<S>>, suffix=".part") as fh:
                    for chunk in chunks:
                        fh.write(chunk)
                return Path(fh.name)''', S=S)),
        ("import shutil\nimport time", T('''
            def purge_scratch(max_age_hours: float = <<AGE>>) -> int:
                """Remove job directories left behind by crashed workers."""
                cutoff = time.time() - max_age_hours * 3600
                removed = 0
                for entry in <<S>>.iterdir():
                    if entry.is_dir() and not entry.is_symlink() and entry.stat().st_mtime < cutoff:
                        shutil.rmtree(entry, ignore_errors=True)
                        removed += 1
                return removed''', S=S, AGE=k["age"])),
        ("import tempfile", T('''
            def sorted_lines(lines) -> list[str]:
                """Deduplicate large inputs through an anonymous temporary file (no name on disk)."""
                with tempfile.TemporaryFile("w+", encoding="utf-8") as buf:
                    for line in sorted(set(lines)):
                        buf.write(line + "\\n")
                    buf.seek(0)
                    return buf.read().splitlines()''')),
        ("import io\nimport tempfile", T('''
            def buffer_upload(stream, max_memory: int = 4 * 1024 * 1024):
                """Keep small uploads in memory and spill large ones to an unnamed temporary file."""
                buf = tempfile.SpooledTemporaryFile(max_size=max_memory)
                while chunk := stream.read(io.DEFAULT_BUFFER_SIZE):
                    buf.write(chunk)
                buf.seek(0)
                return buf''')),
        ("import shutil", T('''
            def scratch_usage() -> dict:
                usage = shutil.disk_usage(<<S>>)
                return {"free_mb": usage.free // 2**20, "jobs": sum(1 for p in <<S>>.iterdir() if p.is_dir())}''', S=S)),
        ("import os", T('''
            def output_path(job_id: str, suffix: str) -> Path:
                os.makedirs(<<O>>, mode=0o750, exist_ok=True)
                return <<O>> / f"{job_id}{suffix}"''', O=O)),
    ]


def _scratch_core(c, consumer: str, fix: str, k: dict) -> tuple:
    fn, var, Err, S, O, TO = k["fn"], k["var"], k["Err"], k["S"], k["O"], k["TO"]
    w = k["w"]
    prefix = f'prefix="{w}-", '
    suffix = {"tool": ".json", "s3": ".csv", "gzip": ".ndjson"}[consumer]
    if consumer == "tool":
        write = 'json.dump(payload, fh, default=str)'
        produce = T(f'''
            out = {O} / f"{{job_id}}.pdf"
            try:
                subprocess.run([RENDERER, "--data", {var}, "--output", str(out)], check=True, timeout={TO})
            finally:
                os.unlink({var})
            return out''')
        head = f"def {fn}(job_id: str, payload: dict) -> Path:\n" + \
               '    """Serialise the job data for the renderer and return the rendered PDF."""'
        mode = '"w", encoding="utf-8"'
    elif consumer == "s3":
        write = T('''
            writer = csv.DictWriter(fh, fieldnames=sorted(rows[0]) if rows else ["empty"])
            writer.writeheader()
            writer.writerows(rows)''')
        produce = T(f'''
            key = f"{{EXPORT_PREFIX}}/{{job_id}}.csv"
            try:
                s3.upload_file({var}, EXPORT_BUCKET, key)
            finally:
                os.unlink({var})
            return key''')
        head = f"def {fn}(job_id: str, rows: list[dict]) -> str:\n" + \
               '    """Write the rows as CSV and upload them; returns the object key."""'
        mode = '"w", newline="", encoding="utf-8"'
    else:
        write = T('''
            for record in records:
                fh.write(json.dumps(record, default=str) + "\\n")''')
        produce = T(f'''
            out = {O} / f"{{job_id}}.ndjson.gz"
            try:
                with open({var}, "rb") as src, gzip.open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            finally:
                os.unlink({var})
            return out''')
        head = f"def {fn}(job_id: str, records: list[dict]) -> Path:\n" + \
               '    """Collect the records as NDJSON, then compress them into the output folder."""'
        mode = '"w", encoding="utf-8"'
    fd_mode = mode
    v = (f'    {var} = tempfile.mktemp({prefix}suffix="{suffix}")  #@V\n'
         f"    with open({var}, {mode}) as fh:  #@V\n" + textwrap.indent(write, "        "))
    if fix == "mkstemp":
        s = (f'    fd, {var} = tempfile.mkstemp({prefix}suffix="{suffix}", dir={S})\n'
             f"    with os.fdopen(fd, {fd_mode}) as fh:\n" + textwrap.indent(write, "        "))
    else:
        s = (f'    with tempfile.NamedTemporaryFile({mode}, {prefix}suffix="{suffix}", dir={S}, delete=False) as fh:\n'
             f"        {var} = fh.name\n" + textwrap.indent(write, "        "))
    tpl = head + "\n" + "    ensure_scratch()\n@@SINK@@\n" + textwrap.indent(produce, "    ")
    return tpl, v, s


def _scratch(c, hard: bool):
    fw = _fw(c, hard, ("celery", "queue", "script", "cli", "fastapi"), ("celery", "queue", "script", "cli", "fastapi"))
    consumer = c.pick("tool", "s3", "gzip")
    fix = ("mkstemp" if consumer == "tool" else "named") if c.rng.random() < 0.7 else ("named" if consumer == "tool" else "mkstemp")
    w = c.word
    S = c.pick("SCRATCH_DIR", "WORK_DIR", "SPOOL_DIR")
    O = c.pick("OUTPUT_DIR", "RESULTS_DIR", "DONE_DIR")
    TO = c.pick("RENDER_TIMEOUT", "TOOL_TIMEOUT")
    fn = {"tool": c.pick("render_job", "render_document", "produce_pdf"),
          "s3": c.pick("export_rows", "upload_export", "publish_csv"),
          "gzip": c.pick("pack_records", "archive_records", "compress_batch")}[consumer]
    var = c.pick("tmp_path", "data_path", "spool_file", "scratch_name")
    Err = "JobFailed"
    k = dict(fn=fn, var=var, Err=Err, S=S, O=O, TO=TO, w=w, age=c.pick(6, 12, 24, 48))
    tpl, vs, ss = _scratch_core(c, consumer, fix, k)
    imps = ["import logging\nimport os\nimport tempfile\nfrom pathlib import Path"]
    extra_consts = ""
    if consumer == "tool":
        imps.append("import json\nimport shutil\nimport subprocess")
        extra_consts = (f'RENDERER = shutil.which("{c.pick("report-render", "wkhtmltopdf", "typst")}") or '
                        f'"/usr/local/bin/{w}-render"\n{TO} = {c.pick(60, 120, 300)}')
    elif consumer == "s3":
        imps.append("import csv\nimport boto3")
        extra_consts = (f'EXPORT_BUCKET = os.environ["{w.upper()}_EXPORT_BUCKET"]\n'
                        f'EXPORT_PREFIX = "{c.pick("exports", "daily", w + "s")}"\ns3 = boto3.client("s3")')
    else:
        imps.append("import gzip\nimport json\nimport shutil")
    perm = c.pick("makedirs", "makedirs_chmod", "mkdir")
    ensure_body = {
        "makedirs": f"    os.makedirs({S}, mode=0o700, exist_ok=True)\n    os.makedirs({O}, mode=0o750, exist_ok=True)",
        "makedirs_chmod": (f"    for path, mode in (({S}, 0o700), ({O}, 0o750)):\n"
                           f"        os.makedirs(path, mode=mode, exist_ok=True)\n        os.chmod(path, mode)"),
        "mkdir": f"    {S}.mkdir(mode=0o700, parents=True, exist_ok=True)\n    {O}.mkdir(mode=0o750, parents=True, exist_ok=True)",
    }[perm]
    consts = T(f'''
        log = logging.getLogger("{w}.worker")

        {S} = Path(os.environ.get("{w.upper()}_SCRATCH", "/var/lib/{w}/scratch"))
        {O} = Path(os.environ.get("{w.upper()}_OUTPUT", "/var/lib/{w}/output"))
        <<EXTRA>>''', EXTRA=extra_consts).rstrip()
    base = T(f'''
        class {Err}(Exception):
            """A job could not be completed; the message is safe to show to operators."""


        def ensure_scratch() -> None:
            """The scratch area is private to the service account."""
        <<BODY>>''', BODY=ensure_body)
    eimps, entry, extras = _scratch_entry(c, fw, dict(fn=fn, consumer=consumer, w=w, Err=Err, S=S))
    imps.append(eimps)
    pool = _scratch_blocks(k)
    c.rng.shuffle(pool)
    blocks = pool[:c.pick(4, 5, 6)] + (extras if hard else [])

    def build(chosen):
        pre = [b[1] for b in chosen if len(b) == 2]
        post = [b[1] for b in chosen if len(b) == 3]
        code = _module(f"{c.pick('Worker', 'Job runner', 'Batch worker')} that "
                       f"{ {'tool': 'renders', 's3': 'exports', 'gzip': 'packs'}[consumer]} {w} data.",
                       imps + [b[0] for b in chosen], consts, [base] + pre + [tpl] + _place(entry, post, fw))
        return _pair(code, vs, ss)

    v, s = _fit(c, build, blocks, hi=110 if hard else 108)
    return v, s, fw, consumer, fix


def _scratch_entry(c, fw: str, e: dict):
    fn, consumer, w, Err = e["fn"], e["consumer"], e["w"], e["Err"]
    arg = {"tool": "payload", "s3": "rows", "gzip": "records"}[consumer]
    load = {"tool": 'message.get("data", {})', "s3": 'message.get("rows", [])', "gzip": 'message.get("records", [])'}[consumer]
    if fw == "celery":
        code = T(f'''
            app = Celery("{w}_worker", broker=os.environ["BROKER_URL"])


            @app.task(bind=True, acks_late=True, max_retries=3, default_retry_delay=30)
            def {fn}_task(self, message: dict) -> str:
                job_id = uuid.uuid4().hex
                try:
                    result = {fn}(job_id, {load})
                except OSError as exc:
                    log.warning("job %s hit an I/O error, retrying", job_id)
                    raise self.retry(exc=exc)
                log.info("job %s done", job_id)
                return str(result)''')
        extras = [("", T(f'''
            @app.task
            def purge_partials() -> int:
                """Drop .part files of uploads that never completed."""
                stale = [p for p in {e["S"]}.glob("*.part") if p.is_file() and not p.is_symlink()]
                for path in stale:
                    path.unlink()
                return len(stale)'''),
                   "after")]
        return "import uuid\nfrom celery import Celery", code, extras
    if fw == "queue":
        qk = c.pick(f"{w}:jobs", f"{w}-work")
        code = T(f'''
            def run_worker(queue_url: str) -> None:
                conn = redis.Redis.from_url(queue_url)
                log.info("listening on %s", "{qk}")
                while True:
                    item = conn.blpop("{qk}", timeout=60)
                    if item is None:
                        continue
                    job_id = uuid.uuid4().hex
                    try:
                        message = json.loads(item[1])
                        result = {fn}(job_id, {load})
                        conn.rpush("{qk}:done", json.dumps({{"job": job_id, "result": str(result)}}))
                    except (ValueError, OSError, {Err}):
                        log.exception("job %s failed", job_id)


            if __name__ == "__main__":
                logging.basicConfig(level=logging.INFO)
                run_worker(os.environ["REDIS_URL"])''')
        return "import json\nimport uuid\nimport redis", code, []
    if fw == "fastapi":
        code = T(f'''
            app = FastAPI(title="{w.capitalize()} jobs")


            class JobIn(BaseModel):
                {arg}: {"dict" if consumer == "tool" else "list[dict]"}


            @app.post("/{w}s/jobs", status_code=201)
            def create_job(body: JobIn, user_id: int = Depends(current_user_id)) -> dict:
                job_id = uuid.uuid4().hex
                log.info("job %s submitted by user %d", job_id, user_id)
                try:
                    result = {fn}(job_id, body.{arg})
                except (OSError, {Err}):
                    log.exception("job %s failed", job_id)
                    raise HTTPException(status_code=500, detail="job failed")
                return {{"job": job_id, "result": str(result)}}''')
        return ("import uuid\nfrom fastapi import Depends, FastAPI, HTTPException\nfrom pydantic import BaseModel\n"
                "from .accounts import current_user_id"), code, []
    if fw == "cli":
        code = T(f'''
            def main(argv: list[str] | None = None) -> int:
                parser = argparse.ArgumentParser(description="Run one {w} job from a JSON file")
                parser.add_argument("input", type=argparse.FileType("r", encoding="utf-8"))
                parser.add_argument("--job-id", default=None)
                args = parser.parse_args(argv)
                logging.basicConfig(level=logging.INFO)
                message = json.load(args.input)
                job_id = args.job_id or uuid.uuid4().hex
                print({fn}(job_id, {load}))
                return 0


            if __name__ == "__main__":
                sys.exit(main())''')
        return "import argparse\nimport json\nimport sys\nimport uuid", code, []
    code = T(f'''
        def main() -> int:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
            inbox = Path(os.environ.get("{w.upper()}_INBOX", "/var/lib/{w}/inbox"))
            done = 0
            for path in sorted(inbox.glob("*.json")):
                message = json.loads(path.read_text(encoding="utf-8"))
                {fn}(uuid.uuid4().hex, {load})
                path.unlink()
                done += 1
            log.info("processed %d jobs", done)
            return 0


        if __name__ == "__main__":
            sys.exit(main())''')
    return "import json\nimport sys\nimport uuid", code, []


@fam("mod-safe-proc-scratch-space", "CWE-377", fws=["celery", "queue", "script", "cli", "fastapi"], n=6, wrap=False)
def mod_safe_proc_scratch_space(c):
    v, s, fw, consumer, fix = _scratch(c, hard=False)
    how = "mkstemp + os.fdopen" if fix == "mkstemp" else "NamedTemporaryFile(delete=False)"
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="tempfile.mktemp() only returns a name in the shared temp directory; the file is created "
                      "later by open(), so another local user can create or symlink that name first (race); the "
                      f"twin creates the file atomically with {how} in the private scratch directory")


@hardneg(10)
def mod_safe_proc_scratch_space_hn(c):
    v, s, fw, consumer, fix = _scratch(c, hard=True)
    return Spec(v="", s=s, full=True, fw=fw,
                notes="temporary files are created atomically (mkstemp, NamedTemporaryFile, TemporaryDirectory, "
                      "O_EXCL with 0o600) inside a 0o700 scratch directory owned by the service")


# =====================================================================================
# 5. CWE-22: uploaded archive extraction
# =====================================================================================

def _archive_blocks(k: dict) -> list:
    E, R = k["Err"], k["R"]
    return [
        ("import shutil\nimport uuid", T('''
            def remove_bundle(bundle_id: str) -> bool:
                target = <<R>> / uuid.UUID(bundle_id).hex
                if not target.is_dir():
                    return False
                shutil.rmtree(target)
                log.info("removed bundle %s", target.name)
                return True''', R=R)),
        ("import json\nimport uuid", T('''
            def read_manifest(bundle_id: str) -> dict:
                """manifest.json at the top of an installed bundle (fixed name, id parsed as a UUID)."""
                path = <<R>> / uuid.UUID(bundle_id).hex / "manifest.json"
                with open(path, encoding="utf-8") as fh:
                    return json.load(fh)''', R=R)),
        ("import zipfile\nfrom pathlib import PurePosixPath", T('''
            def zip_problems(path: Path) -> list[str]:
                """Entries of a zip file that would be refused by the importer."""
                problems = []
                with zipfile.ZipFile(path) as zf:
                    for name in zf.namelist():
                        parts = PurePosixPath(name).parts
                        if name.startswith("/") or ".." in parts or ":" in name:
                            problems.append(name)
                return problems''')),
        ("import zipfile\nfrom pathlib import PurePosixPath", T('''
            def extract_zip(path: Path, dest: Path, max_entries: int = 2000) -> int:
                """Unpack a zip after checking every name; returns the number of entries."""
                with zipfile.ZipFile(path) as zf:
                    names = zf.namelist()
                    if len(names) > max_entries:
                        raise <<E>>("too many entries")
                    if sum(info.file_size for info in zf.infolist()) > MAX_UNPACKED:
                        raise <<E>>("archive too large when unpacked")
                    for name in names:
                        if name.startswith("/") or ".." in PurePosixPath(name).parts:
                            raise <<E>>(f"unsafe entry {name!r}")
                    zf.extractall(dest, members=names)
                return len(names)''', E=E)),
        ("import tarfile\nimport uuid", T('''
            def pack_bundle(bundle_id: str, out: Path) -> Path:
                """Re-pack an installed bundle for download; arcnames are relative to the bundle."""
                source = <<R>> / uuid.UUID(bundle_id).hex
                with tarfile.open(out, "w:gz") as tar:
                    for path in sorted(source.rglob("*")):
                        if path.is_file() and not path.is_symlink():
                            tar.add(path, arcname=str(path.relative_to(source)))
                return out''', R=R)),
        ("import hashlib", T('''
            def archive_digest(path: Path) -> str:
                digest = hashlib.sha256()
                with open(path, "rb") as fh:
                    for chunk in iter(lambda: fh.read(65536), b""):
                        digest.update(chunk)
                return digest.hexdigest()''')),
        ("import shutil", T('''
            def unpack_any(path: Path, dest: Path) -> None:
                """Formats known to shutil; the "data" filter refuses links, devices and escaping names."""
                shutil.unpack_archive(path, dest, filter="data")''')),
        ("", T('''
            def list_bundles() -> list[dict]:
                out = []
                for entry in sorted(<<R>>.iterdir()):
                    if entry.is_dir():
                        out.append({"id": entry.name, "files": sum(1 for p in entry.rglob("*") if p.is_file())})
                return out''', R=R)),
    ]


def _checked_members_fn(E: str) -> str:
    return T(f'''
        def _checked_members(tar: tarfile.TarFile, dest: Path) -> list[tarfile.TarInfo]:
            """Regular files and directories whose names stay inside dest; everything else is refused."""
            root = dest.resolve()
            safe = []
            for member in tar.getmembers():
                if not (member.isfile() or member.isdir()):
                    raise {E}(f"unsupported entry type: {{member.name!r}}")
                if not (root / member.name).resolve().is_relative_to(root):
                    raise {E}(f"entry escapes the bundle: {{member.name!r}}")
                safe.append(member)
            return safe''')


def _archive(c, hard: bool):
    fw = _fw(c, hard, ("flask", "fastapi", "celery", "cli", "script"), ("flask", "fastapi", "celery"))
    w = c.word
    E = c.pick("BundleError", "ArchiveRejected", "ImportFailed")
    R = c.pick("BUNDLE_ROOT", "INSTALL_DIR", "EXTRACT_ROOT")
    fn = c.pick("install_bundle", "unpack_upload", "import_archive")
    shape = c.pick("simple", "staging", "dispatch") if hard else c.pick("simple", "simple", "staging", "dispatch")
    tgt = "staging" if shape == "staging" else "dest"
    vcall, fix = c.pick(*[(call, f) for call in (f"tar.extractall({tgt})", f"tar.extractall(path={tgt})",
                                                 f"tar.extractall(str({tgt}), members=members)")
                           for f in ("filter", "helper")])
    if fix == "filter":
        scall = vcall[:-1] + ', filter="data")'
    else:
        scall = f"tar.extractall({tgt}, members=_checked_members(tar, {tgt}))"
    if hard:
        scall = c.pick(f'tar.extractall({tgt}, filter="data")', f"tar.extractall({tgt}, members=_checked_members(tar, {tgt}))",
                       f'tar.extractall({tgt}, members=_checked_members(tar, {tgt}), filter="data")')
    need_helper = fix == "helper" or "_checked" in scall
    limits = T(f'''
        members = tar.getmembers()
        if len(members) > MAX_MEMBERS or sum(m.size for m in members) > MAX_UNPACKED:
            raise {E}("bundle exceeds the size or entry limits")''')
    if shape == "simple":
        core = T(f'''
            def {fn}(archive: Path, bundle_id: str) -> dict:
                """Unpack an uploaded bundle into its own directory and count its files."""
                dest = {R} / bundle_id
                dest.mkdir(parents=True, exist_ok=False)
                with tarfile.open(archive, "r:*") as tar:
                    members = tar.getmembers()
                    if len(members) > MAX_MEMBERS:
                        raise {E}("too many entries")
                    if sum(m.size for m in members) > MAX_UNPACKED:
                        raise {E}("bundle too large when unpacked")
                    @@SINK@@
                files = [p for p in dest.rglob("*") if p.is_file()]
                log.info("bundle %s unpacked: %d files", bundle_id, len(files))
                return {{"id": bundle_id, "files": len(files), "bytes": sum(p.stat().st_size for p in files)}}''')
    elif shape == "staging":
        core = T(f'''
            def {fn}(archive: Path, bundle_id: str) -> dict:
                """Unpack into a staging directory beside the final one, then move it into place."""
                {R}.mkdir(parents=True, exist_ok=True)
                final = {R} / bundle_id
                staging = Path(tempfile.mkdtemp(prefix=".staging-", dir={R}))
                try:
                    with tarfile.open(archive, "r:*") as tar:
            <<LIMITS>>
                        @@SINK@@
                    staging.rename(final)
                except BaseException:
                    shutil.rmtree(staging, ignore_errors=True)
                    raise
                log.info("bundle %s installed (%d entries)", bundle_id, len(members))
                return {{"id": bundle_id, "entries": len(members)}}''', LIMITS=textwrap.indent(limits, "            "))
    else:
        core = T(f'''
            def {fn}(archive: Path, bundle_id: str) -> dict:
                """Unpack a .zip or tar bundle into its own directory."""
                dest = {R} / bundle_id
                dest.mkdir(parents=True, exist_ok=False)
                if zipfile.is_zipfile(archive):
                    entries = extract_zip(archive, dest, max_entries=MAX_MEMBERS)
                else:
                    with tarfile.open(archive, "r:*") as tar:
            <<LIMITS>>
                        @@SINK@@
                    entries = len(members)
                log.info("bundle %s unpacked: %d entries", bundle_id, entries)
                return {{"id": bundle_id, "entries": entries}}''', LIMITS=textwrap.indent(limits, "            "))
    vs, ss = vcall + "  #@V", scall
    imps = ["import logging\nimport os\nimport tarfile\nfrom pathlib import Path"]
    if shape == "staging":
        imps.append("import shutil\nimport tempfile")
    consts = T(f'''
        log = logging.getLogger("{w}.bundles")

        {R} = Path(os.environ.get("{w.upper()}_BUNDLES", "/srv/{w}/bundles"))
        MAX_UPLOAD = {c.pick(20, 50, 100)} * 1024 * 1024
        MAX_UNPACKED = {c.pick(200, 500, 1000)} * 1024 * 1024
        MAX_MEMBERS = {c.pick(1000, 5000, 10000)}''')
    base = T(f'''
        class {E}(ValueError):
            """The uploaded archive was rejected."""''')
    if need_helper:
        base += "\n\n\n" + _checked_members_fn(E)
    eimps, entry, extras = _archive_entry(c, fw, dict(fn=fn, E=E, R=R, w=w))
    imps.append(eimps)
    pool = _archive_blocks(dict(Err=E, R=R))
    if shape == "dispatch":
        zblock = next(b for b in pool if "def extract_zip" in b[1])
        pool.remove(zblock)
        imps.append(zblock[0])
        base += "\n\n\n" + zblock[1]
    c.rng.shuffle(pool)
    blocks = pool[:c.pick(4, 5, 6)] + (extras if hard else [])

    def build(chosen):
        pre = [b[1] for b in chosen if len(b) == 2]
        post = [b[1] for b in chosen if len(b) == 3]
        code = _module(f"{c.pick('Import of uploaded', 'Installation of', 'Unpacking of')} {w} "
                       f"{c.pick('bundles', 'theme packs', 'data packages', 'site archives')}.",
                       imps + [b[0] for b in chosen], consts, [base] + pre + [core] + _place(entry, post, fw))
        return _pair(code, vs, ss)

    v, s = _fit(c, build, blocks, hi=110 if hard else 108)
    return v, s, fw, fix, vcall


def _archive_entry(c, fw: str, e: dict):
    fn, E, R, w = e["fn"], e["E"], e["R"], e["w"]
    if fw == "flask":
        ai, auth = _flask_auth(f"{w.upper()}_UPLOAD_TOKEN", c.pick("publisher", "uploader"))
        code = T(f'''
            app = Flask(__name__)
            app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD
            <<AUTH>>


            @app.post("/{w}/bundles")
            @auth.login_required
            def upload_bundle():
                upload = request.files.get("bundle")  #@S
                if upload is None or not (upload.filename or "").lower().endswith((".tar.gz", ".tgz", ".tar")):
                    abort(415, "expected a .tar.gz bundle")
                bundle_id = uuid.uuid4().hex
                with tempfile.TemporaryDirectory() as tmp:
                    archive = Path(tmp) / "upload.tar.gz"
                    upload.save(archive)
                    try:
                        info = {fn}(archive, bundle_id)
                    except (tarfile.TarError, {E}):
                        log.warning("rejected bundle upload %s", bundle_id)
                        abort(422, "invalid bundle")
                return jsonify(info), 201''', AUTH=auth)
        extras = [("", T(f'''
            @app.get("/{w}/bundles")
            @auth.login_required
            def bundles_index():
                names = sorted(p.name for p in {R}.iterdir() if p.is_dir()) if {R}.exists() else []
                return jsonify(bundles=names)'''), "after")]
        return ai + "\nimport tempfile\nimport uuid\nfrom flask import Flask, abort, jsonify, request", code, extras
    if fw == "fastapi":
        dep = c.pick("require_token", "require_publisher")
        ai, auth = _fastapi_auth(f"{w.upper()}_UPLOAD_TOKEN", dep)
        code = T(f'''
            app = FastAPI(title="{w.capitalize()} bundles")
            <<AUTH>>


            @app.post("/{w}/bundles", status_code=201, dependencies=[Depends({dep})])
            async def upload_bundle(bundle: UploadFile = File(...)) -> dict:
                data = await bundle.read(MAX_UPLOAD + 1)  #@S
                if len(data) > MAX_UPLOAD:
                    raise HTTPException(status_code=413, detail="bundle too large")
                bundle_id = uuid.uuid4().hex
                with tempfile.TemporaryDirectory() as tmp:
                    archive = Path(tmp) / "upload.tar.gz"
                    archive.write_bytes(data)
                    try:
                        return {fn}(archive, bundle_id)
                    except (tarfile.TarError, {E}):
                        raise HTTPException(status_code=422, detail="invalid bundle")''', AUTH=auth)
        extras = [("", T(f'''
            @app.get("/{w}/bundles", dependencies=[Depends({dep})])
            def bundles_index() -> dict:
                return {{"bundles": sorted(p.name for p in {R}.iterdir() if p.is_dir()) if {R}.exists() else []}}'''),
                   "after")]
        return ai + "\nimport tempfile\nimport uuid\nfrom fastapi import File, FastAPI, UploadFile", code, extras
    if fw == "celery":
        code = T(f'''
            UPLOADS = Path(os.environ.get("{w.upper()}_UPLOADS", "/srv/{w}/uploads"))
            app = Celery("{w}_bundles", broker=os.environ["BROKER_URL"])


            @app.task(acks_late=True)
            def install_task(upload_id: str) -> dict:
                """Unpack a bundle that the web tier stored under its upload id."""
                archive = UPLOADS / f"{{uuid.UUID(upload_id).hex}}.tar.gz"  #@S
                try:
                    return {fn}(archive, uuid.uuid4().hex)
                except (tarfile.TarError, {E}) as exc:
                    log.warning("bundle upload %s rejected: %s", archive.name, type(exc).__name__)
                    return {{"error": "invalid bundle"}}
                finally:
                    archive.unlink(missing_ok=True)''')
        return "import uuid\nfrom celery import Celery", code, []
    if fw == "cli":
        code = T(f'''
            def main(argv: list[str] | None = None) -> int:
                parser = argparse.ArgumentParser(description="Install {w} bundles from local archives")
                parser.add_argument("archives", nargs="+", type=Path)
                args = parser.parse_args(argv)
                logging.basicConfig(level=logging.INFO)
                status = 0
                for archive in args.archives:
                    if archive.stat().st_size > MAX_UPLOAD:
                        log.error("%s is larger than the upload limit", archive)
                        status = 1
                        continue
                    try:
                        print(json.dumps({fn}(archive, uuid.uuid4().hex)))
                    except (tarfile.TarError, {E}) as exc:
                        log.error("%s rejected: %s", archive, exc)
                        status = 1
                return status


            if __name__ == "__main__":
                sys.exit(main())''')
        return "import argparse\nimport json\nimport sys\nimport uuid", code, []
    code = T(f'''
        def main() -> int:
            """Install every bundle dropped into the incoming folder, then remove the archive."""
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
            incoming = Path(os.environ.get("{w.upper()}_INCOMING", "/srv/{w}/incoming"))
            {R}.mkdir(parents=True, exist_ok=True)
            for archive in sorted(incoming.glob("*.tar.gz")):
                try:
                    info = {fn}(archive, uuid.uuid4().hex)
                    log.info("installed %s as %s", archive.name, info["id"])
                except (tarfile.TarError, {E}):
                    log.exception("could not install %s", archive.name)
                    continue
                archive.unlink()
            return 0


        if __name__ == "__main__":
            sys.exit(main())''')
    return "import sys\nimport uuid", code, []


@fam("mod-safe-proc-archive-import", "CWE-22", fws=["flask", "fastapi", "celery", "flask", "fastapi"], n=6, wrap=False)
def mod_safe_proc_archive_import(c):
    v, s, fw, fix, vcall = _archive(c, hard=False)
    how = 'filter="data"' if fix == "filter" else "the module's _checked_members()"
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="an uploaded tar archive is unpacked with extractall() and no member filter: entries named "
                      "'../../x' or absolute paths, and symlinks, are written outside the bundle directory (the "
                      f"size and count checks do not help); the twin extracts with {how}")


@hardneg(10)
def mod_safe_proc_archive_import_hn(c):
    v, s, fw, fix, vcall = _archive(c, hard=True)
    return Spec(v="", s=s, full=True, fw=fw,
                notes='tar archives are extracted with filter="data" and/or members checked for type and '
                      "containment; zip names are validated before extractall; sizes and entry counts are bounded; "
                      "bundle directories are named by uuid4")
