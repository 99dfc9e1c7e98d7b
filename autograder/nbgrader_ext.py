"""nbgrader extensions: feedback that shows our messages and nothing hidden.

By default nbgrader's feedback HTML shows every cell of the autograded
notebook, the hidden test cells' code and any traceback among them.
:class:`RedactHiddenTests` (configured in the course's nbgrader_config.py as
a ``GenerateFeedback`` preprocessor) replaces the source of hidden test
cells by one line, and turns error outputs into one line naming the error.
"""
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

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
