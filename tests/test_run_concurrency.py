"""One run at a time per workspace (issue 18, case 2): while a run holds the workspace,
a second run is refused with one Chinese line naming the running run (its id, its start
time, its PID), the local server cannot be stopped under it, and the run that holds
the workspace gives the same findings as a run alone."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest
from rich.console import Console

from notoneless.checks.catalogue import CHECKS
from notoneless.errors import NotOneLessError
from notoneless.graph import server
from notoneless.run import run_bundle

pytestmark = pytest.mark.graph

HANDMADE = Path(__file__).parent / "fixtures" / "handmade_bundle"
FINDINGS = [f"findings/{c.KIND}.csv" for c in CHECKS]


class _PausingConsole(Console):
    """A console that, at the run's first line (printed once the run holds the
    workspace), tells the test and waits until the test lets it go on."""

    def __init__(self) -> None:
        super().__init__(file=io.StringIO(), width=200)
        self.holding, self.go_on, self.first_line = threading.Event(), threading.Event(), ""

    def print(self, *objects, **kwargs) -> None:
        if not self.holding.is_set():
            self.first_line = " ".join(str(o) for o in objects)
            self.holding.set()
            self.go_on.wait()
        super().print(*objects, **kwargs)


def test_a_second_run_is_refused_while_one_runs_and_the_first_is_unharmed(graph, graph_settings, tmp_path):
    console = _PausingConsole()
    result: dict[str, object] = {}

    def first() -> None:
        try:
            result["report"] = run_bundle(HANDMADE, tmp_path / "out1", graph_settings, console=console)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            result["error"] = exc

    thread = threading.Thread(target=first)
    thread.start()
    try:
        console.holding.wait()
        with pytest.raises(NotOneLessError) as refused:
            run_bundle(HANDMADE, tmp_path / "out2", graph_settings, console=Console(file=io.StringIO()))
        with pytest.raises(NotOneLessError) as stop_refused:
            server.stop(graph_settings)
    finally:
        console.go_on.set()
        thread.join()
    assert "error" not in result, result.get("error")
    run_id = result["report"].run_id
    assert refused.value.code == stop_refused.value.code == "WORKSPACE_BUSY"
    message = str(refused.value)
    assert "\n" not in message and run_id in console.first_line
    assert f"运行编号 {run_id}" in message and f"进程 {os.getpid()}" in message and "开始于 " in message
    assert "请等它结束后重试" in message and "停止本地图数据库" not in message
    assert "比对" in str(stop_refused.value)
    assert not (tmp_path / "out2").exists()
    assert server.status(graph_settings).running

    alone = run_bundle(HANDMADE, tmp_path / "out3", graph_settings, console=Console(file=io.StringIO()))
    assert alone.findings == result["report"].findings
    for name in FINDINGS:
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out3" / name).read_bytes(), name
