"""hw11: the landscape of deep nets (notes 3.1-3.3).

``public.py``, ``public_critical.py``, ``public_symmetries.py``: the public
checks (shipped to students); ``theory.py``: the closed forms they compare
with; ``inputs.py``: the grader-chosen inputs; ``hidden.py``: the hidden cases
and checks and ``slipgen.py``: the hidden slip helpers, graded with
``course grade`` only.
"""
