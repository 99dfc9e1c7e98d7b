"""hw2: the length map, its fixed point and the edge of chaos (notes 2.1.3).

``public.py`` and ``public_<topic>.py``: the public checks (shipped to
students), with ``theory.py``, ``diagnosis.py`` and ``plot.py``;
``hidden.py``: the hidden cases and checks, graded with ``course grade`` only.
"""
