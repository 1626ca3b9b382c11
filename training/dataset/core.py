"""Core of the scenario generator: contexts, string styles, framework shells, markers.

A scenario family is a small hand-written program with variation points. Its
builder receives a ``Ctx`` (seeded choices: framework, taint source, string style,
identifier names) and returns a ``Spec``: the vulnerable and the safe body (or whole
modules). Vulnerable lines are marked in the template with a trailing ``#@V``
(sink / missing check) or ``#@S`` (taint source); ``render`` strips the markers and
returns the 1-based line numbers, so line labels can never drift from the code.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

MARK = re.compile(r"[ \t]*#@([VS])[ \t]*$")

NAMES = {
    "query": ["query", "sql", "stmt", "q", "select_sql", "lookup_sql"],
    "cur": ["cur", "cursor", "c", "db_cursor"],
    "conn": ["conn", "connection", "db", "dbconn"],
    "rows": ["rows", "records", "results", "found", "matches"],
    "cmd": ["cmd", "command", "shell_cmd", "cmdline", "invocation"],
    "path": ["path", "full_path", "target", "file_path", "dest"],
    "data": ["data", "payload", "content", "body", "blob", "raw"],
    "result": ["result", "out", "output", "resp_data", "answer"],
    "url": ["url", "target_url", "endpoint", "remote", "link"],
    "user": ["user", "account", "member", "current_user", "actor"],
    "token": ["token", "secret", "nonce", "code", "key"],
    "name": ["name", "label", "title", "term", "needle"],
    "handler": ["handler", "view", "endpoint", "serve", "lookup", "fetch", "run"],
    "doc": ["doc", "tree", "root", "document", "parsed"],
    "resp": ["resp", "response", "r", "reply"],
    "log": ["logger", "log", "audit_log", "app_log"],
    "base": ["BASE_DIR", "UPLOAD_ROOT", "STORAGE_DIR", "MEDIA_ROOT", "DATA_DIR"],
    "tmpl": ["template", "tmpl", "source", "markup", "tpl"],
    "expr": ["expr", "expression", "formula", "calc", "rule"],
    "pw": ["password", "passwd", "pw", "plain", "secret_pw"],
    "digest": ["digest", "hashed", "pw_hash", "stored_hash", "hexdigest_value"],
    "obj": ["obj", "item", "record", "entry", "row"],
}

WORDS = ["report", "invoice", "order", "ticket", "profile", "asset", "export", "note",
         "project", "document", "receipt", "shipment", "booking", "metric", "article",
         "customer", "sensor", "job", "upload", "survey", "lesson", "device", "event"]

STYLES = ["fstring", "percent", "format", "concat", "join"]


def lit(s: str) -> str:
    """A Python string literal for ``s``, double quotes unless the text contains them."""
    q = '"' if '"' not in s else "'"
    if q == "'" and "'" in s:
        return repr(s)
    return q + s.replace("\\", "\\\\").replace("\n", "\\n") + q


@dataclass
class Ctx:
    rng: random.Random
    fw: str = "flask"
    src: str = "args"
    style: str = "fstring"
    key: str = "name"
    wrap: bool = False
    x: str = "name"
    word: str = "report"
    _names: dict = field(default_factory=dict)

    def n(self, role: str) -> str:
        """A consistent, varied identifier for a role within one example."""
        if role not in self._names:
            pool = NAMES.get(role, [role])
            self._names[role] = self.rng.choice(pool)
        return self._names[role]

    def pick(self, *opts):
        return self.rng.choice(opts)

    def snapshot(self):
        """The rng state and the names drawn so far, so a second rendering can replay the draws."""
        return self.rng.getstate(), dict(self._names)

    def restore(self, state) -> None:
        self.rng.setstate(state[0])
        self._names = dict(state[1])

    def fmt(self, template: str, *vars: str, style: str | None = None) -> str:
        """Build a string from a template whose ``{}`` are replaced by variables, in this example's style."""
        st = style or self.style
        parts = template.split("{}")
        assert len(parts) == len(vars) + 1, template
        if st == "fstring":
            body = "".join(p.replace("{", "{{").replace("}", "}}") + ("{" + v + "}" if i < len(vars) else "")
                           for i, (p, v) in enumerate(zip(parts, list(vars) + [""])))
            return "f" + lit(body)
        if st == "percent":
            t = "%s".join(p.replace("%", "%%") for p in parts)
            arg = vars[0] if len(vars) == 1 else "(" + ", ".join(vars) + ")"
            return lit(t) + " % " + arg
        if st == "format":
            t = "{}".join(p.replace("{", "{{").replace("}", "}}") for p in parts)
            return lit(t) + ".format(" + ", ".join(vars) + ")"
        items = []
        for i, p in enumerate(parts):
            if p:
                items.append(lit(p))
            if i < len(vars):
                items.append(vars[i] if st == "join" else "str(" + vars[i] + ")" if self.rng.random() < 0.3 else vars[i])
        if st == "concat":
            return " + ".join(items)
        return lit("") + ".join([" + ", ".join(items) + "])"


