"""Showing a :class:`~autograder.runner.Report`: a rich table, JSON, JUnit XML.

Also the two rules every export follows (``course check``'s files, the
check cells, ``course grade``'s feedback, JUnit and Gradescope files):

- :func:`redact`: what a hidden check may tell a student (the kind of
  failure and the hint; no inputs, no expected values);
- :func:`clean_text`: text from a student's code (printed output, exception
  messages) with terminal escapes and control characters taken out, so it
  can be put in any format and escaped there.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .status import Status

if TYPE_CHECKING:
    from .runner import Report

STYLE = {Status.PASSED: "green", Status.NOT_RUN: "dim", Status.FAILED: "red", Status.NOT_ATTEMPTED: "yellow",
         Status.MISSING: "yellow", Status.GRADER_ERROR: "magenta", Status.SETUP_ERROR: "magenta"}


_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\\\)?|[@-Z\\\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: object) -> str:
    """``text`` without terminal escapes and control characters (newlines and tabs kept);
    safe in XML 1.0, JSON, Markdown code blocks and HTML once escaped there."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("\ufffd", _ANSI.sub("", text))


#: where a failure message's first line starts to give values away
_VALUE_START = re.compile(r":|\bexpected\b|\bwhere the reference\b|\bthe reference is\b|\breference value")


def redact(message: str) -> str:
    """What a hidden check may say: the kind of failure, the hint and the student's own
    code frames; no inputs, no expected values. (The single redaction used by every
    path and export.)"""
    keep, frames = [], False
    for i, line in enumerate(str(message).splitlines()):
        s = line.strip()
        if frames:                       # the student's own frames: their source lines, no values
            keep.append(line)
            continue
        if i == 0:
            head, _, advice = s.partition("Next:")
            head = head.split(";")[0].rstrip()
            m = _VALUE_START.search(head)
            if m:
                head = head[:m.start()].rstrip(" ,") + " (values of hidden checks are not shown)."
            if advice:
                head = (head.rstrip(" .") + ". " if head else "") + "Next:" + advice
            keep.append(head)
        elif s == "Your code, innermost call last:":
            keep.append(s)
            frames = True
        elif s.startswith(("This looks like", "Next:")) or "did not return" in s:
            keep.append(s)
        elif s.startswith("Your ") and not re.search(r"\d", s):
            keep.append(s)
    return "\n".join(keep)


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def to_json(report: Report) -> str:
    return json.dumps(report.to_json(), allow_nan=True)


def print_report(report: Report, console: Console | None = None, verbose: bool = False,
                 next_step: str | None = None) -> None:
    """The report as ``course check`` prints it. ``next_step``: the advice after a
    failure (default: rerun ``course check``), e.g. for a feedback file."""
    console = console or Console()
    table = Table(title=Text(f"{report.assignment}: {report.submission}", style="bold"), show_lines=False,
                  title_justify="left")
    table.add_column("check")
    table.add_column("result")
    table.add_column("points", justify="right")
    for r in report.results:
        style = STYLE.get(r.status, "red")
        label = "PASS" if r.passed else r.status.value.upper()
        if r.status is Status.NOT_RUN and r.hidden:
            label = "NOT RUN (hidden)"
        hidden_mark = " (hidden)" if r.hidden and r.status is not Status.NOT_RUN else ""
        table.add_row(Text(f"{r.function} :: {r.case}{hidden_mark}"), Text(label, style=style),
                      "-" if r.status is Status.NOT_RUN else f"{r.points:g}/{r.max_points:g}")
    console.print(table)
    for note in report.notes:
        console.print(Text(f"note: {clean_text(note)}", style="yellow"), soft_wrap=True)
    failures = [r for r in report.ran if not r.passed]
    shown = {}
    for r in failures:  # one block per (function, message): a missing function is said once
        shown.setdefault((r.function, r.message), []).append(r)
    for (fn, message), group in shown.items():
        r = group[0]
        console.print(Text(f"\n✗ {r.id}", style="bold red"), soft_wrap=True)
        if r.call and not r.hidden:
            console.print(Text(f"  inputs: {r.call}", style="dim"), soft_wrap=True)
        console.print(Text("  " + clean_text(message).replace("\n", "\n  ")), soft_wrap=True)
        if len(group) > 1:
            others = ", ".join(g.case for g in group[1:])
            console.print(Text(f"  (the same for {len(group) - 1} more: {others})", style="dim"),
                          soft_wrap=True)
    if report.output.strip() and (verbose or failures):
        console.print(Text("\nWhat your code printed (first part, each line marked │):", style="dim"))
        shown = clean_text(report.output[:2000]).rstrip("\n").split("\n")
        console.print(Text("\n".join("  │ " + ln for ln in shown), style="dim"), soft_wrap=True)
    hidden = len(report.not_run)
    summary = f"\nScore: {report.score:g} / {report.max_score:g}"
    if report.all_passed:
        summary += "  - public checks passed" if hidden else "  - all checks passed"
    if hidden:
        summary += f" ({plural(hidden, 'hidden check')} run at grading time)"
    console.print(Text(summary, style="bold green" if report.all_passed else "bold"), soft_wrap=True)
    conf = getattr(report, "confinement", None) or {}
    if conf and (not conf.get("namespaces") or not conf.get("meets_floor", True)):
        console.print(Text(f"Note: on this machine your code ran with a weaker sandbox than on the "
                           f"course's grader ({conf.get('label', '')}); the checks and scores are "
                           "the same.", style="dim"), soft_wrap=True)
    if failures:
        console.print(Text(next_step or "Next: fix the first failing function, then run the same command "
                           "again (add -k NAME to run only its checks).", style="dim"), soft_wrap=True)


def to_junit(reports: Sequence[Report], properties: Sequence[Mapping[str, object] | None] | None = None) -> str:
    """JUnit XML, one suite per report; every text from a student's code is
    cleaned (XML 1.0 has no control characters) and escaped by ElementTree.
    ``properties``: per report, extra suite properties (name -> value)."""
    suites = ET.Element("testsuites")
    for i, rep in enumerate(reports):
        ran = rep.ran
        s = ET.SubElement(suites, "testsuite", name=clean_text(f"{rep.assignment}:{rep.submission}"),
                          tests=str(len(ran)), failures=str(sum(1 for r in ran if not r.passed)),
                          skipped=str(len(rep.not_run)), time=f"{rep.seconds:.3f}")
        if properties and properties[i]:
            props = ET.SubElement(s, "properties")
            for k, v in properties[i].items():
                ET.SubElement(props, "property", name=str(k), value=clean_text(v))
        for r in rep.results:
            tc = ET.SubElement(s, "testcase", classname=f"{rep.assignment}.{r.function}",
                               name=r.case, time=f"{r.duration:.3f}")
            ET.SubElement(tc, "properties")
            tc[0].append(ET.Element("property", name="points", value=f"{r.points:g}/{r.max_points:g}"))
            if r.status is Status.NOT_RUN:
                ET.SubElement(tc, "skipped", message="hidden check: runs at grading time")
            elif not r.passed:
                f = ET.SubElement(tc, "failure", message=r.status.value)
                f.text = clean_text(r.message)
    return ET.tostring(suites, encoding="unicode")
