"""The local server stopping under a command (issue 18, case 6): the officer gets one
Chinese line with the next step, not the driver's English ServiceUnavailable."""

from __future__ import annotations

import pytest

from notoneless.config import Settings
from notoneless.errors import GraphError
from notoneless.graph import server
from notoneless.graph.store import open_graph

pytestmark = pytest.mark.graph


def test_local_server_stopped_mid_work_is_one_chinese_line_with_the_next_step(tmp_path):
    settings = Settings(workspace=tmp_path / "ws", graph_uri=None, graph_port=server.free_port(),
                        graph_heap="384m", graph_pagecache="64m")
    try:
        with open_graph(settings, create=True) as store:  # a new workspace of its own
            assert store.node_counts() is not None
            server.stop(settings)  # as if the server died in the middle of a run
            with pytest.raises(GraphError) as gone:
                store.read("store/node_counts")  # not retried: fails at once (query() retries ~30 s first)
    finally:
        server.stop(settings)
    assert str(gone.value) == "本地图数据库已停止：请运行 notoneless graph start 后重试"
