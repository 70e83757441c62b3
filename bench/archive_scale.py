"""Cost against archive size: synthetic archives of 100, 500 and 2,500 issues, each built, ingested and measured.

    python bench/archive_scale.py [--sizes 100,500,2500] [--work DIR] [--rounds 2] [--no-serve]

For each size: write the archive (bench/make_archive.py), parse it, ingest it into a fresh
index with the project's own ingest (catalog and meeting records included), and measure
parse throughput, ingest throughput beside the raw embedder's, index size on disk, warm
retrieval and full-answer latency on the questions below, `qa serve`'s peak memory while it
answers them, and meeting-record extraction time per issue. Prints a markdown table and
writes bench/out/archive_scale.md, .json and .png (cost against archive size).

The archives repeat the pool's passages, and embedding 2,500 issues' passages again on two
cores would take hours, so all sizes share one embedding cache filled with the pool's
passages first. Ingest is therefore timed with the cache warm (everything but the model);
the raw embedder is timed on a sample of the same passages; a cold ingest is estimated as
the two costs added, 1/(1/ingest + 1/raw), and the ratio is that estimate over the raw rate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from qa import offline  # noqa: E402

offline.set_offline_env()

from make_archive import SOURCES, write_archive  # noqa: E402
from retrieval_latency import percentile  # noqa: E402

from qa.corpus import parse_file  # noqa: E402
from qa.index import make_embedder, open_index  # noqa: E402
from qa.index.chunk import embed_text  # noqa: E402
from qa.index.manifest import Manifest  # noqa: E402
from qa.ingest import EMBED_BATCH, ingest  # noqa: E402
from qa.meetings.store import MeetingStore  # noqa: E402
from qa.procs import answering, free_port, stop, wait_until  # noqa: E402
from qa.settings import Settings  # noqa: E402

OUT = ROOT / "bench" / "out"
# Questions in the paper's style about the seed issues' content (meetings, people and posts,
# figures, places, one the archive cannot answer); written for this bench, none from eval/.
QUESTIONS = (
    "区疫情防控领导小组及指挥部第88次工作例会由谁主持？",
    "出席区疫情防控指挥部第88次工作例会的区领导有哪些？",
    "奇瑞项目推进工作专题会上谁讲了话？",
    "全区重点项目现场观摩会有哪些领导出席？",
    "区委常委会全体会议由谁主持？",
    "区政府党组2023年第18次（扩大）会议是谁主持的？",
    "即墨区政企沟通座谈会由谁主持？",
    "哪位副区长参加了孙杰走访重点企业的活动？",
    "区人大常委会视察重点类代表建议办理情况时有哪些副主任参加？",
    "全市党建引领基层治理工作会议由谁主持？",
    "谁出席了数字青岛建设领导小组2023年第一次会议即墨分会场会议？",
    "激励干部担当作为推动高水平开放高质量发展工作会议由谁主持？",
    "张元升2021年担任什么职务？",
    "王宝善担任过哪些职务？",
    "肖莉是什么职务？",
    "2023年的区长是谁？",
    "区政协主席是谁？",
    "韩世军出席过哪些会议？",
    "马明强参加了哪些活动？",
    "高性能新型环保材料产业基地项目总投资多少？",
    "上海卓丰科技发展有限公司的项目规划占地多少亩？",
    "《文明典范城市创建大家谈》栏目什么时候开播？",
    "全区各单位累计为群众办实事多少件？",
    "即墨区少先队鼓号操大赛共有多少支队伍参赛？",
    "即墨区已创建美丽乡村示范村多少个？",
    "一季度全区新能源新材料产业增加值是多少？",
    "德国ITEM项目年产值约多少？",
    "全区重点项目现场观摩会观摩了多少个重点制造业项目？",
    "中老年人健身操舞交流活动有多少人参加比赛？",
    "全环境立德树人工作现场会在哪里召开？",
    "科技成果赋智中小企业“深度行”青岛站活动在哪里举办？",
    "即墨区2022年的地区生产总值是多少？",
)
# Enough passages for a steady raw rate (the model's speed does not depend on the archive's size).
RAW_SAMPLE = 96
EXTRACT_SAMPLE = 50
SERVE_START_S = 600


# -- the archive and its ingest -------------------------------------------------------------------
def settings_for(index_dir: Path, cache: Path) -> Settings:
    return Settings(index_dir=index_dir, seeds_dir=ROOT / "seeds", embedder={"cache_path": cache})


def warm_cache(work: Path, cache: Path, embedder) -> int:
    """Embed the pool's passages once into the shared cache (a scratch ingest of the source issues)."""
    scratch = work / "warm-index"
    shutil.rmtree(scratch, ignore_errors=True)
    report = ingest(list(SOURCES), settings_for(scratch, cache), embedder=embedder, sinks=[], progress=False, cwd=ROOT)
    shutil.rmtree(scratch, ignore_errors=True)
    return report.passages_embedded


