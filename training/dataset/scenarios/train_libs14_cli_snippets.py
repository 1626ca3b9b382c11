"""Train-only snippet families for command-line tools and scripts (argparse / click / typer front ends,
cron jobs, Makefile-driven helpers), each in a code shape and application no other family uses:

- cmdi-cli-make-target-shell (78): a build / release helper that runs a Makefile target named on its
  command line (CI job parameter, chatops) through subprocess with shell=True;
- pt-cron-job-file-output-name (22): a cron job that processes job files submitted by other users (JSON,
  INI or TOML) and writes each result under an export root joined with the job's output name;
- tmp-cli-atomic-write-staging-name (377): the "write then move into place" idiom with a staging file of
  a predictable name in the shared temp directory;
- perm-cli-octal-mode-string-default (732): a tool whose output mode is an octal string setting
  (argparse / click default, environment default, defaults dict) that defaults to world-writable;
- secret-cli-publish-credentials-kwargs (798): a publish / deploy helper whose registry credentials are a
  module-level keyword literal (dict(...), SimpleNamespace(...), NamedTuple);
- deser-cron-shared-state-checkpoint (502): a cron job that resumes from a checkpoint kept in a shared
  (group / team) directory, loaded with pickle or marshal.

Written without reading the held-out families; every family here goes to train."""
from core import Spec, dedent
from module_kit import _joined, _replayed, _ind
from registry import fam, hardneg


def _cli_head(c, kind, fn, params, doc):
    """(imports, decorated function head, entry point) for an argparse / click / typer tool.

    ``params``: list of (name, kind, default) with kind "arg" (positional), "opt" (string option),
    "int" (int option); the first "arg" line of the head carries the taint-source marker."""
    if kind == "click":
        decos = [f"@click.command()"]
        sig = []
        for name, k, d in params:
            flag = "--" + name.replace("_", "-")
            if k == "arg":
                decos.append(f'@click.argument("{name}")  #@S')
            elif k == "int":
                decos.append(f'@click.option("{flag}", default={d}, show_default=True, type=int)')
            else:
                decos.append(f'@click.option("{flag}", default="{d}", show_default=True)')
            sig.append(name)
        head = "\n".join(decos) + f"\ndef {fn}({', '.join(sig)}):\n    \"\"\"{doc}\"\"\""
        return "import click", head, f'if __name__ == "__main__":\n    {fn}()', "click.echo"
    if kind == "typer":
        sig = []
        for name, k, d in params:
            flag = "--" + name.replace("_", "-")
            if k == "arg":
                sig.append(f"{name}: str = typer.Argument(...)")
            elif k == "int":
                sig.append(f'{name}: int = typer.Option({d}, "{flag}")')
            else:
                sig.append(f'{name}: str = typer.Option("{d}", "{flag}")')
        head = ("app = typer.Typer()\n\n\n@app.command()\n"
                f"def {fn}(\n" + "".join(f"    {s},{'  #@S' if i == 0 else ''}\n" for i, s in enumerate(sig))
                + f"):\n    \"\"\"{doc}\"\"\"")
        return "import typer", head, 'if __name__ == "__main__":\n    app()', "typer.echo"
    lines = [f"def main(argv=None):", f'    """{doc}"""',
             f'    parser = argparse.ArgumentParser(description="{doc.rstrip(".")}")']
    for name, k, d in params:
        flag = "--" + name.replace("_", "-")
        if k == "arg":
            lines.append(f'    parser.add_argument("{name}")')
        elif k == "int":
            lines.append(f'    parser.add_argument("{flag}", type=int, default={d})')
        else:
            lines.append(f'    parser.add_argument("{flag}", default="{d}")')
    lines.append("    args = parser.parse_args(argv)")
    for name, _k, _d in params:
        lines.append(f"    {name} = args.{name}" + ("  #@S" if _k == "arg" else ""))
    return "import argparse", "\n".join(lines), 'if __name__ == "__main__":\n    main()', "print"


# ---------------- CWE-78: Makefile target from the command line, run through the shell ----------------

