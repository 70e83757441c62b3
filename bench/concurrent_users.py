"""Many users at once: `qa serve` answers 1 and then N concurrent users through /ask, and no answer crosses sessions.

    .venv/bin/python bench/concurrent_users.py [--users 8] [--rounds 3] [--think 0,1] [--answer-concurrency N]
                                               [--client http|gradio] [--url URL]

Starts the real app (`qa serve`) on loopback on a fresh index of the seeds (the project's
embedding cache is copied in, so nothing is embedded again), or uses a running one (--url).
Each user is a session of its own (its own session hash and connection) and asks a fixed
set of questions (written for this bench: meetings, people and posts, figures, places,
dates, issues, English, one the archive cannot answer; none from eval/) and a two-turn
conversation of its own, per round. The N users ask back to back (the next request as soon
as the answer is in: the hardest load N users can make), then with a random pause before
each request (readers reading the answer and typing the next question).

Measured: per-request latency p50/p95 of one user and of N users, the ratio of the p50s,
throughput, errors, and crossed answers: every user's answer to a question must equal the
answer one user alone got (same text, same citations), and every user's follow-up must be
about its own conversation's subject. CPU time is read from /proc: the server's per answer,
the cores it kept busy, and the cores other processes took meanwhile (the machine may be
shared). Prints a markdown table and writes bench/out/concurrent_users.md and .json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from qa.procs import free_port, stop  # noqa: E402

OUT = ROOT / "bench" / "out"
SERVE_START_S = 300
CLK_TCK = os.sysconf("SC_CLK_TCK")

QUESTIONS = (
    "谁主持了奇瑞项目推进工作专题会议？",
    "出席区疫情防控指挥部第88次工作例会的区领导有哪些？",
    "全区重点项目现场观摩会有哪些领导出席？",
    "区政府党组2023年第18次（扩大）会议是谁主持的？",
    "政企沟通座谈会是谁主持的？",
    "王宝善出席了哪些会议？",
    "张元升2021年担任什么职务？",
    "2023年的区长是谁？",
    "区政协主席是谁？",
    "德国ITEM项目一年能加工多少吨铝型材？",
    "高性能新型环保材料产业基地项目总投资多少？",
    "上海卓丰科技发展有限公司的项目规划占地多少亩？",
    "即墨区已创建美丽乡村示范村多少个？",
    "全环境立德树人工作现场会在哪里召开？",
    "《文明典范城市创建大家谈》栏目什么时候开播？",
    "第2415期的出版日期是哪天？",
    "2024年5月21日的报纸是哪一期？",
    "即墨区少先队鼓号操大赛的冠军是谁？",
    "Who chaired the Chery project meeting?",
    "韩世军出席过哪些会议？",
)

# (first question, follow-up, a word only an answer about this conversation's subject holds);
# each user holds a conversation of its own, so a follow-up answered from another user's turn shows.
CONVERSATIONS = (
    ("谁主持了奇瑞项目推进工作专题会议？", "还有哪些领导出席了？", "奇瑞"),
    ("孙杰2023年主持了哪些会议？", "那2024年呢？", "2024年5月20日"),
    ("王宝善出席了哪些会议？", "他担任什么职务？", "王宝善"),
    ("数字青岛建设领导小组2023年第一次会议即墨分会场会议谁出席了？", "她是什么职务？", "肖莉"),
    ("政企沟通座谈会是谁主持的？", "他是什么职务？", "马明强"),
    ("张元升2021年担任什么职务？", "他出席过哪些会议？", "张元升"),
    ("韩世军出席过哪些会议？", "他2023年担任什么职务？", "韩世军"),
    ("德国ITEM项目一年能加工多少吨铝型材？", "这个项目的年产值是多少？", "5亿元"),
)


# -- the server -----------------------------------------------------------------------------------
def start_server(work: Path, answer_concurrency: int) -> tuple[subprocess.Popen, str]:
    """`qa serve` on a fresh index of the seeds (built at start-up from the copied embedding cache)."""
    cache = work / "embeddings.sqlite"
    if (ROOT / "index_store" / "embeddings.sqlite").exists():
        shutil.copy(ROOT / "index_store" / "embeddings.sqlite", cache)
    port = free_port()
    # PYTHONPATH: the server runs this tree's code, whatever the venv's editable install points at
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_INDEX_DIR": str(work / "index"), "QA_SEEDS_DIR": str(ROOT / "seeds"),
           "QA_EMBEDDER__CACHE_PATH": str(cache), "QA_SERVER__ANSWER_CONCURRENCY": str(answer_concurrency)}
    log = (work / "serve.log").open("w")
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "qa"), "serve", "--port", str(port)], cwd=work, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + SERVE_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = (work / "serve.log").read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"qa serve exited with {server.returncode}:\n{tail}")
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return server, url
        except OSError:
            time.sleep(1)
    server.kill()
    raise RuntimeError(f"qa serve did not answer at {url} within {SERVE_START_S} s")


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat: everything but idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLK_TCK


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process (its threads included); 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


# -- the users ------------------------------------------------------------------------------------
def essence(result: dict) -> tuple:
    """What must not differ between sessions: the answer's text and its citations."""
    return result["answer"], json.dumps(result["citations"], ensure_ascii=False, sort_keys=True)


