"""Label-preserving augmentation of the train split: `npm run data:augment`.

Reads data/train.jsonl only (never validation/test) and writes data/train.augmented.jsonl.
Each vulnerable/safe-twin pair gets the same transforms, so augmented twins stay minimal
pairs. Transforms (1-3 per sample, chosen by a seeded RNG):

  rename     AST-aware renaming of function-local variables and parameters (never
             attributes, imports, keywords, builtins, keyword-argument names, parameters of
             decorated handlers, class bodies)
  fmt2       re-indent to 2 spaces and swap simple string quotes (line count unchanged)
  header     prepend a module docstring / comment header (line numbers shift)
  fstr2fmt   rewrite single-line f-strings as str.format calls (string-style swap)
  helper     move a marked single-line call statement into a module-level helper function
             whose return line becomes the marked line

After each transform the sample must parse, keep the same number of marked lines, and every
marked line must still contain the same sink text (the attribute and call names of the
original line), and the reviewer's rule R1 (review.py) must still pass; otherwise the
transform plan is discarded (a fallback plan is tried, then the sample is skipped).
"""
from __future__ import annotations

import ast
import builtins
import io
import json
import keyword
import os
import random
import re
import sys
import time
import tokenize

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import review  # noqa: E402  (the reviewer's R1 must still hold after augmentation)

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "data"))
BUILTINS = set(dir(builtins))
KEEP = {"self", "cls", "request", "app", "args", "kwargs", "_"}
POOL = ["value", "item", "entry", "incoming", "param", "arg", "field", "chunk", "part", "text",
        "src", "dst", "target", "blob", "buf", "node", "rec", "row", "val", "spec", "ref", "handle"]


# ---------------- sink text: what a marked line must keep ----------------


def sink_text(line: str) -> list[str]:
    """Names after a dot, call names and keyword-argument names: the API a line uses."""
    toks = re.findall(r"\.\s*([A-Za-z_]\w*)|([A-Za-z_]\w*)\s*\(|([A-Za-z_]\w*)\s*=(?!=)", line)
    out = []
    for a, b, c in toks:
        n = a or b or c
        if n and (a or n in BUILTINS or n[0].isupper() or b):
            out.append(n)
    return sorted(set(out))


# ---------------- transforms: each returns (code, line_map) or None ----------------
# line_map maps old 1-based line -> new 1-based line for marked lines


def t_rename(code: str, rng: random.Random, mapping: dict | None = None):
    tree = ast.parse(code)
    kwnames = {k.arg for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords if k.arg}
    imported = set()
    for n in ast.walk(tree):
        if isinstance(n, (ast.Import, ast.ImportFrom)):
            for a in n.names:
                imported.add((a.asname or a.name).split(".")[0])
    glob = {nm for n in ast.walk(tree) if isinstance(n, (ast.Global, ast.Nonlocal)) for nm in n.names}
    module_names = set()
    for st in tree.body:
        for n in ast.walk(st) if not isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else []:
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                module_names.add(n.id)
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            module_names.add(st.name)
    cands = set()
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if not fn.decorator_list:
            for a in fn.args.args + fn.args.kwonlyargs:
                cands.add(a.arg)
        for n in ast.walk(fn):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                cands.add(n.id)
            if isinstance(n, ast.arg) and fn.decorator_list and n in fn.args.args:
                pass
    # names inside class bodies are attributes (Django Meta, ORM columns): never rename
    for cl in ast.walk(tree):
        if isinstance(cl, ast.ClassDef):
            for st in cl.body:
                for n in ast.walk(st):
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and not isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        cands.discard(n.id)
    # parameters of decorated functions are part of an API (FastAPI query names, Flask URL vars)
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and fn.decorator_list:
            for a in fn.args.args + fn.args.kwonlyargs:
                cands.discard(a.arg)
    cands -= imported | BUILTINS | KEEP | kwnames | glob | module_names | set(keyword.kwlist)
    if not cands:
        return None
    if mapping is None:
        mapping = {}
        used = set(re.findall(r"[A-Za-z_]\w*", code))
        for name in sorted(cands):
            if rng.random() < 0.7:
                new = rng.choice(POOL) + rng.choice(["", "_" + name.split("_")[0][:4], str(rng.randint(1, 9))])
                if new not in used and new not in mapping.values() and not keyword.iskeyword(new):
                    mapping[name] = new
                    used.add(new)
    mapping = {k: v for k, v in mapping.items() if k in cands}
    if not mapping:
        return None
    edits = []  # (line, col, end_col, new)
    lines = code.split("\n")
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and n.id in mapping:
            edits.append((n.lineno, n.col_offset, n.end_col_offset, mapping[n.id]))
        elif isinstance(n, ast.arg) and n.arg in mapping:
            edits.append((n.lineno, n.col_offset, n.col_offset + len(n.arg), mapping[n.arg]))
    for ln, c0, c1, new in sorted(edits, key=lambda e: (e[0], -e[1])):
        l = lines[ln - 1]
        # ast columns are UTF-8 byte offsets
        b = l.encode()
        lines[ln - 1] = (b[:c0] + new.encode() + b[c1:]).decode()
    return "\n".join(lines), None, mapping