@fam("cmdi-cli-make-target-shell", "CWE-78", fws=["cli", "cli", "script"], keys=["target"], n=8, wrap=False)
def cmdi_cli_make_target(c):
    kind = c.pick("argparse", "click", "typer")
    root = c.pick("/srv/build/monorepo", "/opt/ci/workspace", "/home/builder/src/platform", "/var/lib/ci/checkout")
    tool = c.pick("build", "release", "run_target", "ci_step", "make_target")
    second = c.pick("jobs", "version", "profile")
    runner = c.pick("run", "check_call", "check_output", "popen")
    travel = c.pick("fstring", "join", "template")
    doc = c.pick("Run a Makefile target of the repository.", "Build one target for the CI pipeline.",
                 "Invoke a make target on behalf of the chatops bot.")
    params = [("target", "arg", None)]
    if second == "jobs":
        params.append(("jobs", "int", c.pick(2, 4, 8)))
    elif second == "version":
        params.append(("version", "opt", c.pick("dev", "0.0.0-snapshot", "latest")))
    else:
        params.append(("profile", "opt", c.pick("release", "debug", "ci")))
    extra_s = {"jobs": '"-j", str(jobs)', "version": 'f"VERSION={version}"', "profile": 'f"PROFILE={profile}"'}[second]
    extra_v = {"jobs": "-j{jobs}", "version": "VERSION={version}", "profile": "PROFILE={profile}"}[second]
    imps, head, entry, echo = _cli_head(c, kind, tool, params, doc)

    def build(c, safe):
        V = "" if safe else "  #@V"
        body = []
        if safe:
            if second == "jobs":
                body.append('if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", target):')
                body.append('    raise SystemExit(f"invalid make target: {target!r}")')
            else:
                body.append(f"for value in (target, {second}):")
                body.append('    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", value):')
                body.append('        raise SystemExit(f"invalid make argument: {value!r}")')
            body.append(f'argv = ["make", "-C", MAKE_ROOT, {extra_s}, target]')
            call_arg, shell = "argv", ""
        else:
            if travel == "fstring":
                body.append(f'cmd = f"make -C {{MAKE_ROOT}} {extra_v} {{target}}"{V}')
            elif travel == "join":
                body.append(f'cmd = " ".join(["make", "-C", MAKE_ROOT, f"{extra_v}", target]){V}')
            else:
                body.append(f"cmd = MAKE_CMD.format(root=MAKE_ROOT, {second}={second}, target=target){V}")
            call_arg, shell = "cmd", ", shell=True"
        if runner == "run":
            body.append(f"proc = subprocess.run({call_arg}{shell}, cwd=MAKE_ROOT){V}")
            body.append("if proc.returncode != 0:")
            body.append(f'    {echo}(f"make {{target}} failed ({{proc.returncode}})")')
            body.append("    raise SystemExit(proc.returncode)")
        elif runner == "check_call":
            body.append(f"subprocess.check_call({call_arg}{shell}){V}")
        elif runner == "check_output":
            body.append(f"log = subprocess.check_output({call_arg}{shell}, text=True, stderr=subprocess.STDOUT){V}")
            body.append(f"{echo}(log[-2000:])")
        else:
            body.append(f"child = subprocess.Popen({call_arg}{shell}){V}")
            body.append("code = child.wait()")
            body.append("if code:")
            body.append("    raise SystemExit(code)")
        body.append(f'{echo}(f"target {{target}} done")')
        consts = f'MAKE_ROOT = "{root}"'
        if travel == "template" and not safe:
            consts += f'\nMAKE_CMD = "make -C {{root}} {extra_v} {{target}}"'
        re_imp = "import re\n" if safe else ""
        return _joined(("import argparse\n" + re_imp + "import subprocess" if imps == "import argparse" else re_imp + "import subprocess\n\n" + imps), consts, head + "\n" + _ind("\n".join(body)), entry)

    v, s = _replayed(c, build)
    return Spec(v=v, s=s, full=True, fw="cli" if kind != "argparse" or c.fw == "cli" else "script",
                notes=f"the make target named on the command line ({kind}; filled in by a CI job parameter or a "
                      "chatops bot) is put into a shell command line; ';', '$()' or '&&' in it run other commands "
                      "on the build host; the fix checks the make arguments against a name pattern (no leading '-', no '=' or "
                      "'$', so no make option or variable override) and passes make an argument list without a shell")


