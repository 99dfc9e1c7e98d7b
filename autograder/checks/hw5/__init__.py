"""hw5 checks: gradient descent escapes strict saddles (notes 3.3, Lee et al.).

``public.py``, ``public_escape.py``: the public checks (shipped to students), with
``theory.py`` (closed forms), ``diagnosis.py`` and ``plot.py``; ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
