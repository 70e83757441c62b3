"""Meeting extraction time per issue (issue 12: under 200 ms on 2 cores): `python bench/meetings_extract.py [PATH…]`.

Parses the seeds and the dev issues once, then times `extract_issue` per issue (warm: the
recogniser's lexicon is loaded once per process, reported apart as the cold start).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.corpus import parse_file  # noqa: E402
from qa.corpus.read import find_issue_files  # noqa: E402
from qa.meetings.extract import extract_issue  # noqa: E402
from qa.meetings.names import warm_up  # noqa: E402

LIMIT_MS = 200.0


def main(argv: list[str]) -> int:
    paths = argv or [str(ROOT / "seeds"), str(ROOT / "eval" / "dev" / "issues")]
    issues = [parse_file(p) for p in find_issue_files(paths)]
    started = time.perf_counter()
    warm_up()
    extract_issue(issues[0])
    cold = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(5):
        for issue in issues:
            t = time.perf_counter()
            extract_issue(issue)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"issues: {len(issues)}  first call (loads the lexicon): {cold:.0f} ms")
    print(f"extraction per issue: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
          f" (limit {LIMIT_MS:.0f} ms)")
    return 0 if times[-1] < LIMIT_MS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
