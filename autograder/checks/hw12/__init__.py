"""hw12: generalization beyond the uniform bounds (notes 4.1-4.2).

``public.py``: the public checks (shipped to students); ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
