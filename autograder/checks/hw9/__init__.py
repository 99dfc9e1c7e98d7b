"""hw9: the NTK at finite width (notes 5.1.3, 5.2, 5.3).

``public.py``: the public checks (shipped to students); ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
