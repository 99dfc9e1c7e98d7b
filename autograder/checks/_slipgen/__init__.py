"""Hidden helpers of the checks, one module per assignment (``_slipgen/hwN.py``).

They compute the reference, or values one edit away from it: slip values that
name a wrong answer, exact means of Monte Carlo estimates. Check code reaches
them only through ``ref.slipgen.name(...)`` (autograder/reference.py), so
that their values on the public cases are recorded into the public fixtures
like the reference's, and ``course student-dist`` leaves this folder out:
nothing a student receives computes the reference.
"""
