"""``python -m nrp_bridge ...``: the same as the ``nrp-bridge`` command."""

import sys

from .cli import main

sys.exit(main())
