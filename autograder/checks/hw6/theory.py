"""Closed forms that hw6's checks and plot use (notes 5: the NTK converges with width).

Each is tested against an independent computation in
``tests/unit/checks/test_theory_hw6.py``.
"""
import math


def width_scaling(value: float, width0: int, width: int) -> float:
    """``value`` at ``width0`` carried to ``width`` at the rate n^(-1/2).

    The empirical NTK of a net of width n is an average over n units of iid
    terms whose mean is the limit kernel (5.46): its relative deviation from
    the limit is O(n^(-1/2)), the slope -1/2 of the deviation against width on
    log-log axes.
    """
    return value * math.sqrt(width0 / width)


def device_width(width: int, device: str, gpu_factor: int) -> int:
    """The width a check runs at: ``width`` on the CPU, ``width * gpu_factor`` on "cuda".

    By :func:`width_scaling` the deviation then shrinks by sqrt(gpu_factor)
    (x8 at the factor 64 of ``course check hw6 --device cuda``).
    """
    return width * gpu_factor if device == "cuda" else width
