"""hw4: wide nets have no bad local minima (notes 3.1-3.2).

``public.py`` and ``public_<topic>.py``: the public checks (shipped to
students), with ``theory.py``, ``diagnosis.py`` and ``plot.py``;
``hidden.py``: the hidden cases, graded with ``course grade`` only.
"""
