"""hw6: the neural tangent kernel, its convergence with width (notes 5).

``public.py``, ``public_random.py``: the public checks (shipped to students), with
``theory.py`` (width scaling), ``inputs.py`` and ``plot.py``; ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
