"""hw3 checks: spectra of random matrices and Jacobians (notes 2.2, (2.44)-(2.121)).

``public.py``: the public checks (shipped to students); ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
