"""Building the nbgrader source notebook ``assignments/hwN/hwN.ipynb``.

The notebook is generated, never edited by hand: its prose comes from
``assignments/hwN/hwN.md`` and every line of solution code from
``solutions/hwN.py`` (the single source of truth), so the two cannot drift.
The builder is an ordered list of small passes over the template:

1. ``parse_template``: markdown text and directives -> cell specs;
2. ``render``: each spec -> an nbformat cell (solution cells are cut out of
   the reference module with ``ast``);
3. ``write``: the notebook, with stable cell ids (a rebuild is byte-identical).

Directives (HTML comments alone on a line): ``<!-- imports -->``,
``<!-- helpers -->``, ``<!-- solution: fn -->``, ``<!-- checks: fn -->``,
``<!-- cell -->``. A fenced python block is an experiment cell, tagged
``course:skip`` so the grader does not run it.
"""
from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import click

import nbformat

from autograder import catalog
from autograder.notebook import EXPERIMENT_MARK

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = ROOT / "assignments"
SOLUTIONS = ROOT / "solutions"
DIRECTIVE = re.compile(r"^<!--\s*(imports|helpers|solution|checks|cell)\s*(?::\s*([\w, ]+))?\s*-->\s*$")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HELPERS_HEAD = ("# Helpers (optional): functions that several of your answers share. Write them\n"
                "# here, or leave this cell as it is: it runs either way.")


class TemplateError(Exception):
    pass


def template_path(hw) -> Path:
    return ASSIGNMENTS / hw / f"{hw}.md"


def notebook_path(hw) -> Path:
    return ASSIGNMENTS / hw / f"{hw}.ipynb"


# ------------------------------------------------------------------ pass 1
def parse_template(text: str):
    specs, md, code, in_code = [], [], [], False

    def flush_md():
        body = "\n".join(md).strip("\n")
        if body.strip():
            specs.append(("markdown", body))
        md.clear()

    for line in text.splitlines():
        if in_code:
            if line.strip() == "```":
                specs.append(("experiment", "\n".join(code)))
                code.clear()
                in_code = False
            else:
                code.append(line)
            continue
        if line.strip() in ("```python", "```py"):
            flush_md()
            in_code = True
            continue
        m = DIRECTIVE.match(line.strip())
        if m:
            flush_md()
            kind, arg = m.group(1), (m.group(2) or "").strip()
            if kind in ("solution", "checks") and not arg:
                raise TemplateError(f"`<!-- {kind}: ... -->` needs a function name")
            if kind != "cell":
                specs.append((kind, arg))
            continue
        md.append(line)
    if in_code:
        raise TemplateError("a ```python block is not closed")
    flush_md()
    return specs


# ------------------------------------------------------------------ pass 2
class Reference:
    """Source pieces of ``solutions/hwN.py``."""

    def __init__(self, hw, graded):
        self.path = SOLUTIONS / f"{hw}.py"
        self.text = self.path.read_text()
        self.lines = self.text.splitlines()
        self.tree = ast.parse(self.text)
        self.graded = set(graded)

    def _segment(self, node):
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        return "\n".join(self.lines[start - 1:node.end_lineno])

    def imports(self):
        return "\n".join(self._segment(n) for n in self.tree.body
                         if isinstance(n, (ast.Import, ast.ImportFrom)))

    def helpers(self):
        parts = []
        for i, n in enumerate(self.tree.body):
            if isinstance(n, (ast.Import, ast.ImportFrom)):
                continue
            if i == 0 and isinstance(n, ast.Expr) and isinstance(getattr(n, "value", None), ast.Constant):
                continue  # module docstring
            if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in self.graded:
                continue
            parts.append(self._segment(n))
        return "\n\n\n".join(parts)

    def function(self, name):
        for n in self.tree.body:
            if isinstance(n, ast.FunctionDef) and n.name == name:
                break
        else:
            raise TemplateError(f"solutions: no function {name!r} in {self.path.name}")
        body = n.body
        has_doc = isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str)
        if not has_doc or len(body) < 2:
            raise TemplateError(f"solutions: {name} needs a docstring and a body")
        start = min([n.lineno] + [d.lineno for d in n.decorator_list])
        head = self.lines[start - 1:body[0].end_lineno]
        rest = self.lines[body[0].end_lineno:n.end_lineno]
        while rest and not rest[0].strip():
            rest.pop(0)
        indent = re.match(r"\s*", self.lines[body[1].lineno - 1]).group(0)
        return "\n".join(head + [indent + BEGIN] + rest + [indent + END])


def _cell_id(hw, i, kind, arg):
    return hashlib.sha1(f"{hw}:{i}:{kind}:{arg}".encode()).hexdigest()[:12]


