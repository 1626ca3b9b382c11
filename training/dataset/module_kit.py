"""Assembly helpers for whole-module scenario families (`train_modules_*.py`): a module from
top-level blocks, its twin by exact replacements, optional blocks in a drawn order, and the
resource word of the web modules."""
from core import Spec, dedent, shell


def _mod(*parts):
    """Top-level blocks (each dedented on its own) joined with two blank lines."""
    return "\n\n\n".join(dedent(p).rstrip() for p in parts if p and p.strip()) + "\n"


def _clean(s):
    return s.replace("  #@V", "").replace("  #@S", "")


def _twin(v, *pairs):
    s = v
    for old, new in pairs:
        assert old in s, old
        s = s.replace(old, new)
    return _clean(s)


def _shuffled(c, *blocks):
    out = [b for b in blocks if b]
    c.rng.shuffle(out)
    return out


def _word(c):
    # keep clear of the held-out profile IDOR family: no "profile" resources in these modules
    return "note" if c.word == "profile" else c.word


def _w(c):
    w = _word(c)
    return w, w.capitalize()


def _v(safe):
    """The vulnerable-line marker, or nothing in the safe twin."""
    return "" if safe else "  #@V"


def _joined(*parts):
    """Top-level blocks (each dedented, leading and trailing blank lines dropped) joined with two blank lines."""
    return "\n\n\n".join(dedent(p).strip("\n") for p in parts if p and p.strip()) + "\n"


def _replayed(c, build):
    """The vulnerable and the safe module from one builder, `build(c, safe)`, replaying the draws for the twin
    so the two differ only where `safe` changes them."""
    state = c.snapshot()
    v = build(c, False)
    c.restore(state)
    s = build(c, True)
    return v, s


def sub(_tmpl, **kw):
    """Dedent ``_tmpl`` and replace ``$name`` tokens, longest names first."""
    out = dedent(_tmpl)
    for k in sorted(kw, key=len, reverse=True):
        out = out.replace("$" + k, str(kw[k]))
    return out.strip("\n") + "\n"


def sub_nested(_tmpl, **kw):
    """``sub`` in two passes, so a value may itself hold ``$name`` tokens (blocks built from templates)."""
    out = dedent(_tmpl)
    keys = sorted(kw, key=len, reverse=True)
    for _ in range(2):
        for k in keys:
            out = out.replace("$" + k, str(kw[k]))
    return out.strip("\n") + "\n"


def _opt(c, *blocks, least=1, most=None):
    """A random subset (``least`` to ``most``) of optional top-level blocks, in a random order, so the
    renderings of a family differ in their set of functions, not only in names."""
    bs = [dedent(b).strip("\n") for b in blocks if b]
    k = c.rng.randint(least, most or len(bs))
    return "\n\n\n".join(c.rng.sample(bs, k))


def shell_pair(c, v, s, hv, hs, imports="", vimports="", simports="", notes="", ret="result", raw=False):
    """Both modules through the framework shell, with different module-level helpers (``hv``/``hs``),
    for weaknesses that sit at module level (a client, a constant, a sink setting). The shell's random
    draws (route, handler names) are replayed for the twin, so the pair differs only in the fix."""
    c.n("handler"), c.n("result")  # draw the cached names first, so both shells make the same draws
    st = c.rng.getstate()
    vm = shell(c, v, Spec(helpers=hv, ret=ret, raw=raw), imports + "\n" + vimports)
    c.rng.setstate(st)
    sm = shell(c, s, Spec(helpers=hs, ret=ret, raw=raw), imports + "\n" + simports)
    return Spec(v=vm, s=sm, full=True, notes=notes)


def _append(s, block):
    """``s`` with one more top-level block after two blank lines."""
    return s.rstrip("\n") + "\n\n\n" + dedent(block).strip("\n") + "\n"


def _ind(block, n=4):
    """``block`` indented by ``n`` spaces, blank lines left empty."""
    return "\n".join((" " * n + l) if l.strip() else "" for l in block.strip("\n").split("\n"))
