"""三包 actions of officers (assign, release, replace, status, register), a contact's
monthly visit list and a town's roster workbook — through ``notoneless.contacts``, with
the API's scoping (404 outside the caller's division), 403 for 只读审计 and masking."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from notoneless.access import audit
from notoneless.access.masking import mask
from notoneless.access.users import AUDIT_READERS
from notoneless.api.audits import audit_read_sync, publish_journal
from notoneless.api.convert import plain_leaf
from notoneless.api.deps import CurrentCaller, Page, Store
from notoneless.api.models import AuditEvent, PageOf
from notoneless.contacts import actions
from notoneless.contacts.roster import write_roster
from notoneless.contacts.visits import visit_list
from notoneless.errors import Forbidden

router = APIRouter(prefix="/contacts", tags=["contacts"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ContactId = Annotated[str, Path(min_length=1, max_length=40, description="联系人编号")]
DutyType = Literal["包村", "包户", "包人"]
VILLAGE = r"^[0-9]{12}$"


class TargetsRequest(BaseModel):
    """Targets one by one (``targets``), a whole village (``village``), or both (their union)."""

    # at least one of the two (the schema says so, so generated clients know it)
    model_config = ConfigDict(json_schema_extra={"anyOf": [{"required": ["targets"]}, {"required": ["village"]}]})

    duty_type: DutyType = Field(description="包保类型")
    targets: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, min_length=1, max_length=500,
        description="对象：包村为村级区划代码，包户为户键 hukou:… / fupin:… 或户号，包人为人员编号、身份证号或学籍号")
    village: Annotated[str, Field(pattern=VILLAGE)] | SkipJsonSchema[None] = Field(default=None,
                                description="整村批量：包人为该村全部三包对象儿童，包户为该村全部建档立卡户")
    note: str | None = Field(default=None, max_length=500)


class ReplaceRequest(TargetsRequest):
    new_contact_id: str = Field(min_length=1, max_length=40, description="新联系人编号")


class StatusRequest(BaseModel):
    status: Literal["在岗", "离岗"]
    note: str | None = Field(default=None, max_length=500)


class RegisterRequest(BaseModel):
    contact_id: str = Field(min_length=1, max_length=40, pattern=r"\S", description="联系人编号（数据包中没有的）")
    name: str = Field(min_length=1, max_length=40, pattern=r"\S")
    phone: str | None = Field(default=None, max_length=20)
    unit: str | None = Field(default=None, max_length=100)
    county: str | None = Field(default=None, pattern=r"^[0-9]{6}$",
                               description="所属县（6 位县级区划代码，须在辖区内）；默认为调用者所在的县，省、市级用户须给出")
    note: str | None = Field(default=None, max_length=500)


class ActionOut(BaseModel):
    action: str = Field(description="assign / release / replace / status / register")
    contact_id: str
    duty_type: str | None = None
    targets: list[str] = Field(default_factory=list, description="写入指派记录的对象（图中的键）")
    batch_id: str | None = None
    event_ids: list[str] = Field(description="不可修改的事件编号")
    replaced_by: str | None = None
    message: str


class VisitItem(BaseModel):
    duty_type: str
    target: str
    name: str | None = None
    village_code: str | None = None
    last_visit: date | None = None
    status: str = Field(description="本月已走访 / 本月待走访 / 逾期")


class VisitListOut(BaseModel):
    contact_id: str
    name: str | None = None
    phone: str | None = None
    status: str | None = None
    month: str
    as_of: date = Field(description="截至日期：最近一次比对基准日（较早月份为月末）")
    counts: dict[str, int]
    items: list[VisitItem]
    revealed: bool = Field(default=False, description="true: 完整户键与号码（已记入审计）; false: 已遮蔽")


def _out(result: actions.ActionResult) -> ActionOut:
    return ActionOut(action=result.action, contact_id=result.contact_id, duty_type=result.duty_type,
                     targets=result.targets, batch_id=result.batch_id, event_ids=result.event_ids,
                     replaced_by=result.replaced_by, message=result.describe())


@router.post("", response_model=ActionOut, status_code=201, summary="登记数据包中没有的联系人（在岗）")
def register_contact(store: Store, caller: CurrentCaller, body: RegisterRequest) -> ActionOut:
    return _out(actions.register(store, caller, body.contact_id, body.name, phone=body.phone, unit=body.unit,
                                 note=body.note, county=body.county))


@router.post("/{contact_id}/assignments", response_model=ActionOut, status_code=201,
             summary="指派联系人：逐个对象或整村批量，每个对象一条不可修改的指派记录")
def assign_contact(store: Store, caller: CurrentCaller, contact_id: ContactId, body: TargetsRequest) -> ActionOut:
    return _out(actions.assign(store, caller, contact_id, body.duty_type, targets=body.targets,
                               village=body.village, note=body.note))


@router.post("/{contact_id}/releases", response_model=ActionOut, status_code=201,
             summary="解除联系人的包保责任：逐个对象或整村批量")
def release_contact(store: Store, caller: CurrentCaller, contact_id: ContactId, body: TargetsRequest) -> ActionOut:
    return _out(actions.release(store, caller, contact_id, body.duty_type, targets=body.targets,
                                village=body.village, note=body.note))


@router.post("/{contact_id}/replacements", response_model=ActionOut, status_code=201,
             summary="更换联系人：解除本联系人并指派新联系人，一次完成")
def replace_contact(store: Store, caller: CurrentCaller, contact_id: ContactId, body: ReplaceRequest) -> ActionOut:
    return _out(actions.replace(store, caller, contact_id, body.new_contact_id, body.duty_type,
                                targets=body.targets, village=body.village, note=body.note))


@router.post("/{contact_id}/status", response_model=ActionOut, status_code=201,
             summary="设置联系人在岗/离岗；离岗联系人的包保责任成为缺位")
def set_contact_status(store: Store, caller: CurrentCaller, contact_id: ContactId, body: StatusRequest) -> ActionOut:
    return _out(actions.set_status(store, caller, contact_id, body.status, note=body.note))


@router.get("/{contact_id}/visits", response_model=VisitListOut,
            summary="联系人每月走访清单：本月已走访、本月待走访、逾期（默认最近一次比对基准日所在月）；"
                    "户键与号码已遮蔽，reveal=true 显示完整（仅省级管理员、县级数据员，记入审计）")
def contact_visits(
    request: Request,
    store: Store,
    caller: CurrentCaller,
    contact_id: ContactId,
    # years 1900–2099: the schema says what the visit list accepts (a year 0000 is no month)
    month: Annotated[str | None, Query(pattern=r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$",
                                       description="月份 YYYY-MM（1900–2099 年）")] = None,
    reveal: Annotated[bool, Query(description="显示完整户键与手机号（仅省级管理员、县级数据员，记入审计）")] = False,
) -> VisitListOut:
    if reveal and not caller.can_reveal:
        raise Forbidden(f"角色「{caller.role.value}」不能查看完整号码：请联系县级数据员。", code="REVEAL_NOT_ALLOWED")
    listing = visit_list(store, caller, contact_id, month)
    # household keys (a 户号 is often an ID-like run of digits) and the phone masked like everywhere else
    shown, fields = mask({"contact": listing.contact, "items": listing.items}, reveal=reveal, leaf=plain_leaf)
    children = sorted({i["target"] for i in listing.items if i["duty_type"] == "包人"})
    if reveal and fields:  # one event per read: a reveal (what was shown in full), or a masked read
        audit_read_sync(request, caller, audit.REVEAL, person_ids=children, target=f"contact:{contact_id}/visits",
                        fields=fields)
    else:
        audit_read_sync(request, caller, audit.VISIT_LIST_READ, person_ids=children, target=f"contact:{contact_id}")
    c = shown["contact"]
    return VisitListOut(contact_id=c["contact_id"], name=c.get("name"), phone=c.get("phone"), status=c.get("status"),
                        month=listing.month, as_of=listing.as_of, counts=listing.counts(),
                        items=[VisitItem(**i) for i in shown["items"]], revealed=bool(reveal))


@router.get("/roster", response_class=Response, summary="乡镇三包花名册（XLSX：包村、包户、包人，含缺位标记）",
            responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                             "description": "XLSX 工作簿"}})
def town_roster(
    request: Request,
    store: Store,
    caller: CurrentCaller,
    town: Annotated[str, Query(pattern=r"^[0-9]{9}$", description="乡镇区划代码 (9 位)")],
    reveal: Annotated[bool, Query(description="显示完整手机号（仅省级管理员、县级数据员）")] = False,
) -> Response:
    if reveal and not caller.can_reveal:
        raise Forbidden(f"角色「{caller.role.value}」不能查看完整号码：请联系县级数据员。", code="REVEAL_NOT_ALLOWED")
    with tempfile.TemporaryDirectory() as tmp:
        out = FilePath(tmp) / "roster.xlsx"
        write_roster(store, caller, town, out, reveal=reveal,  # audited through the journal, first
                     audit=lambda kind, code, fields, children: audit_read_sync(
                         request, caller, kind, town=code, fields=fields, person_ids=children))
        content = out.read_bytes()
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="roster-{town}.xlsx"'})


@router.get("/roster/reveals", response_model=PageOf[AuditEvent],
            summary="谁下载过含完整手机号的三包花名册（省级管理员、县级数据员、只读审计；辖区内乡镇）")
def roster_reveals(request: Request, store: Store, caller: CurrentCaller, page: Page) -> PageOf[AuditEvent]:
    if caller.role not in AUDIT_READERS:
        raise Forbidden(f"角色「{caller.role.value}」不能查看审计记录。")
    publish_journal(request)  # the events still in a journal are listed too
    rows = store.query("api/audit/roster_reveals", division=caller.division, **page.params())
    return page.result(AuditEvent, rows)
