"""``python -m cmlops_kg``: the same as the ``cmlops-kg`` command."""

import sys

from cmlops_kg.cli import main

sys.exit(main())
