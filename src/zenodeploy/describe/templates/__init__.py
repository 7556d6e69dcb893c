"""Package data: the starter description templates (``builtin:NAME`` → ``NAME.md.j2``) and preview CSS."""