@hardneg(3)
def cmdi_cli_make_target_hn(c):
    kind = c.pick("argparse", "click")
    targets = c.pick('("build", "test", "lint", "dist")', '("all", "docs", "check", "wheel")')
    if kind == "click":
        code = f'''
            import subprocess

            import click

            TARGETS = {targets}


            @click.command()
            @click.argument("target", type=click.Choice(TARGETS))
            def build(target):
                """Run one of the allowed Makefile targets."""
                subprocess.run(["make", target], check=True)
                click.echo("done")


            if __name__ == "__main__":
                build()
        '''
        note = "click.Choice limits the target to fixed names, and make gets an argument list"
    else:
        code = f'''
            import argparse
            import re
            import shlex
            import subprocess

            MAKE_ROOT = "/srv/build/monorepo"


            def main(argv=None):
                parser = argparse.ArgumentParser(description="Run a make target")
                parser.add_argument("target")
                args = parser.parse_args(argv)
                if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", args.target):
                    raise SystemExit("invalid make target")
                subprocess.run("make -C " + shlex.quote(MAKE_ROOT) + " " + shlex.quote(args.target), shell=True, check=True)
                print("done")


            if __name__ == "__main__":
                main()
        '''
        note = "the target must match a plain name pattern (no option, no variable override) and is passed through shlex.quote"
    return Spec(s=_joined(code), full=True, fw="cli", notes=note)


# ---------------- CWE-22: job file output name joined under the export root ----------------

@fam("pt-cron-job-file-output-name", "CWE-22", fws=["script", "cli"], keys=["output"], n=8, wrap=False)
def pt_cron_job_output(c):
    fmt = c.pick("json", "ini", "toml")
    spool = c.pick("/srv/reports/spool", "/var/spool/exporter", "/data/jobs/incoming")
    root = c.pick("/srv/reports/out", "/var/lib/exporter/published", "/data/exports")
    writer = c.pick("csv", "write_text", "copyfile")
    join = c.pick("os", "pathlib")
    fix = c.pick("commonpath", "startswith", "basename") if join == "os" else c.pick("relative", "basename")
    ext = c.pick("", ".csv")
    fn = c.pick("run_pending", "process_spool", "export_jobs")
    imps = ["import os", "import logging"]
    if fmt == "json":
        imps.append("import json")
        pattern = "*.json"
        load = ['with open(job_path, encoding="utf-8") as fh:', "    job = json.load(fh)",
                'query = job["query"]', 'name = job["output"]  #@S']
    elif fmt == "ini":
        imps.append("import configparser")
        pattern = "*.ini"
        load = ["job = configparser.ConfigParser()", "job.read(job_path)",
                'query = job["export"]["query"]', 'name = job.get("export", "output")  #@S']
    else:
        imps.append("import tomllib")
        pattern = "*.toml"
        load = ['with open(job_path, "rb") as fh:', "    job = tomllib.load(fh)",
                'query = job["export"]["query"]', 'name = job["export"]["output"]  #@S']
    if join == "pathlib" or writer == "write_text":
        imps.append("from pathlib import Path")
    if writer == "csv":
        imps.append("import csv")
    if writer == "copyfile":
        imps.append("import shutil")
    imps.append("import glob")
    imps.append("from exporter.db import run_query")
    if writer == "copyfile":
        imps.append("from exporter.render import render_to_file")

    def build(c, safe):
        V = "" if safe else "  #@V"
        nm = f'name + "{ext}"' if ext else "name"
        lines = list(load)
        if safe and fix == "basename":
            lines.append("name = os.path.basename(name)")
        if join == "os":
            lines.append(f"dest = os.path.join(EXPORT_ROOT, {nm}){V}")
            if safe and fix == "commonpath":
                lines[-1] = f"dest = os.path.realpath(os.path.join(EXPORT_ROOT, {nm}))"
                lines += ["if os.path.commonpath([dest, os.path.realpath(EXPORT_ROOT)]) != os.path.realpath(EXPORT_ROOT):",
                          '    log.warning("job %s: output outside the export root", job_path)', "    continue"]
            elif safe and fix == "startswith":
                lines[-1] = f"dest = os.path.realpath(os.path.join(EXPORT_ROOT, {nm}))"
                lines += ["if not dest.startswith(os.path.realpath(EXPORT_ROOT) + os.sep):",
                          '    log.warning("job %s: output outside the export root", job_path)', "    continue"]
        else:
            lines.append(f"dest = Path(EXPORT_ROOT) / {nm}{V}")
            if safe and fix == "relative":
                lines[-1] = f"dest = (Path(EXPORT_ROOT) / {nm}).resolve()"
                lines += ["if not dest.is_relative_to(Path(EXPORT_ROOT).resolve()):",
                          '    log.warning("job %s: output outside the export root", job_path)', "    continue"]
        lines.append("rows = run_query(query)")
        if writer == "csv":
            lines += [f'with open(dest, "w", newline="", encoding="utf-8") as out:{V}',
                      "    out_csv = csv.writer(out)", "    out_csv.writerows(rows)"]
        elif writer == "write_text":
            lines += [f'Path(dest).write_text("\\n".join(",".join(map(str, r)) for r in rows), encoding="utf-8"){V}']
        else:
            lines += ["rendered = render_to_file(rows)", f"shutil.copyfile(rendered, dest){V}"]
        lines += ["os.remove(job_path)", 'log.info("job %s written to %s", job_path, dest)']
        loop = (f"def {fn}():\n"
                f'    """Run every export job dropped into the spool directory (cron, every 5 minutes)."""\n'
                f'    for job_path in sorted(glob.glob(os.path.join(SPOOL_DIR, "{pattern}"))):\n'
                + _ind("\n".join(lines), 8))
        consts = f'SPOOL_DIR = "{spool}"\nEXPORT_ROOT = "{root}"\nlog = logging.getLogger("{fn}")'
        return _joined("\n".join(sorted(imps, key=lambda l: (l.startswith("from"), l))), consts, loop,
                       f'if __name__ == "__main__":\n    logging.basicConfig(level=logging.INFO)\n    {fn}()')

    v, s = _replayed(c, build)
    return Spec(v=v, s=s, full=True, fw="script",
                notes=f"the output name of a job file ({fmt}) that other users drop into the spool directory is "
                      "joined under the export root and written; '../' or an absolute path in it writes anywhere "
                      f"the cron user can; the fix ({fix}) keeps the destination inside the export root")


