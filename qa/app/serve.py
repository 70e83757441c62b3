"""Starting the app: offline switches, the index (built from the seeds when empty, repaired when broken), the engine, the server."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import gradio as gr

from qa import offline
from qa.answer.wiring import build_engine, ingest_sinks
from qa.app.indexer import UPLOADS_DIR, ArchiveIndexer
from qa.app.logins import Logins
from qa.app.ui import CSS, Access, build_app
from qa.catalog import Catalog
from qa.index.health import inspect_index
from qa.index.manifest import Manifest
from qa.ingest import IngestReport, ingest
from qa.meetings.store import MeetingStore
from qa.settings import Settings

THEME = gr.themes.Default(
    primary_hue="red",
    # CJK fallbacks by name only: a web font would be fetched from the internet
    font=[gr.themes.LocalFont("Source Sans Pro"), "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei",
          "sans-serif"],
)


def go_offline(settings: Settings) -> None:
    """Library switches off, and no connection but loopback and the configured LLM/embedder/Chroma hosts."""
    offline.set_offline_env()
    hosts = [settings.llm.base_url if settings.llm.backend == "openai" else None,
             settings.embedder.base_url if settings.embedder.backend == "openai" else None,
             settings.chroma.host if settings.chroma.mode == "server" else None]
    offline.install_network_guard(hosts)


def index_is_empty(settings: Settings) -> bool:
    catalog = Catalog.open(settings.index_dir)
    try:
        return catalog.counts()["issues"] == 0
    finally:
        catalog.close()


def index_trouble(settings: Settings) -> str | None:
    """Why the index cannot be served as it is (in Chinese), or None when it is whole."""
    health = inspect_index(settings)
    if health.ready and not index_is_empty(settings):
        return None
    return health.describe() if not health.ready else "索引为空"


def ensure_index(settings: Settings, progress: bool = True, cancel: Callable[[], bool] | None = None) -> IngestReport | None:
    """Make the index whole before serving; None when it already was.

    Empty: ingest settings.seeds_dir. A run killed midway (the first start's seeds, an
    upload): finish it. BM25 missing or stale, a half-written file: any run repairs them.
    Chroma out of step with the manifest: rebuild from every indexed file still on disk.
    `cancel` stops it between batches (qa.ingest), leaving what was finished and the run to resume.
    """
    health = inspect_index(settings)
    if health.ready and not index_is_empty(settings):
        return None
    sinks = ingest_sinks(settings)
    seeds = Path(settings.seeds_dir)
    if health.out_of_step:
        cwd = Path.cwd()
        uploads = Path(settings.index_dir) / UPLOADS_DIR
        paths = [p for p in [seeds, uploads, *(cwd / s for s in health.sources)] if p.exists()]
        return ingest(list(dict.fromkeys(paths)), settings, sinks=sinks, rebuild=True, progress=progress, cancel=cancel)
    reports = []
    for run in health.unfinished:
        paths = [p for p in run["paths"] if Path(p).exists()]
        if paths:
            reports.append(ingest(paths, settings, sinks=sinks, progress=progress, cwd=run["cwd"], cancel=cancel))
        else:
            _forget_run(settings, run)  # its files are gone: nothing left to finish
    if not reports:
        reports.append(ingest([seeds], settings, sinks=sinks, progress=progress, cancel=cancel))
    return merge_reports(reports)


def _forget_run(settings: Settings, run: dict) -> None:
    manifest = Manifest(settings.index_dir)
    try:
        manifest.end_run(run["cwd"], run["paths"])
    finally:
        manifest.close()


def merge_reports(reports: list[IngestReport]) -> IngestReport:
    """One report for several runs."""
    total = IngestReport()
    for r in reports:
        for name in ("added", "replaced", "unchanged", "removed", "duplicates", "failures"):
            getattr(total, name).extend(getattr(r, name))
        total.chunks_written += r.chunks_written
        total.passages_embedded += r.passages_embedded
        total.seconds += r.seconds
        total.bm25_rebuilt |= r.bm25_rebuilt
    return total


@dataclass
class Running:
    """A started app: its Blocks, local URL and a way to stop it."""

    demo: gr.Blocks
    url: str

    def close(self) -> None:
        self.demo.close()


def make_app(settings: Settings, *, login: bool = False, admins: list[str] = (),
             engine_factory: Callable | None = None, warm: bool = False) -> gr.Blocks:
    """The app on the configured index: engine, catalog and meeting store built here, at the edge.

    `warm`: read the bilingual dictionary in the background now (about 5 s of one core), so the first
    English question does not wait for it (`qa serve` does; tests need not)."""
    factory = engine_factory or (lambda: build_engine(settings))
    indexer = ArchiveIndexer(settings, factory)
    engine = factory()
    if warm and getattr(engine, "bridge", None) is not None:
        engine.bridge.warm()
    return build_app(engine, Catalog.open(settings.index_dir), MeetingStore.from_settings(settings),
                     indexer=indexer, access=Access(login=login, admins=list(admins)),
                     answer_concurrency=settings.server.answer_concurrency)


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, auth: list[tuple[str, str]] | Logins = (),
           block: bool = True, quiet: bool = False, max_file_size: int | None = None) -> Running:
    """Serve the app (queued, no share link, no SSR node server); returns at once unless `block`.

    `auth` pairs are checked by a throttled `Logins` unless one is given; `max_file_size`
    makes gradio refuse bigger uploads before storing them.
    """
    demo.queue(default_concurrency_limit=4)
    logins = auth if isinstance(auth, Logins) else (Logins(list(auth)) if auth else None)
    _, url, _ = demo.launch(
        server_name=host, server_port=port, share=False, auth=logins,
        auth_message="新即墨报纸问答：请登录。连续输错多次后需等待一段时间再试。", prevent_thread_lock=True,
        show_error=True, quiet=quiet, ssr_mode=False, theme=THEME, css=CSS, footer_links=["api"],
        enable_monitoring=False, mcp_server=False, run_history=False, max_file_size=max_file_size,
    )
    running = Running(demo, url)
    if block:
        try:
            demo.block_thread()
        finally:
            running.close()
    return running