def parse_rate(paths: list[Path]) -> float:
    """Issues read and parsed per second."""
    started = time.perf_counter()
    for path in paths:
        parse_file(path)
    return len(paths) / (time.perf_counter() - started)


def ingest_archive(archive: Path, settings: Settings, embedder, work: Path):
    """The real ingest (default sinks: catalog and meeting records) into a fresh index."""
    shutil.rmtree(settings.index_dir, ignore_errors=True)
    return ingest([archive], settings, embedder=embedder, progress=False, cwd=work)


def passage_batches(settings: Settings, n: int) -> list[list[str]]:
    """`n` of the ingested passages, spread over the archive, in ingest's batch size."""
    manifest = Manifest(settings.index_dir)
    try:
        texts = [embed_text(node) for node in manifest.iter_nodes()]
    finally:
        manifest.close()
    step = max(1, len(texts) // n)
    sample = texts[::step][:n]
    return [sample[i : i + EMBED_BATCH] for i in range(0, len(sample), EMBED_BATCH)]


def raw_rate(embedder, batches: list[list[str]]) -> float:
    """Passages per second of the bare embedder (no cache, no index)."""
    started = time.perf_counter()
    for texts in batches:
        embedder.embed_passages(texts)
    return sum(map(len, batches)) / (time.perf_counter() - started)


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


# -- latency --------------------------------------------------------------------------------------
def timed_ms(call, questions, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            call(q)
            times.append((time.perf_counter() - started) * 1000)
    return times


def retrieval_ms(settings: Settings, embedder, rounds: int) -> list[float]:
    index = open_index(settings, embedder)
    try:
        timed_ms(index.search, QUESTIONS, 1)  # warm: jieba, BM25 load, Chroma's caches
        return timed_ms(index.search, QUESTIONS, rounds)
    finally:
        index.close()


def answer_ms(settings: Settings, rounds: int) -> list[float]:
    """Whole answers from the engine `qa serve` builds, after a first pass that loads everything."""
    from qa.answer.wiring import build_engine

    engine = build_engine(settings)
    timed_ms(engine.ask, QUESTIONS, 1)
    times = timed_ms(engine.ask, QUESTIONS, rounds)
    del engine
    gc.collect()
    return times


def extraction_ms(paths: list[Path], settings: Settings) -> list[float]:
    """Meeting extraction per issue on a sample of the archive, reading with the archive's known people as ingest does."""
    from qa.meetings.extract import extract_issue
    from qa.meetings.names import warm_up

    with MeetingStore.from_settings(settings) as store:
        known = store.known_people()
    warm_up()
    issues = [parse_file(p) for p in paths[:: max(1, len(paths) // EXTRACT_SAMPLE)][:EXTRACT_SAMPLE]]
    extract_issue(issues[0], known=known)
    times = []
    for issue in issues:
        started = time.perf_counter()
        extract_issue(issue, known=known)
        times.append((time.perf_counter() - started) * 1000)
    return times


# -- qa serve ------------------------------------------------------------------------------------
def peak_rss_mb(pid: int) -> float:
    """The high-water mark of resident memory (VmHWM) of a process and its children, in MB."""
    pids = [pid] + [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == pid]
    total = 0
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    return total / 1024


def _parent(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def serve_figures(settings: Settings, work: Path) -> tuple[float, list[float]]:
    """Start `qa serve` on the index, ask every question through its /ask API; its peak RSS and the answer times."""
    from gradio_client import Client

    port = free_port()
    # PYTHONPATH: the server runs this tree's code, whatever the venv's editable install points at
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_INDEX_DIR": str(settings.index_dir),
           "QA_EMBEDDER__CACHE_PATH": str(settings.embedder.cache_path)}
    log = (work / "serve.log").open("w")
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "qa"), "serve", "--no-index", "--port", str(port)],
                              cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until(answering(url), server, "qa serve", SERVE_START_S, pause=1)
        client = Client(url, verbose=False)
        timed_ms(lambda q: client.predict(question=q, api_name="/ask"), QUESTIONS, 1)
        times = timed_ms(lambda q: client.predict(question=q, api_name="/ask"), QUESTIONS, 1)
        return peak_rss_mb(server.pid), times
    finally:
        stop(server, grace=30)
        log.close()


# -- one size ------------------------------------------------------------------------------------
def measure(size: int, work: Path, cache: Path, embedder, args) -> dict:
    here = work / str(size)
    shutil.rmtree(here, ignore_errors=True)
    archive = here / "archive"
    paths = write_archive(archive, size)
    settings = settings_for(here / "index", cache)
    row: dict = {"issues": size, "parse_issues_s": parse_rate(paths)}
    say(size, f"parsed at {row['parse_issues_s']:.0f} issues/s; ingesting")

    report = ingest_archive(archive, settings, embedder, here)
    if report.failures:
        raise RuntimeError(f"ingest failed on {len(report.failures)} files: {report.failures[0]}")
    ingest_rate = report.chunks_written / report.seconds
    raw = raw_rate(embedder, passage_batches(settings, RAW_SAMPLE))
    cold = 1 / (1 / ingest_rate + 1 / raw)
    row.update(passages=report.chunks_written, embedded=report.passages_embedded, ingest_s=report.seconds,
               ingest_warm_p_s=ingest_rate, raw_p_s=raw, ingest_cold_p_s=cold, ratio=cold / raw,
               index_mb=dir_mb(settings.index_dir))
    say(size, f"ingested {report.chunks_written} passages in {report.seconds:.0f} s; timing questions")

    row.update(_percentiles("retrieval", retrieval_ms(settings, embedder, args.rounds)))
    row.update(_percentiles("answer", answer_ms(settings, args.rounds)))
    extract = extraction_ms(paths, settings)
    row.update(extract_ms=statistics.median(extract), extract_p95_ms=percentile(extract, 95))
    if args.serve:
        say(size, "starting qa serve")
        row["serve_peak_mb"], serve_times = serve_figures(settings, here)
        row.update(_percentiles("serve", serve_times))
    if not args.keep:
        shutil.rmtree(here, ignore_errors=True)
    return row


def _percentiles(name: str, times: list[float]) -> dict:
    return {f"{name}_p50_ms": percentile(times, 50), f"{name}_p95_ms": percentile(times, 95)}


def say(size: int, text: str) -> None:
    print(f"[{size} issues] {text}", file=sys.stderr, flush=True)


# -- the report ----------------------------------------------------------------------------------
# (row label, key, format); a key missing from a row (no serve run) shows as –
TABLE = (
    ("parse throughput (issues/s)", "parse_issues_s", "{:.0f}"),
    ("passages", "passages", "{:,}"),
    ("passages embedded during ingest (cache misses)", "embedded", "{:,}"),
    ("ingest, cache warm (passages/s)", "ingest_warm_p_s", "{:.1f}"),
    ("raw embedder (passages/s)", "raw_p_s", "{:.2f}"),
    ("ingest, cold, estimated (passages/s)", "ingest_cold_p_s", "{:.2f}"),
    ("ratio cold ingest / raw embedder", "ratio", "{:.2f}"),
    ("ingest wall time, cache warm (s)", "ingest_s", "{:.0f}"),
    ("index size on disk (MB)", "index_mb", "{:.1f}"),
    ("retrieval p50 / p95 (ms)", ("retrieval_p50_ms", "retrieval_p95_ms"), "{:.0f} / {:.0f}"),
    ("full answer p50 / p95 (ms)", ("answer_p50_ms", "answer_p95_ms"), "{:.0f} / {:.0f}"),
    ("answer through qa serve /ask p50 / p95 (ms)", ("serve_p50_ms", "serve_p95_ms"), "{:.0f} / {:.0f}"),
    ("qa serve peak RSS (MB)", "serve_peak_mb", "{:.0f}"),
    ("meeting extraction per issue, median / p95 (ms)", ("extract_ms", "extract_p95_ms"), "{:.0f} / {:.0f}"),
)


def cell(row: dict, key, fmt: str) -> str:
    keys = key if isinstance(key, tuple) else (key,)
    if any(k not in row for k in keys):
        return "–"
    return fmt.format(*(row[k] for k in keys))


def markdown(rows: list[dict], note: str) -> str:
    lines = ["| archive size (issues) | " + " | ".join(f"{r['issues']:,}" for r in rows) + " |",
             "|---|" + "---:|" * len(rows)]
    lines += [f"| {label} | " + " | ".join(cell(r, key, fmt) for r in rows) + " |" for label, key, fmt in TABLE]
    return "\n".join(lines) + "\n\n" + note + "\n"


def chart(rows: list[dict], path: Path) -> None:
    """Six panels of cost against archive size (log x): what should stay flat and what may grow."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["issues"] for r in rows]
    panels = (
        ("latency (ms)", [("retrieval p50", "retrieval_p50_ms"), ("retrieval p95", "retrieval_p95_ms"),
                          ("answer p50", "answer_p50_ms"), ("answer p95", "answer_p95_ms")]),
        ("ingest (passages/s)", [("cache warm", "ingest_warm_p_s"), ("cold, est.", "ingest_cold_p_s"),
                                 ("raw embedder", "raw_p_s")]),
        ("index on disk (MB)", [("index", "index_mb")]),
        ("qa serve peak RSS (MB)", [("peak RSS", "serve_peak_mb")]),
        ("extraction per issue (ms)", [("median", "extract_ms"), ("p95", "extract_p95_ms")]),
        ("parse (issues/s)", [("parse", "parse_issues_s")]),
    )
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for ax, (title, series) in zip(axes.flat, panels):
        for label, key in series:
            points = [(s, r[key]) for s, r in zip(sizes, rows) if key in r]
            if points:
                ax.plot(*zip(*points), marker="o", label=label)
        ax.set_xscale("log")
        ax.set_xticks(sizes, [f"{s:,}" for s in sizes])
        ax.minorticks_off()
        ax.set_title(title)
        ax.set_xlabel("archive size (issues)")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        if len(series) > 1:
            ax.legend(fontsize=8)
    fig.suptitle("Cost against archive size (synthetic archive, 2 cores)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def note(args, warmed: int) -> str:
    serve = ("`qa serve` peak RSS: VmHWM of the server process (and children) after it answered every question twice "
             "through /ask." if args.serve else "`qa serve` not started (--no-serve).")
    return (f"Synthetic archives from bench/make_archive.py (seed and dev articles recombined), {os.cpu_count()} cores, "
            f"{dt.date.today().isoformat()}. Latencies are warm, over {len(QUESTIONS)} questions × {args.rounds} rounds. "
            f"Ingest ran with a shared embedding cache already holding the pool's passages ({warmed} embedded "
            "beforehand), so its rate is everything but the model; the raw embedder is timed on "
            f"{RAW_SAMPLE} of the same passages, and the cold ingest is estimated as 1/(1/ingest + 1/raw). "
            f"Index size excludes the embedding cache. {serve} Extraction: {EXTRACT_SAMPLE} issues of the archive, "
            "read with the archive's known people.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,2500", help="archive sizes in issues, comma-separated")
    parser.add_argument("--rounds", type=int, default=2, help="timed passes over the questions")
    parser.add_argument("--work", type=Path, help="build archives and indexes here (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep each size's archive and index (with --work)")
    parser.add_argument("--no-serve", dest="serve", action="store_false", help="skip starting qa serve")
    parser.add_argument("--out", type=Path, default=OUT, help="where the table, JSON and chart go")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        cache = work / "embeddings.sqlite"
        embedder = make_embedder(settings_for(work / "unused", cache).embedder)
        warmed = warm_cache(work, cache, embedder)
        rows = []
        for size in sizes:
            rows.append(measure(size, work, cache, embedder, args))
            print(markdown(rows, ""), file=sys.stderr, flush=True)  # a long run shows each size as it ends

    table = markdown(rows, note(args, warmed))
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "archive_scale.md").write_text(table, encoding="utf-8")
    (args.out / "archive_scale.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    chart(rows, args.out / "archive_scale.png")
    print(f"written: {args.out / 'archive_scale.md'}, .json, .png", file=sys.stderr)


if __name__ == "__main__":
    main()
