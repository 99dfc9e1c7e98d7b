"""hw7: deep linear nets train in depth-independent time (notes 2.3).

``public.py``, ``public_weights.py``: the public checks (shipped to students), with
``theory.py`` (closed forms), ``diagnosis.py``, ``inputs.py`` and ``plot.py``; ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
