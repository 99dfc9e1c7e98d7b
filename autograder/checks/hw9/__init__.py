"""hw9: the NTK at finite width (notes 5.1.3, 5.2, 5.3).

``public.py`` and ``public_*.py``: the public checks (shipped to students), with
``diagnosis.py`` and ``common.py`` beside them; ``hidden.py``: the hidden cases,
graded with ``course grade`` only; ``slipgen.py``: the grader's hidden helpers (the
reference's slips and the exact expectations, reached as ``ref.slipgen``). The
student package leaves out ``hidden.py`` and ``slipgen.py``.
"""
