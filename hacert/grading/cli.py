"""What the grading and certification CLIs share: usage errors exit 4, like pytest's."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

USAGE_ERROR = 4


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(USAGE_ERROR)
