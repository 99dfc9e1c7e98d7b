"""Similarity across a class: winnowed fingerprints of normalised Python tokens.

The code a student wrote (a notebook's solution cells, as nbgrader marks
them, or every code cell of a notebook without that mark; a ``.py`` file
whole) is tokenised with the standard library's :mod:`tokenize`. Comments,
blank lines and docstrings are dropped; every identifier that is not a
keyword becomes ``V``, numbers ``N`` and strings ``S``, so renaming
variables, reformatting or re-commenting changes nothing. Hashes of every
``K`` consecutive tokens are winnowed (the minimum hash of each window of
``W``; Schleimer, Wilkerson and Aiken, SIGMOD 2003), which guarantees that
any shared run of at least ``W + K - 1`` tokens is detected.

Fingerprints held by more than ``max_share`` of the class (the released
template, the obvious way to write a one-liner) are ignored, once the class
has at least ``MIN_CLASS_FOR_SHARE`` submissions. A pair's score is the
share of the smaller submission's fingerprints that the other one holds;
pairs at or above the threshold are listed with their shared lines marked.
A similarity is a reason to look, never a verdict.
"""
from __future__ import annotations

import hashlib
import html
import io
import json
import keyword
import token
import tokenize
from dataclasses import dataclass, field

from autograder.report import clean_text

K = 12                     # tokens per k-gram
W = 6                      # winnowing window
DEFAULT_THRESHOLD = 0.7
MIN_CLASS_FOR_SHARE = 5
MAX_SHARE = 0.5


@dataclass
class Code:
    student: str
    text: str                                   # the student's code, cells joined
    prints: dict = field(default_factory=dict)  # fingerprint -> set of line numbers (1-based, in text)


