"""nbgrader extensions configured by the course's ``nbgrader_config.py``.

:class:`SandboxAutograde` replaces nbgrader's ``Execute`` step in
``nbgrader autograde``. nbgrader would run the student's notebook in an
ordinary Jupyter kernel with the grader's privileges and score each check
cell by what that kernel prints, so a student cell could redefine the check
function, silence the check cells' results, feed them the reference, or
open the gradebook. Here no cell runs in a kernel: the (sanitized) notebook
is graded once, as a whole, by the same code as ``course grade`` (a forked
grading process under a deadline, the engine's sandbox, the course folder
and gradebook masked), and each check cell gets the output its in-kernel
``check_cell`` would print plus an ``execute_result`` with its points.
nbgrader's own ``SaveAutoGrades``, ``generate_feedback``, ``export`` and
formgrader then work unchanged, and both paths give one score.

Experiment cells are not run on this path (they are not graded either); they
get a one-line note instead of output. Solution cells keep no output.

:class:`QuietOverwriteCells` is nbgrader's ``OverwriteCells`` without the
"checksum has changed" warning for a hidden-test cell that the student left
exactly as released (nbgrader issue #1961): the release removes the hidden
block, so the checksum recorded from the source never matches; the cell is
restored from the gradebook either way. An edited locked cell still warns.

:class:`RedactHiddenTests` (a ``GenerateFeedback`` preprocessor) replaces
the source of hidden test cells by one line, and turns error outputs into one
line naming the error.

nbgrader replaces every solution region by the same stub, which ends in
``raise NotImplementedError()``. In a graded function that is right (the
function is "not attempted" until written), but the optional Helpers cell
holds no function of its own: its stub raised at once and stopped "Run All"
at the top of the notebook. :class:`OptionalSolutionStubs` (run by
``GenerateAssignment`` right after ``ClearSolutions``, see
:func:`generate_assignment_preprocessors`) drops that ``raise`` from cells
that ``course build`` marks optional (``metadata.course.optional``).
"""
from __future__ import annotations

import os
import re
import types
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Float, Integer

#: the line of nbgrader's stub that an optional cell does without
RAISE_STUB = "raise NotImplementedError()"

HIDDEN = "### BEGIN HIDDEN TESTS"
EXPERIMENT_NOTE = "(experiment cell: not run when the notebook is graded)\n"
_CALL = re.compile(r"check_cell\(\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]\s*(?:,\s*hidden\s*=\s*(True|False))?")


class GradingError(RuntimeError):
    """The grader could not grade this notebook (nbgrader reports it; run autograde again)."""


class RedactHiddenTests(Preprocessor):
    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if HIDDEN in cell.source:
            cell.source = "# Hidden checks (their code is not shown)."
        outputs = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                outputs.append({"output_type": "stream", "name": "stdout",
                                "text": f"{out.get('ename', 'Error')}: {out.get('evalue', '')}\n"})
            else:
                outputs.append(out)
        cell.outputs = outputs
        return cell, resources


def is_optional(cell) -> bool:
    course = cell.get("metadata", {}).get("course", {})
    return isinstance(course, dict) and bool(course.get("optional"))


class OptionalSolutionStubs(Preprocessor):
    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and is_optional(cell):
            cell.source = "\n".join(ln for ln in cell.source.split("\n") if ln.strip() != RAISE_STUB)
        return cell, resources