def render(hw, specs):
    info = catalog.get(hw)
    ref = Reference(hw, info.functions)
    points, hidden_points = {}, {}
    for c in info.checks:
        for r in c.resolved:
            d = hidden_points if r.hidden else points
            d[c.function] = d.get(c.function, 0.0) + r.points
    cells = []
    seen_solutions = set()
    for i, (kind, arg) in enumerate(specs):
        cid = _cell_id(hw, i, kind, arg)
        if kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(arg)
        elif kind == "imports":
            cell = nbformat.v4.new_code_cell(ref.imports())
            cell.metadata["nbgrader"] = _nb(cid, locked=True)
        elif kind == "helpers":
            # The reference's private helpers, cut out of the release like any solution.
            # The cell is optional: the release keeps "# YOUR CODE HERE" without the
            # stub's raise (autograder.nbgrader_ext.OptionalSolutionStubs), so a
            # notebook whose Helpers cell is left as released still runs to the end.
            src = ref.helpers()
            cell = nbformat.v4.new_code_cell(
                HELPERS_HEAD + "\n" + BEGIN + "\n" + src + "\n" + END)
            cell.metadata["nbgrader"] = _nb(cid, solution=True)
            cell.metadata["course"] = {"optional": True}
        elif kind == "solution":
            for fn in [a.strip() for a in arg.split(",")]:
                if fn not in info.functions:
                    raise TemplateError(f"{fn} is not a graded function of {hw}")
                seen_solutions.add(fn)
            cell = nbformat.v4.new_code_cell("\n\n\n".join(ref.function(fn.strip()) for fn in arg.split(",")))
            cell.metadata["nbgrader"] = _nb(cid, solution=True)
        elif kind == "checks":
            fn = arg.strip()
            src = (f"# Public checks of `{fn}`: they call your function above on the grader's inputs.\n"
                   f"from autograder.notebook import check_cell\n"
                   f"check_cell({hw!r}, {fn!r})")
            cell = nbformat.v4.new_code_cell(src)
            cell.metadata["nbgrader"] = _nb(f"check_{fn}", grade=True, locked=True,
                                            points=round(points.get(fn, 0.0), 6))
            cell["id"] = f"check-{fn}"
            cells.append(cell)
            if hidden_points.get(fn):
                # nbgrader removes the hidden block from the student's copy and puts it
                # back when it autogrades; the cell keeps its points in the gradebook
                src = (f"# Hidden checks of `{fn}`: they run when your work is graded.\n"
                       f"### BEGIN HIDDEN TESTS\n"
                       f"from autograder.notebook import check_cell\n"
                       f"check_cell({hw!r}, {fn!r}, hidden=True)\n"
                       f"### END HIDDEN TESTS")
                cell = nbformat.v4.new_code_cell(src)
                cell.metadata["nbgrader"] = _nb(f"hidden_{fn}", grade=True, locked=True,
                                                points=round(hidden_points[fn], 6))
                cell["id"] = f"hidden-{fn}"
                cells.append(cell)
            continue
        elif kind == "experiment":
            cell = nbformat.v4.new_code_cell(EXPERIMENT_MARK + "\n" + arg)
            cell.metadata["tags"] = ["course:skip"]
        else:  # pragma: no cover
            raise TemplateError(kind)
        cell["id"] = cid
        cells.append(cell)
    missing = [f for f in info.functions if f not in seen_solutions]
    if missing:
        raise TemplateError(f"{hw}.md has no `<!-- solution: fn -->` for {', '.join(missing)}")
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["course"] = {"assignment": hw, "generated_from": [f"assignments/{hw}/{hw}.md",
                                                                  f"solutions/{hw}.py"]}
    return nb


def _nb(grade_id, solution=False, grade=False, locked=False, points=None):
    d = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
         "solution": solution}
    if grade:
        d["points"] = points
    return d


# ------------------------------------------------------------------ pass 3
def notebook_text(hw) -> str:
    specs = parse_template(template_path(hw).read_text())
    nb = render(hw, specs)
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def build_notebook(hw) -> Path:
    path = notebook_path(hw)
    path.write_text(notebook_text(hw))
    return path


def notebook_is_fresh(hw) -> bool:
    path = notebook_path(hw)
    return path.exists() and path.read_text() == notebook_text(hw)


def build_notebooks(*, assignments: Sequence[str], check_only: bool = False) -> int:
    """``course build``: write each notebook, or with ``check_only`` say which are stale (exit 1)."""
    stale = []
    for a in assignments:
        if check_only:
            if not notebook_is_fresh(a):
                stale.append(a)
        else:
            click.echo(f"{a}: {build_notebook(a)}")
    if stale:
        click.echo(f"stale notebooks: {', '.join(stale)} (run `course build --all`)")
        return 1
    return 0
