"""``notoneless graph build|start|stop|status|init`` and, for now, ``notoneless demo``."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.table import Table

from notoneless.config import Settings
from notoneless.graph import cypher_files, server, server_build
from notoneless.graph.store import GraphStore, open_graph


def _note_remote(settings: Settings, console: Console) -> None:
    if not settings.local_graph:
        console.print(
            f"注意 NOTONELESS_GRAPH_URI={settings.graph_uri} 已设置：运行时使用该服务器，本命令只管理本地服务器。"
            " (the configured server is used for runs; this command manages the local one)"
        )


def build(settings: Settings, console: Console, *, force: bool = False) -> None:
    started = time.monotonic()
    server_dir = server_build.default_server_dir(settings)
    if server_build.build(settings, server_dir=server_dir, force=force):
        console.print(f"已构建本地 Neo4j 服务器 (built {server_dir}) 用时 {time.monotonic() - started:.0f} 秒")
    else:
        console.print(f"本地 Neo4j 服务器已是最新 ({server_dir} is up to date)")
    with console.status("正在准备服务器的启动缓存 (AOT cache, once per build, ~25 s) …"):
        cache = server.prepare_aot_cache(settings, server_dir=server_dir)
    if cache is not None:
        console.print(f"服务器启动缓存 (AOT cache): {cache}")


def start(settings: Settings, console: Console) -> None:
    _note_remote(settings, console)
    status = server.start(settings)
    if status.started:
        console.print(f"本地 Neo4j 已启动 (started): {status.uri}  pid {status.pid}")
        console.print(f"数据目录 {server.server_paths(settings).home}，密码文件 password（仅本用户可读）")
    else:
        console.print(f"本地 Neo4j 已在运行，未重复启动 (already running): {status.uri}  pid {status.pid}")


def stop(settings: Settings, console: Console) -> None:
    _note_remote(settings, console)
    with console.status("正在停止本地 Neo4j (stopping, ~10 s) …"):
        was_running = server.stop(settings)
    console.print("本地 Neo4j 已停止 (stopped)" if was_running else "本地 Neo4j 未在运行 (not running)")


def _print_graph(store: GraphStore, console: Console) -> None:
    console.print(f"Neo4j {store.server_version()}  {store.uri}")
    counts = store.node_counts()
    table = Table("标签 label", "节点数 nodes", title="各标签节点数 (nodes per label)")
    for label, nodes in counts.items():
        table.add_row(label, f"{nodes:,}")
    if counts:
        console.print(table)
    else:
        console.print("图中尚无标签 (no labels yet): 运行 `notoneless graph init` 建立约束与索引")


def status(settings: Settings, console: Console) -> None:
    if not settings.local_graph:
        assert settings.graph_uri is not None
        with open_graph(settings) as store:
            console.print(f"使用已配置的 Neo4j 服务器 (configured server): {settings.graph_uri}")
            _print_graph(store, console)
        return
    current = server.status(settings)
    if not current.running or current.uri is None:
        console.print("本地 Neo4j 未运行 (not running)：用 `notoneless graph start` 启动")
        raise typer.Exit(1)
    console.print(f"本地 Neo4j 正在运行 (running)  pid {current.pid}")
    with GraphStore.connect(current.uri, "neo4j", server.read_password(settings)) as store:
        _print_graph(store, console)


def init(settings: Settings, console: Console) -> None:
    with open_graph(settings) as store:
        store.init_schema()
        applied = {
            name: len(cypher_files.read_statements(store.schema_dir / name))
            for name in cypher_files.SCHEMA_FILES
            if (store.schema_dir / name).is_file()
        }
    listed = "，".join(f"{name} {count} 条" for name, count in applied.items())
    console.print(f"图模式已建立 (schema applied, idempotent): {listed}")


def demo(settings: Settings, console: Console) -> None:
    """Until the sample generator lands: build, start, init, status (the server keeps running)."""
    build(settings, console)
    start(settings, console)
    init(settings, console)
    status(settings, console)
    console.print("停止本地 Neo4j: `notoneless graph stop`")