def generate_assignment_preprocessors():
    """nbgrader's own ``GenerateAssignment`` preprocessors with
    :class:`OptionalSolutionStubs` right after ``ClearSolutions`` (before the
    checksums and the database record the released cells)."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ClearSolutions

    steps = list(GenerateAssignment.class_traits()["preprocessors"].default())
    steps.insert(steps.index(ClearSolutions) + 1, OptionalSolutionStubs)
    return steps


def _quiet_overwrite_cells():
    from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells

    class QuietOverwriteCells(OverwriteCells):
        """OverwriteCells, silent about hidden-test cells left as released (nbgrader #1961)."""

        def preprocess_cell(self, cell, resources, cell_index):
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id is None or "BEGIN HIDDEN TESTS" in cell.get("source", ""):
                return super().preprocess_cell(cell, resources, cell_index)
            try:
                source_cell = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except Exception:  # noqa: BLE001 - nbgrader's own code reports it below
                return super().preprocess_cell(cell, resources, cell_index)
            if source_cell.locked and "BEGIN HIDDEN TESTS" in (source_cell.source or ""):
                released = types.SimpleNamespace(source=source_cell.source)
                ClearHiddenTests(parent=self)._remove_hidden_test_region(released)
                if cell.source == released.source:
                    cell.source = source_cell.source  # as released: restore without a warning
            return super().preprocess_cell(cell, resources, cell_index)

    return QuietOverwriteCells


def __getattr__(name):  # nbgrader is imported only by those who use its classes
    if name == "QuietOverwriteCells":
        cls = _quiet_overwrite_cells()
        globals()[name] = cls
        return cls
    if name == "SandboxAutograde":
        cls = _sandbox_autograde()
        globals()[name] = cls
        return cls
    raise AttributeError(name)


def check_cell_target(cell):
    """(assignment, function, hidden) of a course check cell, or None.

    Read from the cell's ``check_cell(...)`` call (nbgrader has restored the
    locked check cells' source from the gradebook before this runs), else
    from its grade id (``check_<fn>`` / ``hidden_<fn>``, course/build.py).
    """
    m = _CALL.search(cell.get("source", ""))
    if m:
        return m.group(1), m.group(2), m.group(3) == "True"
    gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
    for prefix, hidden in (("check_", False), ("hidden_", True)):
        if gid.startswith(prefix):
            return None, gid[len(prefix):], hidden
    return None


def _sandbox_autograde():
    from nbgrader.preprocessors import NbGraderPreprocessor

    class SandboxAutograde(NbGraderPreprocessor):
        """nbgrader's Execute step replaced: the notebook graded once in the sandbox (see the module)."""

        timeout = Float(600.0, help="Seconds one notebook may take in all; then it scores 0, "
                                    "as with `course grade --timeout`.").tag(config=True)
        grader_seed = Integer(0, help="Base seed of the statistical checks (as `course grade`).").tag(config=True)

        def _course_dir(self):
            root = self.config.get("CourseDirectory", {}).get("root")
            return Path(root if isinstance(root, str) and root else os.getcwd()).resolve()

        def _mask(self, resources):
            from course.grading.batch import mask_paths

            course = self._course_dir()
            db = resources["nbgrader"].get("db_url", "")
            gb = Path(db[len("sqlite:///"):]) if db.startswith("sqlite:///") else None
            return mask_paths(course, course / "autograded", gb)

        def grade(self, nb, resources):
            """The stored-record form of the engine's verdict, exactly as `course grade` makes it."""
            from autograder import catalog
            from autograder.reference import solutions_available
            from course.grading.discover import sha256_bytes
            from course.grading.records import make_record
            from course.grading.worker import grade_task

            info = resources["nbgrader"]
            hw, student = info["assignment"], info["student"]
            if hw not in catalog.ids():
                raise GradingError(f"{hw!r} is not an assignment of this course ({', '.join(catalog.ids())}); "
                                   "name nbgrader's assignment after it, or use nbgrader's own Execute step")
            if not solutions_available(hw):
                raise GradingError(f"grading runs the hidden checks, which need `solutions.{hw}`; install the "
                                   "course package with its solutions, then run autograde again")
            data = nbformat.writes(nb).encode()
            task = {"assignment": hw, "student": student, "filename": f"{info['notebook']}.ipynb",
                    "content": data, "sha256": sha256_bytes(data), "timeout": float(self.timeout),
                    "mask": self._mask(resources), "grader_seed": int(self.grader_seed)}
            sub = types.SimpleNamespace(student=student, assignment=hw, timestamp=None,
                                        file=Path(task["filename"]))
            rec = make_record(sub, {"sha256": task["sha256"]}, grade_task(task))
            if rec["status"] == "error":
                # a grader-side failure (the grading process lost, the sandbox not started) is
                # graded once more, as `course grade` grades an "error" record again on its next run
                self.log.warning("%s/%s: %s; grading it once more", student, hw, rec["message"])
                rec = make_record(sub, {"sha256": task["sha256"]}, grade_task(task))
            if rec["status"] == "error":
                raise GradingError(f"{student}/{hw}: {rec['message']} (a problem of the grader, not of "
                                   "the notebook; run `nbgrader autograde` again)")
            return rec

        def preprocess(self, nb, resources):
            from autograder.notebook import cell_text
            from autograder.submission import EXPERIMENT_MARK, SKIP_TAGS
            from course.grading.records import to_report

            rec = self.grade(nb, resources)
            report = to_report(rec)
            lead = []
            if rec["status"] != "graded":
                lead.append(rec["message"])
            lead += [f"note: {n}" for n in report.notes]
            count = 0
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                meta = cell.metadata.get("nbgrader", {})
                tags = set(cell.metadata.get("tags", []) or [])
                if meta.get("grade") and not meta.get("solution"):
                    count += 1
                    target = check_cell_target(cell)
                    if target is None or target[0] not in (None, rec["assignment"]):
                        self.log.warning("Cell %s is not a course check cell; nothing runs it, so it "
                                         "scores 0", meta.get("grade_id"))
                        cell.outputs = [nbformat.v4.new_output(
                            "error", ename="NotGraded", evalue="this cell is not a course check cell",
                            traceback=["NotGraded: this cell is not a course check cell"])]
                        continue
                    _, function, hidden = target
                    text, score = cell_text(report.results, function, hidden)
                    if lead:
                        text = "\n".join(lead) + "\n" + text
                        lead = []
                    most = float(meta.get("points", 0.0) or 0.0)
                    if score > most + 1e-9:
                        self.log.warning("Cell %s: the checks give %g points but the release gives the cell "
                                         "%g; release the assignment again", meta.get("grade_id"), score, most)
                        score = most
                    cell.execution_count = count
                    cell.outputs = [
                        nbformat.v4.new_output("stream", name="stdout", text=text),
                        nbformat.v4.new_output("execute_result", data={"text/plain": repr(float(score))},
                                               execution_count=count),
                    ]
                elif tags & SKIP_TAGS or cell.source.lstrip().startswith(EXPERIMENT_MARK):
                    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=EXPERIMENT_NOTE)]
            self.log.info("%s/%s graded in the sandbox: %g / %g", rec["student"], rec["assignment"],
                          rec["score"], rec["max_score"])
            return nb, resources

    return SandboxAutograde
