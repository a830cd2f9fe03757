"""``notoneless contacts …``: officers' 三包 actions, a contact's monthly visit list, a
town's roster workbook. ``--by`` names the acting officer, a registered user
(``notoneless users add``; without ``--by``, the local user ``NOTONELESS_USER``): their
role must allow the action and every target must lie in their division, as in the API."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from notoneless.access.users import Caller, find_user
from notoneless.config import Settings
from notoneless.contacts import actions
from notoneless.contacts.roster import write_roster
from notoneless.contacts.visits import visit_list
from notoneless.graph.store import GraphStore, open_graph


def _officer(store: GraphStore, settings: Settings, by: str | None) -> Caller:
    """The registered user who acts: ``--by``, else the configured local user (NOTONELESS_USER)."""
    return find_user(store, by or settings.user)


def _print(console: Console, result: actions.ActionResult) -> None:
    console.print(result.describe(), highlight=False)


def assign_command(settings: Settings, console: Console, contact_id: str, duty_type: str, targets: list[str],
                   village: str | None, by: str | None, note: str | None) -> None:
    with open_graph(settings) as store:
        _print(console, actions.assign(store, _officer(store, settings, by), contact_id, duty_type, targets=targets,
                                       village=village, note=note))


def release_command(settings: Settings, console: Console, contact_id: str, duty_type: str, targets: list[str],
                    village: str | None, by: str | None, note: str | None) -> None:
    with open_graph(settings) as store:
        _print(console, actions.release(store, _officer(store, settings, by), contact_id, duty_type, targets=targets,
                                        village=village, note=note))


def replace_command(settings: Settings, console: Console, old: str, new: str, duty_type: str, targets: list[str],
                    village: str | None, by: str | None, note: str | None) -> None:
    with open_graph(settings) as store:
        _print(console, actions.replace(store, _officer(store, settings, by), old, new, duty_type, targets=targets,
                                        village=village, note=note))


def status_command(settings: Settings, console: Console, contact_id: str, status: str, by: str | None,
                   note: str | None) -> None:
    with open_graph(settings) as store:
        _print(console, actions.set_status(store, _officer(store, settings, by), contact_id, status, note=note))


def register_command(settings: Settings, console: Console, contact_id: str, name: str, phone: str | None,
                     unit: str | None, by: str | None, note: str | None, county: str | None = None) -> None:
    with open_graph(settings) as store:
        _print(console, actions.register(store, _officer(store, settings, by), contact_id, name, phone=phone, unit=unit,
                                         note=note, county=county))


def visits_command(settings: Settings, console: Console, contact_id: str, month: str | None, by: str | None) -> None:
    with open_graph(settings) as store:
        listing = visit_list(store, _officer(store, settings, by), contact_id, month)
    c = listing.contact
    counts = listing.counts()
    table = Table(title=f"{c['contact_id']} {c.get('name') or ''}（{c.get('status') or ''}）{listing.month} 走访清单"
                        f"（截至 {listing.as_of:%Y-%m-%d}）")
    for header in ("包保类型", "对象", "姓名/户主", "村级区划代码", "最近走访日期", "状态"):
        table.add_column(header)
    for i in listing.items:
        table.add_row(i["duty_type"], i["target"], i.get("name") or "", i.get("village_code") or "",
                      f"{i['last_visit']:%Y-%m-%d}" if i["last_visit"] else "", i["status"])
    console.print(table)
    console.print("；".join(f"{k} {v}" for k, v in counts.items()), highlight=False)


def roster_command(settings: Settings, console: Console, town: str, out: Path, by: str | None, reveal: bool) -> None:
    with open_graph(settings) as store:
        sheets = write_roster(store, _officer(store, settings, by), town, out, reveal=reveal)
    console.print(f"已导出 {out}：" + "，".join(f"{s.title} {len(s.rows)} 行" for s in sheets), highlight=False)