@hardneg(3)
def pt_cron_job_output_hn(c):
    shape = c.pick("slug", "uuid")
    if shape == "slug":
        chk = ('if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name):\n'
               '    log.warning("job %s: bad output name", job_path)\n    continue')
        imp = "import re\n"
        note = "the output name must match a strict slug pattern before it is joined"
    else:
        chk = "name = uuid.uuid4().hex"
        imp = "import uuid\n"
        note = "the output name is generated, the job file's value is ignored"
    loop = ('with open(job_path, encoding="utf-8") as fh:\n    job = json.load(fh)\nname = job["output"]\n' + chk + "\n"
            'dest = os.path.join(EXPORT_ROOT, name + ".csv")\n'
            'with open(dest, "w", newline="", encoding="utf-8") as out:\n'
            '    csv.writer(out).writerows(run_query(job["query"]))\n'
            "os.remove(job_path)")
    fn = ("def run_pending():\n"
          '    for job_path in sorted(glob.glob(os.path.join(SPOOL_DIR, "*.json"))):\n' + _ind(loop, 8))
    code = _joined("import csv\nimport glob\nimport json\nimport logging\nimport os\n" + imp +
                   "\nfrom exporter.db import run_query",
                   'SPOOL_DIR = "/var/spool/exporter"\nEXPORT_ROOT = "/srv/reports/out"\nlog = logging.getLogger("exporter")',
                   fn, 'if __name__ == "__main__":\n    run_pending()')
    return Spec(s=_joined(code), full=True, fw="script", notes=note)


# ---------------- CWE-377: atomic write through a predictable staging file ----------------

