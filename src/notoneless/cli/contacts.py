"""``notoneless contacts …``: 三包 responsible contacts — assign, release, replace,
status, register, monthly visit lists, town rosters. The typer group and its shared
option help texts; the work is in ``notoneless.commands.contacts``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from notoneless.cli.consoles import BY_HELP, console

contacts_app = typer.Typer(
    help="三包联系人：指派、解除、更换、在岗状态、登记，每月走访清单，乡镇三包花名册。"
    "Responsible contacts: assign, release, replace, status, register; visit lists; town rosters.",
    no_args_is_help=True,
)

_DUTY_HELP = "包保类型：包村、包户、包人"
_TARGET_HELP = "对象（可多次使用）：包村为村级区划代码，包户为户号/户编号（或 hukou:… / fupin:…），包人为人员编号、身份证号或学籍号"
_VILLAGE_HELP = "整村批量：包人为该村全部三包对象儿童，包户为该村全部建档立卡户，包村为该村"


@contacts_app.command("assign")
def contacts_assign_command(
    contact_id: str = typer.Argument(..., help="联系人编号"),
    duty_type: str = typer.Option(..., "--type", help=_DUTY_HELP),
    target: list[str] = typer.Option([], "--target", help=_TARGET_HELP),
    village: str = typer.Option(None, "--village", help=_VILLAGE_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    note: str = typer.Option(None, "--note", help="备注"),
) -> None:
    """指派联系人（逐个或整村批量），记为不可修改的指派记录，立即生效，下次比对计入三包缺位。
    Assign a contact to targets, one by one or for a whole village."""
    from notoneless.commands.contacts import assign_command
    from notoneless.config import get_settings

    assign_command(get_settings(), console, contact_id, duty_type, target, village, by, note)


@contacts_app.command("release")
def contacts_release_command(
    contact_id: str = typer.Argument(..., help="联系人编号"),
    duty_type: str = typer.Option(..., "--type", help=_DUTY_HELP),
    target: list[str] = typer.Option([], "--target", help=_TARGET_HELP),
    village: str = typer.Option(None, "--village", help=_VILLAGE_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    note: str = typer.Option(None, "--note", help="备注"),
) -> None:
    """解除联系人的包保责任（也解除数据包中的同一责任，除非之后的数据包再次列出）。
    Release a contact from a duty for targets."""
    from notoneless.commands.contacts import release_command
    from notoneless.config import get_settings

    release_command(get_settings(), console, contact_id, duty_type, target, village, by, note)


@contacts_app.command("replace")
def contacts_replace_command(
    old_contact_id: str = typer.Argument(..., help="原联系人编号"),
    new_contact_id: str = typer.Argument(..., help="新联系人编号"),
    duty_type: str = typer.Option(..., "--type", help=_DUTY_HELP),
    target: list[str] = typer.Option([], "--target", help=_TARGET_HELP),
    village: str = typer.Option(None, "--village", help=_VILLAGE_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    note: str = typer.Option(None, "--note", help="备注"),
) -> None:
    """更换联系人：解除原联系人、指派新联系人，一次完成。Replace a contact (release + assign in one transaction)."""
    from notoneless.commands.contacts import replace_command
    from notoneless.config import get_settings

    replace_command(get_settings(), console, old_contact_id, new_contact_id, duty_type, target, village, by, note)


@contacts_app.command("status")
def contacts_status_command(
    contact_id: str = typer.Argument(..., help="联系人编号"),
    status: str = typer.Argument(..., help="在岗 或 离岗"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    note: str = typer.Option(None, "--note", help="备注，如 调离、退休"),
) -> None:
    """设置联系人在岗/离岗；离岗联系人的全部包保责任成为缺位。Set a contact 在岗 or 离岗."""
    from notoneless.commands.contacts import status_command
    from notoneless.config import get_settings

    status_command(get_settings(), console, contact_id, status, by, note)


@contacts_app.command("register")
def contacts_register_command(
    contact_id: str = typer.Argument(..., help="联系人编号（数据包中没有的）"),
    name: str = typer.Option(..., "--name", help="姓名"),
    phone: str = typer.Option(None, "--phone", help="手机号"),
    unit: str = typer.Option(None, "--unit", help="单位"),
    county: str = typer.Option(None, "--county", help="所属县（6 位县级区划代码）；默认为办理人所在的县"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    note: str = typer.Option(None, "--note", help="备注"),
) -> None:
    """登记数据包中没有的联系人（在岗），之后即可指派。Register a contact no bundle lists."""
    from notoneless.commands.contacts import register_command
    from notoneless.config import get_settings

    register_command(get_settings(), console, contact_id, name, phone, unit, by, note, county)


@contacts_app.command("visits")
def contacts_visits_command(
    contact_id: str = typer.Argument(..., help="联系人编号"),
    month: str = typer.Option(None, "--month", help="月份 YYYY-MM（默认：最近一次比对基准日所在月）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """联系人每月走访清单：本月已走访、本月待走访、逾期。A contact's monthly visit list."""
    from notoneless.commands.contacts import visits_command
    from notoneless.config import get_settings

    visits_command(get_settings(), console, contact_id, month, by)


@contacts_app.command("roster")
def contacts_roster_command(
    town: str = typer.Option(..., "--town", help="乡镇区划代码（9 位）"),
    out: Path = typer.Option(..., "--out", help="输出的 XLSX 文件"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    reveal: bool = typer.Option(False, "--reveal", help="显示完整手机号（仅省级管理员、县级数据员）"),
) -> None:
    """导出乡镇三包花名册（包村、包户、包人，含缺位标记）为 XLSX。Export a town's 三包 roster as XLSX."""
    from notoneless.commands.contacts import roster_command
    from notoneless.config import get_settings

    roster_command(get_settings(), console, town, out, by, reveal)
