"""Normalized token sequences for duplicate detection (stdlib only).

Identifiers become ID, string literals STR, numbers NUM; keywords, operators and
well-known call names stay, so two examples that differ only in naming are equal.
"""
from __future__ import annotations

import hashlib
import io
import keyword
import tokenize
import builtins

_BUILTINS = set(dir(builtins))

SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
        tokenize.ENCODING, tokenize.ENDMARKER}


def norm_tokens(code: str) -> list[str]:
    out: list[str] = []
    try:
        for t in tokenize.generate_tokens(io.StringIO(code).readline):
            if t.type in SKIP:
                continue
            if t.type == tokenize.NAME:
                # keep keywords, builtins and attribute names (the API being used);
                # local names become ID so renaming does not hide a duplicate
                keep = keyword.iskeyword(t.string) or t.string in _BUILTINS or (out and out[-1] == ".")
                out.append(t.string if keep else "ID")
            elif t.type == tokenize.STRING or t.type in _FSTRING:
                if out and out[-1] == "STR":
                    continue
                out.append("STR")
            elif t.type == tokenize.NUMBER:
                out.append("NUM")
            else:
                out.append(t.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        out = code.split()
    return out


_FSTRING = {getattr(tokenize, n) for n in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokenize, n)}


def exact_key(code: str) -> str:
    """Hash of the raw code with whitespace collapsed (exact duplicates)."""
    return hashlib.sha1(" ".join(code.split()).encode()).hexdigest()


def shingles(toks: list[str], k: int = 5) -> set:
    return {hash(tuple(toks[i:i + k])) for i in range(max(1, len(toks) - k + 1))}