@dataclass
class Spec:
    """What a family builder returns. Either bodies for a framework shell or whole modules."""
    v: str = ""                 # vulnerable body (inside the handler, uses ctx.x), or module if full
    s: str = ""                 # safe twin
    imports: str = ""           # import lines shared by both
    vimports: str = ""
    simports: str = ""
    ret: str = "result"         # expression returned by the handler
    helpers: str = ""           # module-level code shared by both (constants, helpers)
    full: bool = False          # v/s are complete modules
    notes: str = ""
    fw: str | None = None       # framework label override (e.g. "orm")
    raw: bool = False           # return ``ret`` as is (a response object), not wrapped as JSON


def dedent(s: str) -> str:
    lines = s.strip("\n").split("\n")
    ind = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
    return "\n".join(l[ind:] for l in lines)


def indent(s: str, n: int = 4) -> str:
    return "\n".join((" " * n + l) if l.strip() else "" for l in dedent(s).split("\n"))


# --- taint sources per framework: (imports, handler params, source lines, route decorator) ---
SOURCES = {
    "flask": ["args", "form", "json", "header", "cookie"],
    "django": ["args", "form", "json", "header", "cookie"],
    "fastapi": ["query", "header", "json", "cookie"],
    "aiohttp": ["args", "form", "json", "header", "match"],
    "script": ["argv", "env", "input", "file"],
    "cli": ["argparse"],
    "pipeline": ["queue", "socket", "jsonl", "kafka"],
}


def _hdr(key: str) -> str:
    return "X-" + "-".join(w.capitalize() for w in key.split("_"))


def source_line(c: Ctx) -> tuple[str, list[str]]:
    """(the assignment reading the taint into ``c.x``, extra imports)."""
    k, x = c.key, c.x
    fw, src = c.fw, c.src
    if fw == "flask":
        return {
            "args": (f'{x} = request.args.get("{k}", "")', []),
            "form": (f'{x} = request.form["{k}"]', []),
            "json": (f'{x} = request.get_json(force=True)["{k}"]', []),
            "header": (f'{x} = request.headers.get("{_hdr(k)}", "")', []),
            "cookie": (f'{x} = request.cookies.get("{k}", "")', []),
        }[src]
    if fw == "django":
        return {
            "args": (f'{x} = request.GET.get("{k}", "")', []),
            "form": (f'{x} = request.POST["{k}"]', []),
            "json": (f'{x} = json.loads(request.body)["{k}"]', ["import json"]),
            "header": (f'{x} = request.headers.get("{_hdr(k)}", "")', []),
            "cookie": (f'{x} = request.COOKIES.get("{k}", "")', []),
        }[src]
    if fw == "aiohttp":
        return {
            "args": (f'{x} = request.query.get("{k}", "")', []),
            "form": (f'{x} = (await request.post())["{k}"]', []),
            "json": (f'{x} = (await request.json())["{k}"]', []),
            "header": (f'{x} = request.headers.get("{_hdr(k)}", "")', []),
            "match": (f'{x} = request.match_info["{k}"]', []),
        }[src]
    if fw == "fastapi":
        return {
            "query": (f"{x} = {k}.strip()", []),
            "header": (f"{x} = {k} or \"\"", []),
            "cookie": (f"{x} = {k} or \"\"", []),
            "json": (f'{x} = (await request.json())["{k}"]', []),
        }[src]
    if fw == "script":
        return {
            "argv": (f"{x} = sys.argv[1]", ["import sys"]),
            "env": (f'{x} = os.environ.get("{k.upper()}", "")', ["import os"]),
            "input": (f'{x} = input("{k}: ").strip()', []),
            "file": (f"{x} = open(sys.argv[1]).read().strip()", ["import sys"]),
        }[src]
    if fw == "cli":
        return (f"{x} = args.{k}", [])
    if fw == "pipeline":
        return {
            "queue": (f'{x} = message["{k}"]', []),
            "socket": (f'{x} = message["{k}"]', []),
            "jsonl": (f'{x} = message["{k}"]', []),
            "kafka": (f'{x} = message["{k}"]', []),
        }[src]
    raise KeyError(fw)


