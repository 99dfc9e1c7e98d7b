"""hw9: the NTK at finite width (notes 5.1.3, 5.2, 5.3).

``public.py`` and ``public_*.py``: the public checks (shipped to students), with
``theory.py``, ``diagnosis.py`` and ``common.py`` beside them; ``hidden.py``: the
hidden cases, graded with ``course grade`` only.
"""
