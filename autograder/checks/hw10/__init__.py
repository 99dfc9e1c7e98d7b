"""hw10: free probability behind the spectra (notes 2.2, (2.44)-(2.85)).

``public.py`` and ``public_*.py``: the public checks (shipped to students), with
``plot.py`` beside them; ``hidden.py``: the hidden cases, graded with ``course grade``
only; ``slipgen.py``: the grader's hidden helpers (the laws' closed forms and the
slips' values, reached as ``ref.slipgen``), never shipped.
"""
