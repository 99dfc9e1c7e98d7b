"""hw5 checks: gradient descent escapes strict saddles (notes 3.3, Lee et al.).

``public.py``: the public checks (shipped to students); ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
