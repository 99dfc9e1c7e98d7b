"""hw4: wide nets have no bad local minima (notes 3.1-3.2).

``public.py``: the public checks (shipped to students); ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