def _ret(c: Ctx, expr: str) -> str:
    return {
        "flask": f"return jsonify(result={expr})",
        "django": f'return JsonResponse({{"result": {expr}}})',
        "fastapi": f'return {{"result": {expr}}}',
        "aiohttp": f'return web.json_response({{"result": {expr}}})',
        "script": f"print({expr})",
        "cli": f"print({expr})",
        "pipeline": f"return {expr}",
    }[c.fw]


def shell(c: Ctx, body: str, spec: Spec, imports: str) -> str:
    """Put a handler body into a module for the context's framework and source."""
    src, extra = source_line(c)
    h = c.n("handler") + "_" + c.word
    route = f"/{c.word}s/{c.pick('search', 'view', 'run', 'lookup', 'open', 'load', 'export')}"
    imps: list[str] = []
    pre: list[str] = []
    post: list[str] = []
    fw = c.fw
    body_d = dedent(body)
    ret = spec.ret
    helper = ""
    if c.wrap:
        hn = "_" + c.pick("do", "load", "perform", "handle", "process", "resolve") + "_" + c.word
        helper = f"def {hn}({c.x}):\n{indent(body_d)}\n    return {ret}\n"
        body_d = f"{c.n('result')} = {hn}({c.x})"
        ret = c.n("result")
    if fw == "flask":
        imps.append("from flask import Flask, jsonify, request")
        pre.append("app = Flask(__name__)")
        head = f'@app.route("{route}", methods=["{"POST" if c.src in ("form", "json") else "GET"}"])\ndef {h}():'
    elif fw == "django":
        imps.append("from django.http import JsonResponse")
        if c.src in ("form", "json"):
            imps.append("from django.views.decorators.http import require_POST")
            head = f"@require_POST\ndef {h}(request):"
        else:
            head = f"def {h}(request):"
    elif fw == "aiohttp":
        imps.append("from aiohttp import web")
        head = f"async def {h}(request):"
        # match_info reads a path segment: the route must declare it, or the handler raises KeyError
        aroute = f"{route}/{{{c.key}}}" if c.src == "match" else route
        post.append(f"\napp = web.Application()\napp.router.add_{'post' if c.src in ('form', 'json') else 'get'}(\"{aroute}\", {h})")
    elif fw == "fastapi":
        if c.src == "query":
            imps.append("from fastapi import FastAPI")
            params = f"{c.key}: str"
        elif c.src == "header":
            imps.append("from fastapi import FastAPI, Header")
            params = f"{c.key}: str | None = Header(default=None)"
        elif c.src == "cookie":
            imps.append("from fastapi import Cookie, FastAPI")
            params = f"{c.key}: str | None = Cookie(default=None)"
        else:
            imps.append("from fastapi import FastAPI, Request")
            params = "request: Request"
        pre.append("app = FastAPI()")
        verb = "post" if c.src == "json" else "get"
        head = f'@app.{verb}("{route}")\nasync def {h}({params}):'
    elif fw == "script":
        head = f"def main():"
        post.append('\nif __name__ == "__main__":\n    main()')
    elif fw == "cli":
        imps.append("import argparse")
        head = (f"def main(argv=None):\n"
                f"    parser = argparse.ArgumentParser(description=\"{c.word.capitalize()} tool\")\n"
                f"    parser.add_argument(\"--{c.key.replace('_', '-')}\", dest=\"{c.key}\", required=True)\n"
                f"    parser.add_argument(\"--verbose\", action=\"store_true\")\n"
                f"    args = parser.parse_args(argv)")
        post.append('\nif __name__ == "__main__":\n    main()')
    elif fw == "pipeline":
        head = f"def handle_{c.word}(message):"
        if c.src == "queue":
            imps.append("import json")
            post.append(f"\ndef consume(q):\n    while True:\n        raw = q.get()\n        if raw is None:\n            break\n        handle_{c.word}(json.loads(raw))\n        q.task_done()")
        elif c.src == "socket":
            imps.append("import json")
            imps.append("import socket")
            post.append(f"\ndef serve(port=9009):\n    srv = socket.create_server((\"0.0.0.0\", port))\n    while True:\n        conn, _ = srv.accept()\n        with conn:\n            message = json.loads(conn.recv(65536).decode())\n            conn.sendall(str(handle_{c.word}(message)).encode())")
        elif c.src == "jsonl":
            imps.append("import json")
            post.append(f"\ndef run_file(path):\n    with open(path) as fh:\n        for line in fh:\n            if line.strip():\n                handle_{c.word}(json.loads(line))")
        else:
            imps.append("import json")
            post.append(f"\ndef run_consumer(consumer):\n    for record in consumer:\n        handle_{c.word}(json.loads(record.value))")
    else:
        raise KeyError(fw)
    for e in extra:
        imps.append(e)
    imps += [l for l in dedent(imports).split("\n") if l.strip()]
    imps = _sort_imports(imps)
    parts = ["\n".join(imps)]
    if spec.helpers.strip():
        parts.append(dedent(spec.helpers))
    if pre:
        parts.append("\n".join(pre))
    if helper:
        parts.append(helper.rstrip())
    fn = head + "\n" + f"    {src}  #@S\n" + indent(body_d) + "\n    " + (f"return {ret}" if spec.raw else _ret(c, ret))
    parts.append(fn + ("\n\n" + "\n".join(post) if post else ""))
    return "\n\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"


def _sort_imports(imps: list[str]) -> list[str]:
    seen, out = set(), []
    for l in imps:
        if l not in seen:
            seen.add(l)
            out.append(l)
    std = sorted([l for l in out if l.startswith("import ")])
    merged: dict = {}
    for l in out:
        if l.startswith("from ") and " import " in l and "(" not in l and "*" not in l:
            mod, names = l[5:].split(" import ", 1)
            merged.setdefault(mod, [])
            for n in names.split(","):
                if n.strip() not in merged[mod]:
                    merged[mod].append(n.strip())
    frm = sorted(f"from {m} import {', '.join(sorted(ns))}" for m, ns in merged.items())
    frm += [l for l in out if l.startswith("from ") and ("(" in l or "*" in l)]
    return (["from __future__ import annotations"] if False else []) + std + frm


def render(code: str, vulnerable: bool) -> tuple[str, list[int]]:
    """Strip ``#@V``/``#@S`` markers; return code and 1-based marked lines (for vulnerable)."""
    out, lines = [], []
    for i, l in enumerate(code.split("\n"), 1):
        m = MARK.search(l)
        if m:
            l = l[: m.start()]
            if vulnerable:
                lines.append(i)
        out.append(l)
    return "\n".join(out), lines
