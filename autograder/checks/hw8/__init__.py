"""hw8 checks: generalization bounds (notes, chapter 4).

``public.py``, ``public_bounds.py``: the public checks (shipped to students), with
``theory.py`` (closed forms) and ``diagnosis.py``; ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
