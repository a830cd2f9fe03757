"""The caller themself, and the service's health."""

from __future__ import annotations

from fastapi import APIRouter

from notoneless.api.deps import CurrentCaller
from notoneless.api.models import Health, Me

router = APIRouter(tags=["me"])


@router.get("/health", response_model=Health, summary="服务是否在运行 (no token needed)")
def health() -> Health:
    return Health(status="ok")


@router.get("/me", response_model=Me, summary="当前用户：姓名、角色、辖区、权限")
def me(caller: CurrentCaller) -> Me:
    return Me(name=caller.name, user_id=caller.user_id, role=caller.role.value, division=caller.division,
              can_act=caller.can_act, can_reveal=caller.can_reveal)
