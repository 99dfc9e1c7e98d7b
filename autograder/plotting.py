"""The figure of an assignment's ``plot(student, ref, outdir)`` (``course check --plots DIR``)."""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def figure(outdir: str | os.PathLike[str], name: str, *, nrows: int = 1, ncols: int = 1,
           figsize: tuple[float, float] = (6.0, 4.0), dpi: int = 90, paths: list[str] | None = None
           ) -> Iterator[tuple[Any, Any]]:
    """``with figure(outdir, "hw5_escape.png", ncols=2) as (fig, axes):`` draw; it is saved on exit.

    Matplotlib runs headless (Agg); the figure is laid out, written to
    ``outdir/name`` and closed, also when drawing fails half-way (nothing is
    saved then). The file's path is appended to ``paths`` when given.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, ncols, figsize=figsize)
    try:
        yield fig, axes
        path = os.path.join(os.fspath(outdir), name)
        fig.tight_layout()
        fig.savefig(path, dpi=dpi)
        if paths is not None:
            paths.append(path)
    finally:
        plt.close(fig)
