"""Exit codes CI can act on (pytest's own codes 0-5 keep their meaning).

==== ==========================================================================
0    every check passed (or was skipped as not applicable)
1    at least one check failed (a failure not covered by a waiver), or a confirmed
     performance regression
2    interrupted (pytest)
3    internal error (pytest)
4    usage error: bad option, inventory, rubric or waiver file (pytest)
5    no checks ran (pytest)
6    no unwaived failure, but at least one failure was waived: passed with waivers
7    no check failed, but at least one is broken: hacert could not look (host
     unreachable, command timed out, tool missing)
==== ==========================================================================
"""

from __future__ import annotations

PASSED = 0
FAILED = 1
USAGE_ERROR = 4
PASSED_WITH_WAIVERS = 6
BROKEN = 7
