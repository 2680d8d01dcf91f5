#!/usr/bin/env python3
"""usage: peakrss.py RSSFILE CMD [ARGS...]

Runs CMD (standard streams inherited) and writes its peak resident set size
in KiB (getrusage RUSAGE_CHILDREN ru_maxrss) to RSSFILE; exits with CMD's
status (128 + N when a signal N ended it)."""
import resource
import subprocess
import sys

rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc if rc >= 0 else 128 - rc)