@fam("tmp-cli-atomic-write-staging-name", "CWE-377", fws=["cli", "script"], keys=["output"], n=8, wrap=False)
def tmp_cli_atomic_staging(c):
    what = c.pick("upstreams", "lock", "env", "hosts")
    dest = {"upstreams": c.pick("/etc/nginx/conf.d/upstreams.conf", "/etc/haproxy/backends.cfg"),
            "lock": c.pick("requirements.lock", "constraints.txt"),
            "env": c.pick(".env.generated", "deploy/runtime.env"),
            "hosts": c.pick("/etc/hosts.d/cluster", "inventory/hosts.ini")}[what]
    stage = c.pick("literal", "gettempdir", "pathlib", "pid")
    fix = c.pick("mkstemp", "named")
    mover = c.pick("move", "replace", "rename")
    gen = {"upstreams": ("render_upstreams", "from ops.inventory import render_upstreams"),
           "lock": ("resolve_pins", "from ops.pins import resolve_pins"),
           "env": ("render_env", "from ops.settings import render_env"),
           "hosts": ("render_hosts", "from ops.inventory import render_hosts")}[what]
    kind = c.pick("argparse", "main")
    helper = c.pick("write_atomic", "replace_file", "publish")

    def build(c, safe):
        V = "" if safe else "  #@V"
        imps = {"import os", gen[1]}
        if mover == "move":
            imps.add("import shutil")
        mv = {"move": "shutil.move(staging, path)", "replace": "os.replace(staging, path)",
              "rename": "os.rename(staging, path)"}[mover]
        if safe:
            imps.add("import tempfile")
            if fix == "mkstemp":
                body = ['fd, staging = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".partial")',
                        'with os.fdopen(fd, "w", encoding="utf-8") as fh:', "    fh.write(text)"]
            else:
                body = ['with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(os.path.abspath(path)),',
                        '                                 suffix=".partial", delete=False) as fh:',
                        "    fh.write(text)", "    staging = fh.name"]
        else:
            if stage == "literal":
                first = f'staging = "/tmp/" + os.path.basename(path) + ".partial"{V}'
            elif stage == "gettempdir":
                imps.add("import tempfile")
                first = f'staging = os.path.join(tempfile.gettempdir(), os.path.basename(path) + ".new"){V}'
            elif stage == "pathlib":
                imps.add("from pathlib import Path")
                first = f'staging = Path("/tmp") / (Path(path).name + ".tmp"){V}'
            else:
                first = f'staging = "/tmp/{what}-%d.partial" % os.getpid(){V}'
            body = [first, f'with open(staging, "w", encoding="utf-8") as fh:{V}', "    fh.write(text)"]
        fnc = (f"def {helper}(path, text):\n"
               '    """Write the file next to nothing half-written: stage it, then move it into place."""\n'
               + _ind("\n".join(body + [mv])))
        g = gen[0]
        if kind == "argparse":
            imps.add("import argparse")
            main = (f"def main(argv=None):\n"
                    f'    parser = argparse.ArgumentParser(description="Regenerate {os_base(dest)}")\n'
                    f'    parser.add_argument("--output", default="{dest}")\n'
                    "    args = parser.parse_args(argv)\n"
                    f"    {helper}(args.output, {g}())\n"
                    '    print("wrote", args.output)')
        else:
            imps.add("import sys")
            main = (f"def main():\n"
                    f'    output = sys.argv[1] if len(sys.argv) > 1 else "{dest}"\n'
                    f"    {helper}(output, {g}())\n"
                    '    print("wrote", output)')
        imports = "\n".join(sorted(imps, key=lambda l: (l.startswith("from"), l)))
        return _joined(imports, fnc, main, 'if __name__ == "__main__":\n    main()')

    v, s = _replayed(c, build)
    return Spec(v=v, s=s, full=True, fw="cli" if kind == "argparse" else "script",
                notes="the staging file of the atomic write has a predictable name in the shared temp directory; "
                      "another local user can pre-create it or plant a symlink there and have the tool write through "
                      f"it or swap its content before the move; the fix stages with tempfile ({fix}) in the "
                      "destination's own directory")


def os_base(p):
    return p.rsplit("/", 1)[-1]


@hardneg(3)
def tmp_cli_atomic_staging_hn(c):
    shape = c.pick("mkstemp", "tmpdir")
    if shape == "mkstemp":
        body = '''
            fd, staging = tempfile.mkstemp(prefix=".upstreams-", dir=os.path.dirname(os.path.abspath(path)))
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(staging, path)
        '''
        note = "mkstemp creates the staging file with a random name, O_EXCL and mode 0600"
    else:
        body = '''
            with tempfile.TemporaryDirectory() as workdir:
                staging = os.path.join(workdir, "upstreams.conf")
                with open(staging, "w", encoding="utf-8") as fh:
                    fh.write(text)
                shutil.copyfile(staging, path)
        '''
        note = "the staging file lives in a private directory made by TemporaryDirectory (mode 0700)"
    fn = "def write_atomic(path, text):\n" + _ind(dedent(body))
    code = _joined("import os\nimport shutil\nimport tempfile\n\nfrom ops.inventory import render_upstreams", fn,
                   'def main():\n    write_atomic("/etc/nginx/conf.d/upstreams.conf", render_upstreams())',
                   'if __name__ == "__main__":\n    main()')
    return Spec(s=code, full=True, fw="script", notes=note)


# ---------------- CWE-732: octal mode string setting that defaults to world-writable ----------------

