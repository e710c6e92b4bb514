"""Time seed_demo and split it into generation (Python) and writing (database), with peak memory.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/pm_seed .venv/bin/python bench/seed.py 100000
(on an empty, migrated database; it refuses otherwise, as the command does).
"""

import os
import resource
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertymgmt.settings")
django.setup()

from demo import writer  # noqa: E402
from demo.seed import has_data, seed_demo  # noqa: E402

households = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
if has_data():
    sys.exit("The database is not empty.")
spent = {"write": 0.0}
original = writer.Sink._write


def timed_write(self, batch):
    t = time.monotonic()
    original(self, batch)
    spent["write"] += time.monotonic() - t


writer.Sink._write = timed_write
t0, c0 = time.monotonic(), time.process_time()
result = seed_demo(households=households, seed=1)
wall = time.monotonic() - t0
print(
    f"households={households:,} wall={wall:.1f}s process_cpu={time.process_time() - c0:.1f}s "
    f"database_writes={spent['write']:.1f}s max_rss={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}MB"
)
print({k: v for k, v in result.counts.items()})

# Measured here (2 cores shared with other sessions, load average 6-9, PostgreSQL 15 on the same machine):
#   100,000 households: wall 103-112 s, of which database writes 92-101 s; Python 26-29 s CPU; max RSS 157 MB
#   (batch 2,000; 20,000 households: 150 MB: memory is bounded by the batch, not by the total).
#   3,000 households on SQLite: 1.5 s CPU (1.5-4.8 s wall depending on load).
