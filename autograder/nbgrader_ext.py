"""nbgrader extensions: feedback that shows our messages and nothing hidden,
and release notebooks that run from top to bottom.

By default nbgrader's feedback HTML shows every cell of the autograded
notebook, the hidden test cells' code and any traceback among them.
:class:`RedactHiddenTests` (configured in the course's nbgrader_config.py as
a ``GenerateFeedback`` preprocessor) replaces the source of hidden test
cells by one line, and turns error outputs into one line naming the error.

nbgrader replaces every solution region by the same stub, which ends in
``raise NotImplementedError()``. In a graded function that is right (the
function is "not attempted" until written), but the optional Helpers cell
holds no function of its own: its stub raised at once and stopped "Run All"
at the top of the notebook. :class:`OptionalSolutionStubs` (run by
``GenerateAssignment`` right after ``ClearSolutions``, see
:func:`generate_assignment_preprocessors`) drops that ``raise`` from cells
that ``course build`` marks optional (``metadata.course.optional``).
"""
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

#: the line of nbgrader's stub that an optional cell does without
RAISE_STUB = "raise NotImplementedError()"

HIDDEN = "### BEGIN HIDDEN TESTS"


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