def t_fmt2(code: str, rng: random.Random):
    if '"""' in code or "'''" in code:
        return None
    out = []
    for l in code.split("\n"):
        stripped = l.lstrip(" ")
        n = len(l) - len(stripped)
        out.append(" " * (n // 2) + stripped)
    new = "\n".join(out)
    # swap simple double-quoted strings to single quotes
    res, prev_end = [], (1, 0)
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(new).readline))
    except (tokenize.TokenError, IndentationError):
        return None
    lines = new.split("\n")
    edits = []
    for t in toks:
        s = t.string
        if t.type == tokenize.STRING and re.fullmatch(r'"[^"\'\\{}]*"', s) and t.start[0] == t.end[0]:
            edits.append((t.start[0], t.start[1], t.end[1], "'" + s[1:-1] + "'"))
    for ln, c0, c1, rep in sorted(edits, key=lambda e: (e[0], -e[1])):
        l = lines[ln - 1]
        lines[ln - 1] = l[:c0] + rep + l[c1:]
    return "\n".join(lines), None, None


HEADERS = [
    '"""{w} service: request handlers."""\n',
    "# -*- coding: utf-8 -*-\n# Part of the {w} backend. See docs/architecture.md.\n",
    '"""Utilities for the {w} module.\n\nMaintained by the platform team.\n"""\n',
    "# Copyright (c) the {w} authors.\n# SPDX-License-Identifier: MIT\n\n",
]


def t_header(code: str, rng: random.Random):
    w = rng.choice(["billing", "catalog", "reports", "accounts", "ingest", "gateway", "search"])
    h = rng.choice(HEADERS).format(w=w)
    if code.startswith(("#", '"""', "from __future__")):
        return None
    k = h.count("\n")
    return h + code, {i: i + k for i in range(1, code.count("\n") + 2)}, None


def t_fstr2fmt(code: str, rng: random.Random):
    tree = ast.parse(code)
    lines = code.split("\n")
    edits = []
    for n in ast.walk(tree):
        if not isinstance(n, ast.JoinedStr) or n.lineno != n.end_lineno:
            continue
        parts, args, ok = [], [], True
        for v in n.values:
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                parts.append(v.value.replace("{", "{{").replace("}", "}}"))
            elif isinstance(v, ast.FormattedValue) and v.conversion == -1 and v.format_spec is None:
                src = ast.get_source_segment(code, v.value)
                if src is None or "\n" in src:
                    ok = False
                    break
                parts.append("{}")
                args.append(src)
            else:
                ok = False
                break
        if not ok or not args:
            continue
        lit = "".join(parts)
        if "\\" in lit or '"' in lit and "'" in lit:
            continue
        q = '"' if '"' not in lit else "'"
        rep = q + lit.replace("\n", "\\n") + q + ".format(" + ", ".join(args) + ")"
        edits.append((n.lineno, n.col_offset, n.end_col_offset, rep))
    if not edits:
        return None
    for ln, c0, c1, rep in sorted(edits, key=lambda e: (e[0], -e[1])):
        b = lines[ln - 1].encode()
        lines[ln - 1] = (b[:c0] + rep.encode() + b[c1:]).decode()
    return "\n".join(lines), None, None


