"""hw7: deep linear nets train in depth-independent time (notes 2.3).

``public.py``: the public checks (shipped to students); ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
