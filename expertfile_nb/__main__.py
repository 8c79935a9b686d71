"""``python -m expertfile_nb``: the command line (:mod:`expertfile_nb.cli`)."""

import sys

from expertfile_nb.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
