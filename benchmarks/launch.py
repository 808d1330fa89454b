"""Run one command and report its wall time, CPU time (user and system, with every process it
waited for) and peak memory as JSON on stderr's last line.

A small, fresh process forks the command: a child's peak-memory figure starts from its parent's
size at the fork, so measuring from the (larger) benchmark runner would inflate it. Only the
few megabytes of this launcher are included.
"""

import json
import os
import sys
import time

started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - started
sys.stderr.write(
    "\n"
    + json.dumps(
        {
            "seconds": elapsed,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_kb": usage.ru_maxrss,
            "code": os.waitstatus_to_exitcode(status),
        }
    )
    + "\n"
)
sys.exit(0)
