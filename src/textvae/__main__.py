"""`python -m textvae`: the `textvae` command (textvae.cli)."""

from .cli import main

raise SystemExit(main())
