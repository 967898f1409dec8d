"""``python -m central``: see ``central.cli``."""

from central.cli import main

raise SystemExit(main())
