"""hw10: free probability behind the spectra (notes 2.2, (2.44)-(2.85)).

``public.py``: the public checks (shipped to students); ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
