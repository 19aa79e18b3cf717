"""The result desk (统一出件): a decided case's result handed over at the window, sent electronically or by
post, and the case closed.

Postal delivery is the delivery app's (快递送达): it registers itself here as the result channel "post"
(delivery/apps.py), so the case domain never imports it and a deployment without it simply offers no post.
Result hooks do the same for what a result makes besides its delivery: the licences app registers one that
issues the e-licence (电子证照) of a granted case whose guide names a licence type, in the closing transition.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tongban.core import clock
from tongban.core.errors import DomainError
from tongban.core.signing import document_signer

from ..domain.workflow import CaseAction
from ..models import Case, Visit
from .context import Ctx
from .perform import Notice, Outcome, perform

A = CaseAction
DELIVERY_METHODS = ("window", "post", "electronic")


class ResultChannel(Protocol):
    """A way of sending a result that leaves the platform (post today; later a provincial app's inbox)."""

    def prepare(self, case: Case, address: str, tracking: str) -> str:
        """Check what the person gave before anything is written; return the address to use. Raise DomainError."""

    def dispatch(self, ctx: Ctx, case: Case, address: str) -> tuple[dict[str, Any], Notice]:
        """Inside the closing transition (the case row locked): hand the result over; return the event's data
        and the notice to the applicant."""

    def describe(self, event_data: dict[str, Any]) -> str:
        """What the result-issue event's data says of the dispatch now (e.g. a parcel's tracking number)."""


_channels: dict[str, ResultChannel] = {}


@dataclass(frozen=True)
class ResultAddition:
    """What a result hook made of the result: more for the result-issue event, the licence identifier the
    case keeps (``Case.result_licence_id``), a sentence for the applicant's notice."""

    data: dict[str, Any] = field(default_factory=dict)
    licence_id: str = ""
    notice: str = ""


class ResultHook(Protocol):
    def on_issue(self, ctx: Ctx, case: Case) -> ResultAddition | None:
        """Inside the closing transition (the case row locked, its decision known): make what the result
        makes; raise DomainError to refuse the issue (nothing is then written)."""


_hooks: dict[str, ResultHook] = {}


def register_result_hook(name: str, hook: ResultHook) -> None:
    _hooks[name] = hook


def result_licence_url(case: Case) -> str:
    """The page of the licence the case's result made, from the hook that says where it is (``page_url``);
    "" when there is none."""
    if not case.result_licence_id:
        return ""
    for hook in _hooks.values():
        page_url = getattr(hook, "page_url", None)
        if page_url is not None:
            return str(page_url(case.result_licence_id))
    return ""


def register_result_channel(name: str, channel: ResultChannel) -> None:
    _channels[name] = channel


def describe_dispatch(event_data: dict[str, Any]) -> str:
    """The channel's own words on a result-issue event ("" for the window or no channel)."""
    channel = _channels.get(str(event_data.get("delivery") or ""))
    return channel.describe(event_data) if channel is not None else ""


def post_offered() -> bool:
    """Whether a courier is connected (``register_result_channel("post", …)``)."""
    return "post" in _channels


def deliver_electronically(case: Case) -> dict[str, Any]:
    """电子送达: the decision document as a PDF signed with the platform's key, kept beside the case's files;
    the event records where and its digest (e-licences, issue 9, will add the licence itself)."""
    from ..notices import NoticeKind, render_notice

    kind = NoticeKind.GRANT if case.decision == "granted" else NoticeKind.DENIAL
    signed = document_signer().sign(
        render_notice(case, kind), reason=f"电子送达：{case.number}", location=case.deciding_department.name
    )
    name = default_storage.save(f"results/{case.number}-{uuid.uuid4().hex[:8]}.pdf", ContentFile(signed))
    return {"document": name, "document_sha256": hashlib.sha256(signed).hexdigest(), "document_kind": kind.value}


def issue_result(
    ctx: Ctx,
    case: Case | str,
    delivery: str,
    revision: int | None = None,
    tracking: str = "",
    address: str = "",
) -> Case:
    if delivery not in DELIVERY_METHODS:
        raise DomainError("bad_delivery", "出件方式应为窗口领取、邮寄或电子送达", "delivery")
    channel = _channels.get(delivery)
    if delivery == "post" and channel is None:
        raise DomainError("post_not_offered", "本平台未接入邮寄送达，请选择其他出件方式", "delivery")

    def effect(c: Case) -> Outcome:
        to = channel.prepare(c, address, tracking) if channel else ""
        c.result_delivery = delivery
        c.closed_at = clock.now()
        data: dict[str, Any] = {"delivery": delivery, "tracking": ""}
        also = ""
        for hook in _hooks.values():
            added = hook.on_issue(ctx, c)
            if added is not None:
                data.update(added.data)
                c.result_licence_id = added.licence_id or c.result_licence_id
                also += added.notice
        if c.result_licence_id:
            from .bundle_flow import pass_result_licence  # bundle_flow → bundle_desk → results: import here

            pass_result_licence(c)  # a bundle's waiting items hold the licence, not a file
        if delivery == "window":
            Visit.objects.create(case=c, purpose="窗口领取结果", centre=c.receiving_centre)
        if delivery == "electronic":
            data.update(deliver_electronically(c))
            body = "您的办件已办结，决定文书已电子送达，请登录后在办件页面下载（已签名PDF）。" + also
            return Outcome(data=data, notices=[Notice("closed", "办件已办结（电子送达）", body)])
        if channel is not None:  # inside the transition: a refused one sends nothing
            sent, notice = channel.dispatch(ctx, c, to)
            data.update(sent)
            if also and isinstance(notice.body, str):
                notice = Notice(notice.kind, notice.subject, notice.body + also)
            return Outcome(data=data, notices=[notice])
        return Outcome(data=data, notices=[Notice("closed", "办件已办结", "您的办件已办结。" + also)])

    return perform(ctx, case, A.ISSUE_RESULT, revision, effect)
