"""Course-level plumbing: the CLI, notebook building, fixtures, release and batch grading."""
