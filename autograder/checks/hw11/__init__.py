"""hw11: the landscape of deep nets (notes 3.1-3.3).

``public.py``: the public checks (shipped to students); ``hidden.py``: the
hidden cases and checks, graded with ``course grade`` only.
"""
