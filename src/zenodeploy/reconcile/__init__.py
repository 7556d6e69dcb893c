"""Reconcile: make the server match the manifest. Resolve the desired state, observe the server
(reads only), plan (a pure function), apply (the only writes), the lock file, and the tokens a run
uses.

May import every stage below it: ``manifest``, ``content``, ``describe``, ``zenodo``."""
