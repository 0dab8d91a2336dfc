"""``python -m live``: see :mod:`live.cli`."""

import sys

from live.cli import main

sys.exit(main())
