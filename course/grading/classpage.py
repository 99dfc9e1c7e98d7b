"""The class page: one self-contained HTML file per assignment (``<out>/<hw>-class.html``).

What an instructor looks at after ``course grade``: the score distribution,
which functions and checks most students fail and with which named slip
("This looks like: ..."), the students below a threshold, and how the runs
were confined (the ``isolation`` each verdict stored). Every number comes
from the records the CSV is written from (the store's current verdicts, with
the gradebook's manual scores applied), so the page and the CSV agree.

The page needs no network: the CSS is inline and the histogram is an inline
SVG drawn by matplotlib (text as paths, no web fonts). Every string that a
student controls (ids, file names, failure messages) is escaped.
"""
from __future__ import annotations

import html
import io
import re
from collections import Counter, defaultdict
from datetime import datetime, timezone

from autograder import catalog
from autograder.report import clean_text


#: students whose score is below this fraction of the maximum are listed for attention
DEFAULT_THRESHOLD = 0.6

_SLIP = re.compile(r"This looks like:?\s*(.+?)\.?\s*$", re.MULTILINE)


def function_points(rec):
    from .exports import function_points as fp

    return fp(rec)


def e(value) -> str:
    """A student-controlled (or any) string, safe in HTML text and attributes."""
    return html.escape(clean_text(value), quote=True)


def slips_of(message: str) -> list[str]:
    """The named slips in a failure message (``This looks like: <slip>.``)."""
    return [m.strip() for m in _SLIP.findall(clean_text(message or "")) if m.strip()]


def fmt(x) -> str:
    return f"{x:g}"