def t_helper(code: str, rng: random.Random, marked: list[int], helper_name: str | None = None, func_src: str | None = None):
    """Move one marked `name = call(...)` / `call(...)` statement into a module-level helper.

    For a safe twin (no marked lines) ``func_src`` selects the statement calling the same
    function as the one moved in the vulnerable version, so the pair stays aligned.
    """
    tree = ast.parse(code)
    lines = code.split("\n")
    module_names = set(BUILTINS)
    for st in tree.body:
        if isinstance(st, (ast.Import, ast.ImportFrom)):
            module_names |= {(a.asname or a.name).split(".")[0] for a in st.names}
        elif isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            module_names.add(st.name)
        else:
            module_names |= {n.id for n in ast.walk(st) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    targets = []
    for fn in tree.body:
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for st in ast.walk(fn):
            if not isinstance(st, (ast.Assign, ast.Expr)) or st.lineno != st.end_lineno:
                continue
            val = st.value
            if not isinstance(val, ast.Call):
                continue
            if func_src is None and st.lineno not in marked:
                continue
            if func_src is not None and ast.get_source_segment(code, val.func) != func_src:
                continue
            if isinstance(st, ast.Assign) and (len(st.targets) != 1 or not isinstance(st.targets[0], ast.Name)):
                continue
            if any(isinstance(n, (ast.Await, ast.Yield, ast.YieldFrom, ast.Lambda, ast.NamedExpr, ast.ListComp,
                                  ast.GeneratorExp, ast.DictComp, ast.SetComp)) for n in ast.walk(val)):
                continue
            free = []
            for n in ast.walk(val):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in module_names and n.id not in free:
                    free.append(n.id)
            targets.append((fn, st, free))
    if not targets:
        return None
    fn, st, free = rng.choice(targets)
    name = helper_name or "_" + rng.choice(["call", "run", "do", "invoke", "apply"]) + "_" + rng.choice(["step", "op", "action", "query", "io"])
    if name in code:
        return None
    expr = ast.get_source_segment(code, st.value)
    line = lines[st.lineno - 1]
    indent = line[: len(line) - len(line.lstrip())]
    call = f"{name}({', '.join(free)})"
    new_stmt = indent + (f"{st.targets[0].id} = {call}" if isinstance(st, ast.Assign) else call)
    helper = [f"def {name}({', '.join(free)}):", f"    return {expr}", "", ""]
    insert_at = fn.lineno - 1 - len(fn.decorator_list)  # 0-based index before the function (and decorators)
    new_lines = lines[:insert_at] + helper + lines[insert_at:]
    k = len(helper)
    moved_from = st.lineno
    new_lines[moved_from - 1 + k] = new_stmt
    lm = {}
    for i in range(1, len(lines) + 1):
        lm[i] = i + k if i > insert_at else i
    lm[moved_from] = insert_at + 2  # the helper's return line carries the sink now
    return "\n".join(new_lines), lm, (name, ast.get_source_segment(code, st.value.func))


# ---------------- driver ----------------


def apply(code: str, marked: list[int], steps: list, rng_seed: str, shared: dict) -> tuple[str, list[int], list[str]] | None:
    """Apply transforms; ``shared`` carries choices (rename map, helper name) to the twin."""
    cur, cur_marked, done = code, list(marked), []
    for step in steps:
        rng = random.Random(rng_seed + step)
        try:
            if step == "rename":
                r = t_rename(cur, rng, shared.get("rename"))
                if r:
                    shared.setdefault("rename", r[2])
            elif step == "helper":
                h = shared.get("helper")
                r = t_helper(cur, rng, cur_marked, h[0] if h else None, h[1] if h else None)
                if r:
                    shared.setdefault("helper", r[2])
            else:
                r = {"fmt2": t_fmt2, "header": t_header, "fstr2fmt": t_fstr2fmt}[step](cur, rng)
        except (SyntaxError, ValueError):
            r = None
        if r is None:
            continue
        new, lm, _ = r
        try:
            compile(new, "<augmented>", "exec")
        except SyntaxError:
            continue
        new_marked = [lm[m] if lm else m for m in cur_marked]
        cur, cur_marked = new, new_marked
        done.append(step)
    return cur, cur_marked, done


def sink_ok(orig: str, olines: list[int], new: str, nlines: list[int], rename: dict | None) -> bool:
    if len(olines) != len(nlines):
        return False
    a, b = orig.split("\n"), new.split("\n")
    inv = {v: k for k, v in (rename or {}).items()}
    for o, n in zip(olines, nlines):
        if not 1 <= n <= len(b):
            return False
        nl = b[n - 1]
        for new_name, old in inv.items():
            nl = re.sub(r"\b" + re.escape(new_name) + r"\b", old, nl)
        want = set(sink_text(a[o - 1])) - {"format"}
        have = set(sink_text(nl))
        if not want <= have:
            return False
    return True


def moved_source_note(notes: str, old_lines: list[int], new_lines: list[int]) -> str:
    """Keeps "taint source line N" true after a transform moved lines: marked lines keep their
    order (sink_ok pairs them by position), so the source's new number is at the same index."""
    m = re.search(r"taint source line (\d+)", notes)
    if not m or int(m.group(1)) not in old_lines:
        return notes
    moved = new_lines[old_lines.index(int(m.group(1)))]
    return notes[:m.start(1)] + str(moved) + notes[m.end(1):]


def main() -> int:
    t0 = time.time()
    train = [json.loads(l) for l in open(os.path.join(DATA, "train.jsonl"), encoding="utf-8")]
    by_id = {r["id"]: r for r in train}
    out, rejected = [], 0
    done_ids = set()
    units = []
    for r in train:
        if r["id"] in done_ids:
            continue
        if r["label"] == "vulnerable" and r["twin"] in by_id:
            units.append([r, by_id[r["twin"]]])
            done_ids |= {r["id"], r["twin"]}
        elif r["label"] == "safe" and r["twin"] in by_id:
            continue  # handled with its vulnerable twin
        else:
            units.append([r])
            done_ids.add(r["id"])
    order = ["helper", "fstr2fmt", "rename", "fmt2", "header"]
    for ui, unit in enumerate(units, 1):
        if ui % 500 == 0 or ui == len(units):
            el = time.time() - t0
            print(f"[{ui}/{len(units)}] units, {len(out)} augmented, {rejected} rejected, {el:.1f}s, eta {el / ui * (len(units) - ui):.0f}s",
                  file=sys.stderr)
        rng = random.Random("aug/" + unit[0]["id"])
        first = sorted(rng.sample(order, k=rng.randint(1, 3)), key=order.index)
        # fallbacks when a transform does not apply to both twins
        plans = [first, [s for s in first if s != "helper"] or ["header"], ["rename", "header"], ["fmt2"]]
        for steps in plans:
            shared: dict = {}
            results = [apply(r["code"], r["lines"], steps, unit[0]["id"], shared) for r in unit]
            ok = all(done and code != r["code"] and sink_ok(r["code"], r["lines"], code, lines, shared.get("rename"))
                     and not (r["label"] == "vulnerable" and review.check_vulnerable(dict(r, code=code, lines=lines)))
                     for r, (code, lines, done) in zip(unit, results))
            if ok and len(unit) == 2 and results[0][2] != results[1][2]:
                ok = False  # twins must get the same transforms
            if ok:
                break
        if not ok:
            rejected += 1
            continue
        ids = [r["id"] + "-aug1" for r in unit]
        for k, (r, (code, lines, done)) in enumerate(zip(unit, results)):
            n = dict(r)
            n.update(id=ids[k], code=code, lines=lines, augmented_from=r["id"],
                     twin=(ids[1 - k] if len(unit) == 2 else None),
                     notes=moved_source_note(r["notes"], r["lines"], lines) + "; augmented: " + ",".join(done))
            out.append(n)
    with open(os.path.join(DATA, "train.augmented.jsonl"), "w", encoding="utf-8") as fh:
        for r in out:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(out)} augmented train examples ({rejected} units rejected by the checks)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
