"""``python -m threadgraph``: the ``threadgraph`` command."""

from threadgraph.cli import main

raise SystemExit(main())
