"""``notoneless explain A B``: render ``linkage.explain_pair`` for an officer (rich table, Chinese)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from notoneless.config import Settings
from notoneless.linkage.explain import Explanation, explain_last_run


def render(ex: Explanation, console: Console) -> None:
    """The same plain wording as the review page (``linkage.explain``: each row's verdict,
    note, strength and bar; the summary and the decision)."""
    table = Table(title=f"记录 {ex.key_a} 与 {ex.key_b} 的比对", show_lines=False)
    table.add_column("比较项")
    table.add_column(ex.key_a)
    table.add_column(ex.key_b)
    table.add_column("判定")
    table.add_column("分量")
    for r in ex.rows:
        style = "green" if r.match_weight > 0 else "red"
        bar = f"[{style}]{'█' * r.bar}[/] " if r.bar else ""
        said = r.verdict.split("：", 1)[-1] if r.verdict else r.level
        if r.note:
            said += f"（{r.note}）"
        table.add_row(r.name, r.value_a, r.value_b, said, f"{bar}{r.strength}")
    table.add_section()
    table.add_row("合计", "", "", ex.summary, "")
    console.print(table)
    console.print(f"结论：{ex.decision}")
    for note in ex.notes:
        console.print(f"  · {note}")
    console.print("[dim]分量：条越长，这一项越能说明是（绿）或不是（红）同一人；各项合起来得出结论。[/]")


def run(key_a: str, key_b: str, settings: Settings, console: Console, *, by: str | None = None) -> Explanation:
    """Explain the pair for the reader ``by`` (else NOTONELESS_USER), the read audited (``pair_explain``)
    before it is shown."""
    from notoneless.access.audit import PAIR_EXPLAIN, record_read
    from notoneless.access.users import find_user
    from notoneless.errors import NotFound
    from notoneless.graph.store import open_graph

    with open_graph(settings) as store:
        reader = find_user(store, by or settings.user)
        # the reader's scope, as in the API (GET /linkage/explain): out of it is as not found
        found = {r["record_key"] for r in store.query("api/records/in_scope", record_keys=[key_a, key_b],
                                                       **reader.scope())}
        missing = [k for k in (key_a, key_b) if k not in found]
        if missing:
            raise NotFound(f"辖区内没有记录 {'、'.join(missing)}：记录键的格式是 <系统>:<行号>，例如 xueji:17。")
        ex = explain_last_run(settings, key_a, key_b)
        record_read(store, reader, PAIR_EXPLAIN, person_ids=sorted({p for p in (ex.person_a, ex.person_b) if p}),
                    target=f"{key_a} {key_b}")
    render(ex, console)
    return ex