@fam("perm-cli-octal-mode-string-default", "CWE-732", fws=["cli", "script"], keys=["mode"], n=8, wrap=False)
def perm_cli_octal_mode(c):
    src = c.pick("argparse", "click", "env", "defaults")
    bad = c.pick("666", "0666", "0o666")
    good = c.pick("640", "600", "0640")
    apply = c.pick("chmod", "pathlib", "fchmod")
    what = c.pick(("report", "csv"), ("export", "json"), ("snapshot", "db"), ("digest", "txt"))
    fn = c.pick("write_output", "save_result", "emit")
    gen = c.pick("build_rows()", "collect_metrics()", "fetch_snapshot()")

    def build(c, safe):
        mode = good if safe else bad
        V = "" if safe else "  #@V"
        imps = {"import os", f"from jobs.data import {gen[:-2]}"}
        if apply == "pathlib":
            imps.add("from pathlib import Path")
        if apply == "fchmod":
            w = [f'with open(path, "w", encoding="utf-8") as fh:', f"    os.fchmod(fh.fileno(), int(mode, 8)){V}",
                 "    fh.write(text)"]
        elif apply == "pathlib":
            w = [f"out = Path(path)", 'out.write_text(text, encoding="utf-8")', f"out.chmod(int(mode, 8)){V}"]
        else:
            w = [f'with open(path, "w", encoding="utf-8") as fh:', "    fh.write(text)", f"os.chmod(path, int(mode, 8)){V}"]
        writer = f"def {fn}(path, text, mode):\n    \"\"\"Write the {what[0]} and apply the configured file mode.\"\"\"\n" + _ind("\n".join(w))
        outp = f"{what[0]}s/latest.{what[1]}"
        if src == "argparse":
            imps.add("import argparse")
            main = (f"def main(argv=None):\n    parser = argparse.ArgumentParser(description=\"Write the {what[0]}\")\n"
                    f'    parser.add_argument("--output", default="{outp}")\n'
                    f'    parser.add_argument("--mode", default="{mode}", help="octal file mode of the output"){V}\n'
                    "    args = parser.parse_args(argv)\n"
                    f"    {fn}(args.output, str({gen}), args.mode)")
            entry = 'if __name__ == "__main__":\n    main()'
            parts = [main]
        elif src == "click":
            imps.add("import click")
            main = ("@click.command()\n"
                    f'@click.option("--output", default="{outp}", show_default=True)\n'
                    f'@click.option("--mode", default="{mode}", show_default=True, help="octal file mode"){V}\n'
                    "def main(output, mode):\n"
                    f"    {fn}(output, str({gen}), mode)\n"
                    '    click.echo(f"wrote {output}")')
            entry = 'if __name__ == "__main__":\n    main()'
            parts = [main]
        elif src == "env":
            main = ("def main():\n"
                    f'    mode = os.environ.get("OUTPUT_MODE", "{mode}"){V}\n'
                    f'    {fn}(os.environ.get("OUTPUT_PATH", "{outp}"), str({gen}), mode)')
            entry = 'if __name__ == "__main__":\n    main()'
            parts = [main]
        else:
            defaults = (f'DEFAULTS = {{\n    "output": "{outp}",\n    "mode": "{mode}",{V}\n    "keep": 7,\n}}')
            main = ("def main(overrides=None):\n    settings = {**DEFAULTS, **(overrides or {})}\n"
                    f'    {fn}(settings["output"], str({gen}), settings["mode"])')
            entry = 'if __name__ == "__main__":\n    main()'
            parts = [defaults, main]
        imports = "\n".join(sorted(imps, key=lambda l: (l.startswith("from"), l)))
        return _joined(imports, writer, *parts, entry)

    v, s = _replayed(c, build)
    return Spec(v=v, s=s, full=True, fw="cli" if src in ("argparse", "click") else "script",
                notes=f"the tool's file mode setting ({src}) defaults to the octal string '{bad}', which chmod applies "
                      "exactly (umask does not reduce a chmod), so every local user can rewrite the output another "
                      f"job consumes; the fix defaults to '{good}'")


@hardneg(3)
def perm_cli_octal_mode_hn(c):
    shape = c.pick("mask", "fixed")
    if shape == "mask":
        body = ('def write_output(path, text, mode="640"):\n    with open(path, "w", encoding="utf-8") as fh:\n'
                "        fh.write(text)\n    os.chmod(path, int(mode, 8) & 0o750)")
        note = "the configured mode is masked so no permission bit for others can be set"
    else:
        body = ('def write_output(path, text):\n    with open(path, "w", encoding="utf-8") as fh:\n'
                "        fh.write(text)\n    os.chmod(path, 0o640)")
        note = "the output gets owner read/write and group read only"
    code = _joined("import os", body,
                   'if __name__ == "__main__":\n    write_output("reports/latest.csv", "id,total\\n")')
    return Spec(s=code, full=True, fw="script", notes=note)


# ---------------- CWE-798: registry credentials as a module-level keyword literal ----------------

