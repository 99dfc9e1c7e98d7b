"""Showing a :class:`~autograder.runner.Report`: a rich table, JSON, JUnit XML."""
from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from rich.console import Console
from rich.table import Table
from rich.text import Text

STYLE = {"passed": "green", "not run": "dim", "failed": "red", "not attempted": "yellow",
         "missing": "yellow", "grader error": "magenta"}


def to_json(report) -> str:
    return json.dumps(report.to_json(), allow_nan=True)


def print_report(report, console: Console | None = None, verbose=False):
    console = console or Console()
    table = Table(title=f"{report.assignment}: {report.submission}", show_lines=False,
                  title_justify="left")
    table.add_column("check")
    table.add_column("result")
    table.add_column("points", justify="right")
    for r in report.results:
        style = STYLE.get(r.status, "red")
        label = "PASS" if r.passed else r.status.upper()
        table.add_row(f"{r.function} :: {r.case}", Text(label, style=style),
                      "-" if r.status == "not run" else f"{r.points:g}/{r.max_points:g}")
    console.print(table)
    for note in report.notes:
        console.print(Text(f"note: {note}", style="yellow"), soft_wrap=True)
    failures = [r for r in report.ran if not r.passed]
    shown = {}
    for r in failures:  # one block per (function, message): a missing function is said once
        shown.setdefault((r.function, r.message), []).append(r)
    for (fn, message), group in shown.items():
        r = group[0]
        console.print(Text(f"\n✗ {r.id}", style="bold red"), soft_wrap=True)
        if r.call:
            console.print(Text(f"  inputs: {r.call}", style="dim"), soft_wrap=True)
        console.print(Text("  " + message.replace("\n", "\n  ")), soft_wrap=True)
        if len(group) > 1:
            others = ", ".join(g.case for g in group[1:])
            console.print(Text(f"  (the same for {len(group) - 1} more: {others})", style="dim"),
                          soft_wrap=True)
    if report.output.strip() and (verbose or failures):
        console.print(Text("\nWhat your code printed (first part):", style="dim"))
        console.print(Text(report.output[:2000], style="dim"), soft_wrap=True)
    hidden = len(report.not_run)
    summary = f"\nScore: {report.score:g} / {report.max_score:g}"
    if report.all_passed:
        summary += "  - public checks passed" if hidden else "  - all checks passed"
    if hidden:
        summary += f" ({hidden} hidden checks run at grading time)"
    console.print(Text(summary, style="bold green" if report.all_passed else "bold"), soft_wrap=True)
    conf = getattr(report, "confinement", None) or {}
    if conf and (not conf.get("namespaces") or not conf.get("meets_floor", True)):
        console.print(Text(f"Note: on this machine your code ran with a weaker sandbox than on the "
                           f"course's grader ({conf.get('label', '')}); the checks and scores are "
                           "the same.", style="dim"), soft_wrap=True)
    if failures:
        console.print(Text("Next: fix the first failing function, then run the same command "
                           "again (add -k NAME to run only its checks).", style="dim"), soft_wrap=True)


def to_junit(reports) -> str:
    suites = ET.Element("testsuites")
    for rep in reports:
        ran = rep.ran
        s = ET.SubElement(suites, "testsuite", name=f"{rep.assignment}:{rep.submission}",
                          tests=str(len(ran)), failures=str(sum(1 for r in ran if not r.passed)),
                          skipped=str(len(rep.not_run)), time=f"{rep.seconds:.3f}")
        for r in rep.results:
            tc = ET.SubElement(s, "testcase", classname=f"{rep.assignment}.{r.function}",
                               name=r.case, time=f"{r.duration:.3f}")
            ET.SubElement(tc, "properties")
            tc[0].append(ET.Element("property", name="points", value=f"{r.points:g}/{r.max_points:g}"))
            if r.status == "not run":
                ET.SubElement(tc, "skipped", message="hidden check: runs at grading time")
            elif not r.passed:
                f = ET.SubElement(tc, "failure", message=r.status)
                f.text = r.message
    return ET.tostring(suites, encoding="unicode")
