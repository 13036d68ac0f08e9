import sys

from reformboard.cli import main

sys.exit(main())
