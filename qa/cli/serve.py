"""`qa serve`: the web app on the embedded defaults, building the index from the seeds when it is empty."""

from __future__ import annotations

import click


def _auth(_ctx, _param, values: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        user, sep, password = value.partition(":")
        if not sep or not user or not password:
            raise click.BadParameter(f"应写成 用户名:密码（收到 {value!r}）")
        pairs.append((user, password))
    return pairs


@click.command("serve")
@click.option("--host", default=None, help="address to listen on (default: settings, 127.0.0.1)")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="port (default: settings, 7860)")
@click.option("--auth", "auth", multiple=True, callback=_auth, metavar="USER:PASS",
              help="require a login (repeatable); overrides the configured users")
@click.option("--admin", "admins", multiple=True, metavar="USER",
              help="user allowed to add issues when a login is required (repeatable; adds to the configured admins)")
@click.option("--index-if-empty/--no-index", default=True, show_default=True,
              help="ingest the seeds folder first when the index holds no issue")
def serve_cmd(host, port, auth, admins, index_if_empty) -> None:
    """Serve the chat app (offline, no share link); the answer API is /ask for gradio_client."""
    from qa import offline
    from qa.settings import load_settings

    offline.set_offline_env()  # before gradio is imported: it reads some switches at import time
    settings = load_settings()
    from qa.app.serve import ensure_index, go_offline, index_is_empty, launch, make_app

    go_offline(settings)
    if index_is_empty(settings):
        if not index_if_empty:
            click.echo(f"索引 {settings.index_dir} 为空：去掉 --no-index 以先导入 {settings.seeds_dir}，或运行 qa ingest。", err=True)
        else:
            click.echo(f"索引为空，正在导入 {settings.seeds_dir} ……", err=True)
            report = ensure_index(settings, progress=True)
            for exc in report.failures:
                click.echo(f"  无法导入：{exc}", err=True)
    users = auth or [tuple(pair) for pair in settings.server.auth]
    admin_names = list(dict.fromkeys([*settings.server.admins, *admins]))
    demo = make_app(settings, login=bool(users), admins=admin_names)
    host, port = host or settings.server.host, port or settings.server.port
    click.echo(f"新即墨报纸问答：http://{host}:{port}/ （接口 /ask；Ctrl+C 退出）", err=True)
    launch(demo, host=host, port=port, auth=users, block=True, quiet=True)


COMMANDS = [serve_cmd]
