"""Starting the app: offline switches, the index (built from the seeds when empty), the engine, the server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import gradio as gr

from qa import offline
from qa.answer.wiring import build_engine, ingest_sinks
from qa.app.indexer import ArchiveIndexer
from qa.app.ui import CSS, Access, build_app
from qa.catalog import Catalog
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
    """Library switches off, and no connection but loopback and the configured LLM/Chroma hosts."""
    offline.set_offline_env()
    hosts = [settings.llm.base_url if settings.llm.backend == "openai" else None,
             settings.chroma.host if settings.chroma.mode == "server" else None]
    offline.install_network_guard(hosts)


def index_is_empty(settings: Settings) -> bool:
    catalog = Catalog.open(settings.index_dir)
    try:
        return catalog.counts()["issues"] == 0
    finally:
        catalog.close()


def ensure_index(settings: Settings, progress: bool = True) -> IngestReport | None:
    """Ingest settings.seeds_dir when the index holds no issue yet; None when there was nothing to do."""
    if not index_is_empty(settings):
        return None
    return ingest([settings.seeds_dir], settings, sinks=ingest_sinks(settings), progress=progress)


@dataclass
class Running:
    """A started app: its Blocks, local URL and a way to stop it."""

    demo: gr.Blocks
    url: str

    def close(self) -> None:
        self.demo.close()


def make_app(settings: Settings, *, login: bool = False, admins: list[str] = (),
             engine_factory: Callable | None = None) -> gr.Blocks:
    """The app on the configured index: engine, catalog and meeting store built here, at the edge."""
    factory = engine_factory or (lambda: build_engine(settings))
    indexer = ArchiveIndexer(settings, factory)
    return build_app(factory(), Catalog.open(settings.index_dir), MeetingStore.from_settings(settings),
                     indexer=indexer, access=Access(login=login, admins=list(admins)))


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, auth: list[tuple[str, str]] = (),
           block: bool = True, quiet: bool = False) -> Running:
    """Serve the app (queued, no share link, no SSR node server); returns at once unless `block`."""
    demo.queue(default_concurrency_limit=4)
    _, url, _ = demo.launch(
        server_name=host, server_port=port, share=False, auth=list(auth) or None,
        auth_message="新即墨报纸问答：请登录。", prevent_thread_lock=True, show_error=True, quiet=quiet,
        ssr_mode=False, theme=THEME, css=CSS, footer_links=["api"], enable_monitoring=False, mcp_server=False,
        run_history=False,
    )
    running = Running(demo, url)
    if block:
        try:
            demo.block_thread()
        finally:
            running.close()
    return running
