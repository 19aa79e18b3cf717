"""The local call-centre stand-in: no switch to talk to. Calls are typed in (or posted by a test) and kept in
the hotline's Call table by the services; a call-back is recorded with an id of its own and rings nobody."""

from __future__ import annotations

import uuid

from tongban.hotline.telephony import register


@register("local")
class LocalCallCentre:
    name = "local"

    def new_call_id(self) -> str:
        return f"LOCAL-{uuid.uuid4().hex[:16].upper()}"

    def dial(self, number: str, operator: str) -> str:
        return f"LOCAL-OUT-{uuid.uuid4().hex[:12].upper()}"
