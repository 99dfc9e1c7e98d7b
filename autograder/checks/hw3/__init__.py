"""hw3: spectra of random matrices and Jacobians (notes 2.2).

``public.py`` and ``public_<topic>.py``: the public checks (shipped to
students), with ``theory.py`` (the laws they compare with) and ``plot.py``;
``hidden.py``: the hidden cases and checks, graded with ``course grade`` only.
"""
