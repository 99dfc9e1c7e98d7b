"""hw12: generalization beyond the uniform bounds (notes 4.1-4.2).

``public.py``, ``public_pac_bayes.py``, ``public_concentration.py``: the
public checks (shipped to students); ``theory.py``: the exact probabilities
the simulations are tested against; ``inputs.py``: the grader-chosen inputs;
``hidden.py``: the hidden cases and ``slipgen.py``: the hidden slip helpers,
graded with ``course grade`` only.
"""