@dataclass
class Run:
    """What one case measured."""

    users: int
    think: float = 0.0  # mean pause in seconds before each request
    latencies: list[float] = field(default_factory=list)  # seconds per request
    errors: list[str] = field(default_factory=list)
    crossed: list[str] = field(default_factory=list)
    wall: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    machine_cpu: float = 0.0  # every process's, the server's and this bench's included
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def fail(self, kind: str, text: str) -> None:
        with self.lock:
            (self.errors if kind == "error" else self.crossed).append(text)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


class AskFailed(Exception):
    """The app answered /ask with an error event."""


class User:
    """One session of its own (its own session hash and connection), asking and holding its own conversation.

    `client="http"`: gradio's documented REST calls (POST /gradio_api/call/ask, then read the
    event stream), light enough that the bench's own CPU does not crowd the server's on a small
    machine; `client="gradio"`: gradio_client, as the tests use it (about 50 ms of client CPU a request).
    """

    def __init__(self, url: str, n: int, client: str = "http"):
        self.n, self.url = n, url.rstrip("/")
        self._pause = None
        if client == "gradio":
            from gradio_client import Client

            gradio = Client(url, verbose=False)
            self._ask = lambda q, h: gradio.predict(question=q, history=h, api_name="/ask")
        else:
            import httpx

            self._http = httpx.Client(timeout=120)
            self._session = f"bench-{n}-{uuid.uuid4().hex[:12]}"
            self._ask = self._ask_http

    def ask(self, question: str, history: list[dict] | None = None) -> dict:
        return self._ask(question, history or [])

    def _ask_http(self, question: str, history: list[dict]) -> dict:
        # the API's parameters in order: question, date_from, date_to, issue_no, history
        body = {"data": [question, "", "", None, history], "session_hash": self._session}
        posted = self._http.post(f"{self.url}/gradio_api/call/ask", json=body)
        posted.raise_for_status()
        event = None
        with self._http.stream("GET", f"{self.url}/gradio_api/call/ask/{posted.json()['event_id']}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line[len("event:"):].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    data = json.loads(line[len("data:"):])
                    if event == "error":
                        raise AskFailed(str(data))
                    return data[0]
        raise AskFailed(f"the event stream ended without an answer (last event: {event})")

    def session(self, run: Run, reference: dict, followups: dict, start: threading.Barrier) -> None:
        """One round: every question, in an order of its own (users do not move in step), then its conversation."""
        first, follow, marker = CONVERSATIONS[self.n % len(CONVERSATIONS)]
        order = QUESTIONS[self.n % len(QUESTIONS):] + QUESTIONS[: self.n % len(QUESTIONS)]
        self._pause = random.Random(self.n).uniform if run.think else None
        start.wait()
        for question in order:
            self._timed(run, question, None, reference.get(question), f"user {self.n}")
        earlier = self._timed(run, first, None, reference.get(first), f"user {self.n}")
        if earlier is not None:
            answer = self._timed(run, follow, [earlier], followups.get((first, follow)), f"user {self.n} follow-up")
            if answer is not None and marker not in answer["answer"]:
                run.fail("crossed", f"user {self.n}: 「{follow}」 after 「{first}」 is not about {marker}: {answer['answer'][:80]}")

    def _timed(self, run: Run, question: str, history, expected: tuple | None, who: str) -> dict | None:
        if self._pause is not None:
            time.sleep(self._pause(0, 2 * run.think))  # reading the last answer, typing the next question
        started = time.perf_counter()
        try:
            result = self.ask(question, history)
        except Exception as exc:  # noqa: BLE001 - every failure is counted and shown, with its question
            run.fail("error", f"{who}: 「{question}」 {type(exc).__name__}: {exc}")
            return None
        run.add(time.perf_counter() - started)
        if result.get("question") != question:
            run.fail("crossed", f"{who}: asked 「{question}」, got the answer to 「{result.get('question')}」")
        elif expected is not None and essence(result) != expected:
            run.fail("crossed", f"{who}: 「{question}」 answered differently from one user alone: {result['answer'][:80]}")
        return result


def references(url: str, client: str) -> tuple[dict, dict]:
    """One user's answers, asked alone after a warm-up pass: what every session must get."""
    user = User(url, 0, client)
    for question in QUESTIONS:  # warm-up: models, caches, the English dictionary
        user.ask(question)
    reference = {q: essence(user.ask(q)) for q in QUESTIONS}
    followups = {}
    for first, follow, _ in CONVERSATIONS:
        earlier = user.ask(first)
        reference.setdefault(first, essence(earlier))
        followups[(first, follow)] = essence(user.ask(follow, [earlier]))
    return reference, followups


def run_round(run: Run, url: str, client: str, reference: dict, followups: dict, server_pid: int | None) -> None:
    """One round of the case: its users, started together, each asking every question and its conversation."""
    sessions = [User(url, n, client) for n in range(run.users)]
    start = threading.Barrier(run.users)
    threads = [threading.Thread(target=s.session, args=(run, reference, followups, start)) for s in sessions]
    cpu0, client0, machine0, t0 = cpu_seconds(server_pid), time.process_time(), machine_busy_seconds(), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.wall += time.perf_counter() - t0
    run.server_cpu += cpu_seconds(server_pid) - cpu0
    run.client_cpu += time.process_time() - client0
    run.machine_cpu += machine_busy_seconds() - machine0


# -- the report ------------------------------------------------------------------------------------
def markdown(runs: list[Run], setting: str, client: str) -> str:
    p50_one = statistics.median(runs[0].latencies)
    lines = ["| case | requests | p50 (ms) | p95 (ms) | p50 / one user's p50 | answers/s | server CPU per answer (ms) "
             "| server cores busy | other processes' cores | errors | crossed answers |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for run in runs:
        n = len(run.latencies)
        p50 = statistics.median(run.latencies) if n else float("nan")
        cpu = f"{1000 * run.server_cpu / n:.0f}" if n and run.server_cpu else "–"
        busy = f"{run.server_cpu / run.wall:.2f}" if run.server_cpu else "–"
        others = f"{max(0.0, run.machine_cpu - run.server_cpu - run.client_cpu) / run.wall:.2f}" if run.server_cpu else "–"
        case = f"{run.users} user{'s' if run.users > 1 else ''}, " + (
            f"pause 0–{2 * run.think:g} s" if run.think else "back to back")
        lines.append(f"| {case} | {n} | {1000 * p50:.0f} | {1000 * percentile(run.latencies, 95):.0f} | "
                     f"{p50 / p50_one:.2f} | {n / run.wall:.1f} | {cpu} | {busy} | {others} | {len(run.errors)} | "
                     f"{len(run.crossed)} |")
    how = "gradio's REST calls (/gradio_api/call/ask)" if client == "http" else "gradio_client"
    note = (f"`qa serve` on the five seed issues, {os.cpu_count()} cores (shared with other work), answer concurrency "
            f"{setting}, {dt.date.today().isoformat()}. Each user is a session of its own ({how}) asking "
            f"{len(QUESTIONS)} questions and a two-turn conversation of its own per round (the cases take turns, round "
            "by round, so that other work on the machine weighs on each alike): back to back (the next "
            "request as soon as the answer is in, so N users keep N requests in the server), or after a random pause "
            "(a reader reading the answer and typing the next question). Latency is per /ask request, measured by the "
            "client. Crossed answers: an answer that differs from the one a user alone got for the same question (text "
            "and citations), or a follow-up not about its own conversation's subject. Server cores busy: the server's "
            "CPU seconds over the case's wall time; other processes' cores: what the rest of the machine took meanwhile "
            "(this bench's own client not counted).")
    return "\n".join(lines) + "\n\n" + note + "\n"


def default_concurrency() -> int:
    sys.path.insert(0, str(ROOT))
    from qa.settings import ServerSettings

    return ServerSettings.model_fields["answer_concurrency"].default


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=8, help="concurrent users after the one-user case")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions per user")
    parser.add_argument("--think", default="0,1", help="mean pauses (s) before each request of the N users, one case "
                        "each, comma-separated; 0: back to back (default 0,1: back to back, then 0–2 s pauses)")
    parser.add_argument("--answer-concurrency", type=int, default=default_concurrency(),
                        help="the started server's settings.server.answer_concurrency (default: the settings' default)")
    parser.add_argument("--client", choices=("http", "gradio"), default="http",
                        help="http: gradio's REST calls (light); gradio: gradio_client (about 50 ms of client CPU a request)")
    parser.add_argument("--url", help="measure a running app instead of starting one (its CPU is then not read)")
    parser.add_argument("--out", type=Path, default=OUT, help="where the table and JSON go")
    args = parser.parse_args()
    thinks = [float(t) for t in args.think.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        server = None
        try:
            if args.url:
                url = args.url
            else:
                print("starting qa serve on the seeds …", file=sys.stderr, flush=True)
                server, url = start_server(Path(tmp), args.answer_concurrency)
            pid = server.pid if server else None
            reference, followups = references(url, args.client)
            runs = [Run(1), *(Run(args.users, t) for t in thinks)]
            # round by round, every case in turn: other work on the machine that comes and goes weighs on all alike
            for n in range(args.rounds):
                for run in runs:
                    print(f"round {n + 1}: {run.users} user(s), pause {run.think} s …", file=sys.stderr, flush=True)
                    run_round(run, url, args.client, reference, followups, pid)
        finally:
            if server is not None:
                stop(server, grace=30)

    setting = "as configured" if args.url else str(args.answer_concurrency)
    table = markdown(runs, setting, args.client)
    print(table)
    for run in runs:
        for text in (run.errors + run.crossed)[:10]:
            print(f"  {run.users} users, pause {run.think} s: {text}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "concurrent_users.md").write_text(table, encoding="utf-8")
    (args.out / "concurrent_users.json").write_text(json.dumps([
        {"users": r.users, "think_s": r.think, "latencies_ms": [round(1000 * x, 1) for x in r.latencies],
         "wall_s": r.wall, "server_cpu_s": r.server_cpu, "client_cpu_s": r.client_cpu, "machine_cpu_s": r.machine_cpu,
         "errors": r.errors,
         "crossed": r.crossed} for r in runs], ensure_ascii=False, indent=1), encoding="utf-8")
    sys.exit(1 if any(r.errors or r.crossed for r in runs) else 0)


if __name__ == "__main__":
    main()
