"""`qa serve`: the web app on the embedded defaults, building (or repairing) the index before it serves."""

from __future__ import annotations

import sys

import click

PASSWORD_IN_ARGS = ("提示：命令行中的密码会出现在进程列表（ps）中。可改用 --auth-file 文件（每行 用户名:密码），"
                    "或环境变量 QA_SERVER__AUTH='[[\"用户名\", \"密码\"]]'。")


def _auth(_ctx, _param, values: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        user, sep, password = value.partition(":")
        if not sep or not user or not password:
            # never echo the value: it may hold a password
            raise click.BadParameter("应写成 用户名:密码；或用 --auth-file 从文件读取用户和密码。")
        pairs.append((user, password))
    return pairs


def users_for(auth: list[tuple[str, str]], auth_file, settings) -> list[tuple[str, str]]:
    """The logins: --auth and --auth-file when given, else the configured ones (settings.server.auth, .auth_file)."""
    from qa.app.logins import loose_permissions, read_auth_file

    file = auth_file or settings.server.auth_file
    users = list(auth) or [tuple(pair) for pair in settings.server.auth]
    if file:
        if loose_permissions(file):
            click.echo(f"提示：密码文件 {file} 其他用户也能读取，建议 chmod 600 {file}。", err=True)
        users += read_auth_file(file)
    return users


@click.command("serve")
@click.option("--host", default=None, help="address to listen on (default: settings, 127.0.0.1)")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="port (default: settings, 7860)")
@click.option("--auth", "auth", multiple=True, callback=_auth, metavar="USER:PASS",
              help="require a login (repeatable); overrides the configured users. Shows in the process list: "
                   "prefer --auth-file or QA_SERVER__AUTH")
@click.option("--auth-file", type=click.Path(dir_okay=False), default=None,
              help="require a login: a file of user:password lines (default: settings server.auth_file)")
@click.option("--admin", "admins", multiple=True, metavar="USER",
              help="user allowed to add issues when a login is required (repeatable; adds to the configured admins)")
@click.option("--index-if-empty/--no-index", default=True, show_default=True,
              help="ingest the seeds folder first when the index holds no issue (and finish or repair a broken one)")
def serve_cmd(host, port, auth, auth_file, admins, index_if_empty) -> None:
    """Serve the chat app (offline, no share link); the answer API is /ask for gradio_client."""
    from qa import offline
    from qa.settings import load_settings

    offline.set_offline_env()  # before gradio is imported: it reads some switches at import time
    settings = load_settings()
    if auth:
        click.echo(PASSWORD_IN_ARGS, err=True)
    users = users_for(auth, auth_file, settings)
    from qa.app.logins import Logins
    from qa.app.serve import ensure_index, go_offline, index_trouble, launch, make_app

    go_offline(settings)
    trouble = index_trouble(settings)
    if trouble:
        if not index_if_empty:
            raise click.ClickException(
                f"索引 {settings.index_dir}：{trouble}。去掉 --no-index 让 qa serve 先导入或修复，或运行 qa ingest。"
            )
        click.echo(f"{trouble}，正在从 {settings.seeds_dir} 导入或修复索引（可随时 Ctrl+C，下次启动会接着做）……", err=True)
        from qa.cli.interrupt import stop_on_ctrl_c
        from qa.errors import IngestCancelled

        try:
            with stop_on_ctrl_c() as cancel:
                report = ensure_index(settings, progress=True, cancel=cancel)
                if cancel():
                    raise IngestCancelled("")  # asked while the last steps ran: stop rather than serve
        except (KeyboardInterrupt, IngestCancelled):
            click.echo("\n导入已中断：已导入的期次都保留，下次启动 qa serve 会接着导入。", err=True)
            sys.exit(130)
        for exc in report.failures if report else []:
            click.echo(f"  无法导入：{exc}", err=True)
    admin_names = list(dict.fromkeys([*settings.server.admins, *admins]))
    demo = make_app(settings, login=bool(users), admins=admin_names, warm=True)
    host, port = host or settings.server.host, port or settings.server.port
    logins = Logins(users, settings.server.login_max_failures, settings.server.login_lockout_s) if users else ()
    click.echo(f"新即墨报纸问答：http://{host}:{port}/ （接口 /ask；Ctrl+C 退出）", err=True)
    # gradio refuses far bigger uploads before storing them; those just over the limit reach
    # the indexer, which says in Chinese what the limit is and how to raise it.
    launch(demo, host=host, port=port, auth=logins, block=True, quiet=True,
           max_file_size=4 * settings.upload.max_bytes)


COMMANDS = [serve_cmd]
