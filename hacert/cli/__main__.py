import sys

from hacert.cli import main

sys.exit(main())
