"""``python -m spinnaker_sim ...`` is the ``spinnaker-sim`` command."""

import sys

from .cli import main

sys.exit(main())
