"""hw8 checks: generalization bounds (notes, chapter 4).

``public.py``: the public checks (shipped to students); ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