@fam("secret-cli-publish-credentials-kwargs", "CWE-798", fws=["cli", "script"], keys=["dist"], n=8, wrap=False)
def secret_cli_publish(c):
    holder = c.pick("dict", "namespace", "namedtuple")
    use = c.pick("twine", "requests", "docker")
    user = c.pick("ci-publisher", "release-bot", "deploy", "svc-artifacts")
    pw = c.pick("N3xus-Publ1sh-2024", "rel3ase!Bot#77", "Art1fact-Upl0ad-Key", "d3ploy-PW-prod-01")
    env = c.pick("REGISTRY_PASSWORD", "PUBLISH_PASSWORD", "ARTIFACT_PASSWORD")
    url = {"twine": c.pick("https://nexus.corp.example/repository/pypi-internal/",
                           "https://pypi.build.example.net/simple-upload/"),
           "requests": c.pick("https://artifacts.corp.example/repository/raw-releases",
                              "https://nexus.build.example.net/repository/tarballs"),
           "docker": c.pick("registry.corp.example", "harbor.build.example.net")}[use]
    front = c.pick("argparse", "sys")

    def build(c, safe):
        pv = f'os.environ["{env}"]' if safe else f'"{pw}"'
        V = "" if safe else "  #@V"
        imps = {"import os", "import subprocess"} if use != "requests" else {"import os", "import requests"}
        if holder == "dict":
            const = f'REGISTRY = dict(\n    url="{url}",\n    username="{user}",\n    password={pv},{V}\n)'
            g = lambda k: f'REGISTRY["{k}"]'
        elif holder == "namespace":
            imps.add("from types import SimpleNamespace")
            const = f'REGISTRY = SimpleNamespace(url="{url}", username="{user}", password={pv}){V}'
            g = lambda k: f"REGISTRY.{k}"
        else:
            imps.add("from typing import NamedTuple")
            const = ("class Registry(NamedTuple):\n    url: str\n    username: str\n    password: str\n\n\n"
                     f'REGISTRY = Registry(url="{url}", username="{user}", password={pv}){V}')
            g = lambda k: f"REGISTRY.{k}"
        if use == "twine":
            imps.add("import glob")
            fnb = ("def publish(dist_dir):\n"
                   '    files = sorted(glob.glob(os.path.join(dist_dir, "*")))\n'
                   f'    env = dict(os.environ, TWINE_USERNAME={g("username")}, TWINE_PASSWORD={g("password")})\n'
                   f'    subprocess.run(["twine", "upload", "--repository-url", {g("url")}, *files], env=env, check=True)\n'
                   "    return len(files)")
        elif use == "requests":
            imps.add("import glob")
            fnb = ("def publish(dist_dir):\n"
                   "    count = 0\n"
                   '    for path in sorted(glob.glob(os.path.join(dist_dir, "*.tar.gz"))):\n'
                   '        with open(path, "rb") as fh:\n'
                   f'            resp = requests.put({g("url")} + "/" + os.path.basename(path), data=fh,\n'
                   f'                                auth=({g("username")}, {g("password")}), timeout=60)\n'
                   "        resp.raise_for_status()\n"
                   "        count += 1\n"
                   "    return count")
        else:
            fnb = ("def publish(image):\n"
                   f'    subprocess.run(["docker", "login", "--username", {g("username")}, "--password-stdin", {g("url")}],\n'
                   f'                   input={g("password")}, text=True, check=True)\n'
                   f'    tagged = {g("url")} + "/" + image\n'
                   '    subprocess.run(["docker", "tag", image, tagged], check=True)\n'
                   '    subprocess.run(["docker", "push", tagged], check=True)\n'
                   "    return tagged")
        target = "image" if use == "docker" else "dist_dir"
        default = "app:latest" if use == "docker" else "dist"
        if front == "argparse":
            imps.add("import argparse")
            main = ("def main(argv=None):\n"
                    '    parser = argparse.ArgumentParser(description="Publish build artifacts (make publish)")\n'
                    f'    parser.add_argument("{target}", nargs="?", default="{default}")\n'
                    "    args = parser.parse_args(argv)\n"
                    f'    print("published", publish(args.{target}))')
        else:
            imps.add("import sys")
            main = ("def main():\n"
                    f'    {target} = sys.argv[1] if len(sys.argv) > 1 else "{default}"\n'
                    f'    print("published", publish({target}))')
        imports = "\n".join(sorted(imps, key=lambda l: (l.startswith("from"), l)))
        return _joined(imports, const, fnb, main, 'if __name__ == "__main__":\n    main()')

    v, s = _replayed(c, build)
    return Spec(v=v, s=s, full=True, fw="cli" if front == "argparse" else "script",
                notes=f"the publish helper run by `make publish` keeps the {use} registry password as a literal in a "
                      "module-level credentials object; anyone who can read the repository or the script can push "
                      f"artifacts; the fix reads it from the {env} environment variable set by the CI secret store")