# ------------------------------------------------------------------ figures
def class_stats(records, assignment, threshold=DEFAULT_THRESHOLD):
    """Everything the page shows, as plain data (tests compare it with the CSV)."""
    fns = list(catalog.get(assignment).functions)
    graded = [r for r in records if r["status"] == "graded"]
    fn_fail = {f: 0 for f in fns}
    checks = {}                      # id -> {function, case, hidden, failed, ran, slips}
    slips = Counter()
    slip_students = defaultdict(set)
    for r in graded:
        pts = function_points(r)
        for f in fns:
            p, m = pts.get(f, (0.0, 0.0))
            if m and p < m - 1e-9:
                fn_fail[f] += 1
        for t in r["report"]["tests"]:
            if t["status"] == "not run":
                continue
            c = checks.setdefault(t["id"], {"id": t["id"], "function": t["function"], "case": t["case"],
                                            "hidden": bool(t.get("hidden")), "failed": 0, "ran": 0,
                                            "slips": Counter()})
            c["ran"] += 1
            if not t["passed"]:
                c["failed"] += 1
                for s in slips_of(t.get("message", "")):
                    c["slips"][s] += 1
                    slips[s] += 1
                    slip_students[s].add(r["student"])
    scores = [r["score"] for r in records]
    maxima = [r["max_score"] for r in records]
    top = max(maxima, default=catalog.get(assignment).points) or catalog.get(assignment).points
    below = [r for r in records if r["score"] < threshold * (r["max_score"] or top) - 1e-9]
    isolation = Counter(r["report"].get("isolation") or "(not run: nothing was executed)" for r in records)
    n = len(scores)
    srt = sorted(scores)
    median = (srt[n // 2] if n % 2 else (srt[n // 2 - 1] + srt[n // 2]) / 2) if n else 0.0
    return {
        "assignment": assignment, "n": n, "graded": len(graded), "max": top,
        "mean": round(sum(scores) / n, 6) if n else 0.0, "median": median,
        "statuses": Counter(r["status"] for r in records),
        "functions": [{"function": f, "failed": fn_fail[f], "of": len(graded)} for f in fns],
        "checks": sorted(checks.values(), key=lambda c: (-c["failed"], c["id"])),
        "slips": [(s, k, sorted(slip_students[s])) for s, k in slips.most_common()],
        "below": sorted(below, key=lambda r: (r["score"], r["student"])),
        "threshold": threshold,
        "isolation": isolation.most_common(),
    }


def histogram_svg(scores, maximum) -> str:
    """The score histogram as an inline SVG (matplotlib, text drawn as paths)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "class-page"}):
        fig, ax = plt.subplots(figsize=(6.4, 2.8), dpi=100)
        try:
            top = max(float(maximum), max(scores, default=0.0), 1.0)
            bins = min(20, max(5, int(top) if top <= 20 else 20))
            ax.hist(scores, bins=bins, range=(0, top), color="#4c72b0", edgecolor="white")
            ax.set_xlabel("score (points)")
            ax.set_ylabel("students")
            ax.set_xlim(0, top)
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.set_title(f"score distribution ({len(scores)} students, max {top:g})")
            fig.tight_layout()
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata={"Date": None})
        finally:
            plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]      # no XML prolog / doctype inside the HTML


# ------------------------------------------------------------------ page
CSS = """
body { font-family: sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } .sub { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.7em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.below td { background: #fff1f0; }
.bar { display: inline-block; height: 0.8em; background: #d9534f; vertical-align: middle; }
.hidden-tag { font-size: 0.8em; color: #8a6d3b; } code { overflow-wrap: anywhere; }
.stats span { margin-right: 2em; } figure { margin: 0; } svg { max-width: 100%; height: auto; }
mark { background: #fff3a0; } table.side td { width: 50%; } pre.code { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.85em;
  background: #fafafa; border: 1px solid #ddd; padding: 0.5em; max-height: 30em; overflow: auto; }
"""


def _bar(frac):
    return f'<span class="bar" style="width:{max(0.0, min(1.0, frac)) * 8:.2f}em"></span>'


def _pct(k, n):
    return f"{100.0 * k / n:.0f}%" if n else "-"


def render_class_page(records, assignment, threshold=DEFAULT_THRESHOLD, similarity_html="",
                      generated_at=None) -> str:
    st = class_stats(records, assignment, threshold)
    fns = [f["function"] for f in st["functions"]]
    when = generated_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="UTF-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
           'style-src \'unsafe-inline\'; img-src data:">',
           f"<title>{e(assignment)}: class report</title><style>{CSS}</style></head><body>",
           f"<h1>{e(assignment)}: class report</h1>",
           f'<p class="sub">{st["n"]} students, {st["graded"]} graded; generated {e(when)} '
           "from the results store (the same verdicts and scores as the CSV).</p>",
           '<p class="stats" id="stats">'
           f'<span>mean <b data-stat="mean">{st["mean"]:.2f}</b></span>'
           f'<span>median <b data-stat="median">{fmt(st["median"])}</b></span>'
           f'<span>max possible <b data-stat="max">{fmt(st["max"])}</b></span>'
           + "".join(f'<span>{e(s)} <b data-status="{e(s)}">{k}</b></span>'
                     for s, k in sorted(st["statuses"].items()))
           + (f'<span>late <b data-stat="late">{sum(1 for r in records if (r.get("late") or {}).get("is_late"))}'
              "</b></span>" if any(r.get("late") for r in records) else "") + "</p>",
           "<h2>Score distribution</h2>",
           f'<figure id="histogram">{histogram_svg([r["score"] for r in records], st["max"])}</figure>']

    out.append(f'<h2 id="attention">Students below {threshold * 100:g}% of the maximum '
               f'({len(st["below"])})</h2>')
    if st["below"]:
        out.append("<ul>" + "".join(
            f'<li><a href="#student-{e(r["student"])}">{e(r["student"])}</a>: '
            f'{fmt(r["score"])} / {fmt(r["max_score"])} ({e(r["status"])})</li>' for r in st["below"]) + "</ul>")
    else:
        out.append("<p>None.</p>")

    out.append('<h2>Per function</h2><p>Share of the graded submissions that lost points on the function.</p>'
               '<table id="functions"><tr><th>function</th><th class="num">lost points</th>'
               '<th class="num">rate</th><th></th></tr>')
    for f in st["functions"]:
        frac = f["failed"] / f["of"] if f["of"] else 0.0
        out.append(f'<tr><td><code>{e(f["function"])}</code></td><td class="num">{f["failed"]} / {f["of"]}</td>'
                   f'<td class="num">{_pct(f["failed"], f["of"])}</td><td>{_bar(frac)}</td></tr>')
    out.append("</table>")

    out.append("<h2>Most frequent named slips</h2>")
    if st["slips"]:
        out.append('<table id="slips"><tr><th>slip (“This looks like ...”)</th><th class="num">failed checks'
                   "</th><th>students</th></tr>")
        for s, k, who in st["slips"][:15]:
            out.append(f'<tr><td>{e(s)}</td><td class="num">{k}</td><td>{e(", ".join(who))}</td></tr>')
        out.append("</table>")
    else:
        out.append("<p>No failure matched a known slip.</p>")

    out.append('<h2>Per check</h2><p>Checks most often failed first; hidden checks are marked.</p>'
               '<table id="checks"><tr><th>check</th><th class="num">failed</th><th class="num">rate</th>'
               "<th>most frequent slip</th></tr>")
    for c in st["checks"]:
        tag = ' <span class="hidden-tag">hidden</span>' if c["hidden"] else ""
        slip = c["slips"].most_common(1)[0][0] if c["slips"] else ""
        out.append(f'<tr><td><code>{e(c["function"])} :: {e(c["case"])}</code>{tag}</td>'
                   f'<td class="num">{c["failed"]} / {c["ran"]}</td><td class="num">{_pct(c["failed"], c["ran"])}'
                   f"</td><td>{e(slip)}</td></tr>")
    out.append("</table>")

    out.append('<h2>Students</h2><table id="students"><tr><th>student</th><th>status</th>'
               '<th class="num">score</th><th class="num">max</th>'
               + "".join(f'<th class="num"><code>{e(f)}</code></th>' for f in fns)
               + "<th>late</th><th>score source</th></tr>")
    below = {r["student"] for r in st["below"]}
    for r in records:
        pts = function_points(r)
        cls = ' class="below"' if r["student"] in below else ""
        late = r.get("late")
        late_txt = "" if not late else e(late.get("label", "late"))
        out.append(f'<tr{cls} id="student-{e(r["student"])}" data-student="{e(r["student"])}">'
                   f'<td>{e(r["student"])}</td><td>{e(r["status"])}</td>'
                   f'<td class="num" data-col="score">{fmt(r["score"])}</td>'
                   f'<td class="num" data-col="max_score">{fmt(r["max_score"])}</td>'
                   + "".join(f'<td class="num" data-col="{e(f)}">{fmt(pts[f][0]) if f in pts else ""}</td>'
                             for f in fns)
                   + f'<td>{late_txt}</td><td>{e(r.get("score_source", "autograder"))}</td></tr>')
    out.append("</table>")

    out.append('<h2>Confinement of the runs</h2><p>The sandbox each verdict was graded under.</p>'
               '<table id="isolation"><tr><th>confinement</th><th class="num">verdicts</th></tr>')
    for iso, k in st["isolation"]:
        out.append(f'<tr><td><code>{e(iso)}</code></td><td class="num">{k}</td></tr>')
    out.append("</table>")
    if similarity_html:
        out.append(similarity_html)
    out.append("</body></html>\n")
    return "\n".join(out)


def export_class_page(records, path, assignment, threshold=DEFAULT_THRESHOLD, similarity_html=""):
    from .exports import write_atomic

    return write_atomic(path, render_class_page(records, assignment, threshold, similarity_html))
