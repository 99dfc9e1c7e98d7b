"""hw10: free probability behind the spectra (notes 2.2, (2.44)-(2.85)).

``public.py`` and ``public_*.py``: the public checks (shipped to students), with
``theory.py`` and ``plot.py`` beside them; ``hidden.py``: the hidden cases, graded
with ``course grade`` only; ``slipgen.py``: reference-like helpers, never shipped.
"""
