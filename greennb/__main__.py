"""Run the command line: ``python -m greennb`` is ``greennb``."""

from greennb.cli import main

raise SystemExit(main())