def student_code(data: bytes, filename: str) -> str:
    """The code a student wrote, from a submission file's bytes ("" when unreadable)."""
    text = data.decode("utf-8", errors="replace")
    if not filename.endswith(".ipynb"):
        return text
    try:
        nb = json.loads(text)
        cells = [c for c in nb.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"]
    except (ValueError, AttributeError, RecursionError):
        return ""

    def src(c):
        s = c.get("source", "")
        return "".join(s) if isinstance(s, list) else str(s)

    marked = [c for c in cells if isinstance(c.get("metadata"), dict)
              and isinstance(c["metadata"].get("nbgrader"), dict) and c["metadata"]["nbgrader"].get("solution")]
    return "\n\n".join(src(c) for c in (marked or cells))


def tokens(text: str):
    """[(normalised token, line)] of ``text``; a syntax error ends the list there."""
    out = []
    prev = token.NEWLINE
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            kind = tok.type
            if kind in (token.COMMENT, token.NL, token.ENCODING, token.ENDMARKER):
                continue
            if kind == token.STRING and prev in (token.NEWLINE, token.INDENT, token.DEDENT):
                prev = kind       # a docstring or bare string statement
                continue
            if kind == token.NAME:
                word = tok.string if keyword.iskeyword(tok.string) else "V"
            elif kind == token.NUMBER:
                word = "N"
            elif kind == token.STRING or kind == getattr(token, "FSTRING_START", -1):
                word = "S"
            elif kind in (token.NEWLINE, token.INDENT, token.DEDENT):
                word = {token.NEWLINE: ";", token.INDENT: "{", token.DEDENT: "}"}[kind]
            else:
                word = tok.string
            out.append((word, tok.start[0]))
            prev = kind
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


def _h(gram) -> int:
    return int.from_bytes(hashlib.blake2b("\x1f".join(gram).encode(), digest_size=8).digest(), "big")


def fingerprints(text: str, k=K, w=W) -> dict:
    """{hash: set of lines} chosen by winnowing the k-grams of ``text``'s tokens."""
    toks = tokens(text)
    grams = [(_h([t for t, _ in toks[i:i + k]]), toks[i][1], toks[i + k - 1][1]) for i in range(len(toks) - k + 1)]
    out = {}
    if not grams:
        return out
    last = -1
    for start in range(max(1, len(grams) - w + 1)):
        window = grams[start:start + w]
        j = min(range(len(window)), key=lambda i: (window[i][0], -i))   # rightmost minimum
        if start + j != last:
            last = start + j
            h, a, b = grams[last]
            out.setdefault(h, set()).update(range(a, b + 1))
    return out


def compare(codes, threshold=DEFAULT_THRESHOLD, max_share=MAX_SHARE):
    """Pairs ``(score, a, b, shared hashes)`` at or above ``threshold``, best first."""
    codes = [c for c in codes if c.prints]
    holders = {}
    for c in codes:
        for h in c.prints:
            holders.setdefault(h, []).append(c)
    common = set()
    if len(codes) >= MIN_CLASS_FOR_SHARE:
        common = {h for h, who in holders.items() if len(who) > max_share * len(codes)}
    pairs = {}
    for h, who in holders.items():
        if h in common or len(who) < 2:
            continue
        for i in range(len(who)):
            for j in range(i + 1, len(who)):
                pairs.setdefault((who[i].student, who[j].student), set()).add(h)
    by = {c.student: c for c in codes}
    out = []
    for (a, b), shared in pairs.items():
        size = min(len(set(by[a].prints) - common), len(set(by[b].prints) - common))
        score = len(shared) / size if size else 0.0
        if score >= threshold:
            out.append((round(score, 4), a, b, shared))
    return sorted(out, key=lambda p: (-p[0], p[1], p[2]))


def _marked(code: Code, shared) -> str:
    lines = set()
    for h in shared:
        lines |= code.prints.get(h, set())
    rows = []
    for n, line in enumerate(code.text.splitlines()[:400], start=1):
        esc = html.escape(clean_text(line))
        rows.append(f"<mark>{esc}</mark>" if n in lines else esc)
    return "\n".join(rows)


def render(codes, pairs, threshold) -> str:
    """The class page's section (every student string escaped)."""
    e = lambda v: html.escape(clean_text(v), quote=True)  # noqa: E731
    by = {c.student: c for c in codes}
    out = [f'<h2 id="similarity">Similar submissions ({len(pairs)} pair{"s" * (len(pairs) != 1)} at or above '
           f"{threshold * 100:g}%)</h2>",
           f"<p>Winnowed fingerprints of the student-written code ({len(codes)} submissions; names, numbers, "
           "strings, comments and layout normalised away). The score is the share of the smaller "
           "submission's fingerprints that the other holds. A reason to look, never a verdict.</p>"]
    if not pairs:
        out.append("<p>No pair above the threshold.</p>")
        return "\n".join(out)
    out.append('<table id="similar-pairs"><tr><th>student</th><th>student</th><th class="num">similarity</th>'
               '<th class="num">shared fingerprints</th></tr>')
    for score, a, b, shared in pairs[:50]:
        out.append(f'<tr><td>{e(a)}</td><td>{e(b)}</td><td class="num">{score * 100:.0f}%</td>'
                   f'<td class="num">{len(shared)}</td></tr>')
    out.append("</table>")
    for score, a, b, shared in pairs[:20]:
        out.append(f"<details><summary>{e(a)} and {e(b)}: {score * 100:.0f}%, shared lines marked</summary>"
                   '<table class="side"><tr>'
                   f'<td><b>{e(a)}</b><pre class="code">{_marked(by[a], shared)}</pre></td>'
                   f'<td><b>{e(b)}</b><pre class="code">{_marked(by[b], shared)}</pre></td></tr></table></details>')
    return "\n".join(out)


def class_similarity(files, threshold=DEFAULT_THRESHOLD):
    """``files``: [(student, filename, bytes)] -> (pairs, html section)."""
    codes = []
    for student, name, data in files:
        text = student_code(data, name)
        codes.append(Code(student, text, fingerprints(text)))
    pairs = compare(codes, threshold)
    return pairs, render(codes, pairs, threshold)
