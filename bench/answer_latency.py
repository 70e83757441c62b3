"""Warm per-question latency (p50/p95) and peak memory of the answer engine on the embedded defaults.

Run: .venv/bin/python bench/answer_latency.py [--rounds N]   (index the seeds first: qa ingest)
Targets (issue 5): p50 ≤ 2 s on 2 cores, peak RSS ≤ 2 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path

from qa import offline
from qa.answer.engine import AnswerEngine

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "dev" / "questions.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    offline.set_offline_env()
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    started = time.perf_counter()
    engine = AnswerEngine.from_settings()
    engine.ask(questions[0])  # warm-up: loads the embedder, the index and the LLM once
    cold = time.perf_counter() - started
    seconds = []
    for _ in range(args.rounds):
        for q in questions:
            t = time.perf_counter()
            engine.ask(q)
            seconds.append(time.perf_counter() - t)
    seconds.sort()
    p50 = statistics.median(seconds)
    p95 = seconds[min(len(seconds) - 1, int(round(0.95 * (len(seconds) - 1))))]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"questions        {len(seconds)}")
    print(f"cold start       {cold:.2f} s (first question, models loaded)")
    print(f"warm p50         {p50 * 1000:.0f} ms   (target ≤ 2000 ms)")
    print(f"warm p95         {p95 * 1000:.0f} ms")
    print(f"peak RSS         {peak_mb:.0f} MB   (target ≤ 2048 MB)")


if __name__ == "__main__":
    main()
