"""hw1: preserving the variance (notes 2.1.1-2.1.2).

``public.py`` and ``public_<topic>.py``: the public checks (shipped to
students), with ``theory.py`` (the sampling errors they use) and ``plot.py``;
``hidden.py``: the hidden cases, graded with ``course grade`` only.
"""