# ---------------- CWE-502: cron checkpoint in a shared directory, loaded with pickle / marshal ----------------

@fam("deser-cron-shared-state-checkpoint", "CWE-502", fws=["script", "cli"], keys=["state"], n=8, wrap=False)
def deser_cron_shared_state(c):
    lib = c.pick("pickle", "pickle", "marshal")
    shape = c.pick("fh", "bytes")
    shared = c.pick("/srv/shared/sync-state", "/mnt/team-share/jobs/state", "/var/lib/shared-jobs",
                    "/nfs/ops/cron-state")
    job = c.pick(("mailbox_sync", "seen_ids"), ("feed_import", "last_ids"), ("ldap_mirror", "synced"),
                 ("invoice_pull", "fetched"))
    front = c.pick("plain", "argparse")
    fetch = {"mailbox_sync": "from jobs.mail import fetch_new", "feed_import": "from jobs.feeds import fetch_new",
             "ldap_mirror": "from jobs.directory import fetch_new", "invoice_pull": "from jobs.billing import fetch_new"}[job[0]]

    def build(c, safe):
        V = "" if safe else "  #@V"
        mod = "json" if safe else lib
        imps = {"import os", f"import {mod}", fetch}
        ext = "json" if safe else ("pkl" if lib == "pickle" else "marshal")
        if shape == "bytes" or safe and shape == "bytes":
            imps.add("from pathlib import Path")
            rd = (f'return {mod}.loads(Path(path).read_text(encoding="utf-8"))' if safe
                  else f"return {mod}.loads(Path(path).read_bytes()){V}")
            load = ["if not os.path.exists(path):", '    return {"cursor": None, "' + job[1] + '": []}', rd]
        else:
            mode = '"r", encoding="utf-8"' if safe else '"rb"'
            load = ["try:", f"    with open(path, {mode}) as fh:", f"        return {mod}.load(fh){V}",
                    "except FileNotFoundError:", '    return {"cursor": None, "' + job[1] + '": []}']
        wmode = '"w", encoding="utf-8"' if safe else '"wb"'
        save = [f'tmp = path + ".new"', f"with open(tmp, {wmode}) as fh:", f"    {mod}.dump(state, fh)",
                "os.replace(tmp, path)"]
        loadf = "def load_state(path):\n" + _ind("\n".join(load))
        savef = "def save_state(path, state):\n" + _ind("\n".join(save))
        run = ["state = load_state(path)", 'items, cursor = fetch_new(state["cursor"])',
               f'state["{job[1]}"] = (state["{job[1]}"] + [i["id"] for i in items])[-5000:]',
               'state["cursor"] = cursor', "save_state(path, state)", "return len(items)"]
        runf = (f"def run(path=STATE_FILE):\n    \"\"\"One pass of the {job[0].replace('_', ' ')} job (crontab: */10 * * * *).\"\"\"\n"
                + _ind("\n".join(run)))
        const = f'STATE_DIR = "{shared}"\nSTATE_FILE = os.path.join(STATE_DIR, "{job[0]}.{ext}")'
        if front == "argparse":
            imps.add("import argparse")
            main = ('if __name__ == "__main__":\n    parser = argparse.ArgumentParser()\n'
                    '    parser.add_argument("--state", default=STATE_FILE)\n'
                    '    print("new items:", run(parser.parse_args().state))')
        else:
            main = 'if __name__ == "__main__":\n    print("new items:", run())'
        imports = "\n".join(sorted(imps, key=lambda l: (l.startswith("from"), l)))
        return _joined(imports, const, loadf, savef, runf, main)

    v, s = _replayed(c, build)
    return Spec(v=v, s=s, full=True, fw="script" if front == "plain" else "cli",
                notes=f"the job's checkpoint lives in a directory shared with a team (group-writable, NFS) and is "
                      f"loaded with {lib}; anyone who can write there replaces it with a crafted payload "
                      + ("that runs code as the cron user (pickle rebuilds arbitrary objects through __reduce__)" if lib == "pickle" else
                         "that the job trusts (marshal is documented as not secure against maliciously constructed "
                         "data and loads code objects)") + "; the fix stores "
                      "the checkpoint as JSON")
