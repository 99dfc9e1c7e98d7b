"""hw1: preserving the variance (notes 2.1.1-2.1.2).

``public.py``: the public checks (shipped to students); ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
