"""hw6: the neural tangent kernel, its convergence with width (notes 5).

``public.py``: the public checks (shipped to students); ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
