"""Each account's workspace (工作台): where it lands after signing in and the links of its work, as the one
policy (domain.policy.workspace_of and the workplaces it names) decides them.

Templates show what ``desk_for`` returns (the header's 工作台 link, the case pages' navigation, whether 在线申请
is offered); they never look at a role themselves. ``context_processors.desk`` puts it into every page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from tongban.accounts.roles import ROLE_LABELS
from tongban.core.actor import Actor

from .domain import policy
from .domain.policy import Workspace

W = Workspace


@dataclass(frozen=True)
class DeskLink:
    label: str
    url: str
    # Which pages this link stands for (URL names, "namespace:name"), and the queue bucket if it is one.
    pages: tuple[str, ...] = ()
    bucket: str = ""


@dataclass(frozen=True)
class Desk:
    workspace: Workspace | None
    home_url: str  # where the account lands (its 工作台); "" for none
    links: tuple[DeskLink, ...]
    applies_online: bool  # pages offer 在线申请
    staff: bool
    who: str  # "姓名 · 岗位" for staff

    def current(self, page: str, bucket: str = "") -> DeskLink | None:
        """The link standing for this page: the one of its queue bucket, else the first for the page."""
        candidates = [link for link in self.links if page in link.pages]
        exact = next((link for link in candidates if link.bucket == bucket), None)
        return exact or next((link for link in candidates if not bucket or not link.bucket), None)

    def case_crumb(self, taken_at_window: bool, decided: bool) -> DeskLink | None:
        """A case page's first crumb: the workspace's first link, but 窗口收件 only heads a case taken at a
        window; one applied for online or received at another node sits in its queue (待受理 / 统一出件)."""
        first = self.links[0] if self.links else None
        if first is None or taken_at_window or "cases:window" not in first.pages:
            return first
        return self.current("cases:queue", "result_desk" if decided else "to_accept") or first


def _queue(label: str, bucket: str) -> DeskLink:
    return DeskLink(label, f"{reverse('cases:queue')}?bucket={bucket}", ("cases:queue",), bucket)


_HOTLINE_PAGES = ("hotline:console", "hotline:new", "hotline:call", "hotline:order", "hotline:indicators")


def _links(actor: Actor, workspace: Workspace | None) -> list[DeskLink]:
    links: list[DeskLink] = []
    if workspace is W.MY_CASES:
        return [
            DeskLink("我的办件", reverse("cases:mine"), ("cases:mine",)),
            DeskLink("我的草稿", reverse("cases:drafts"), ("cases:drafts",)),
            DeskLink("我的一件事", reverse("bundle_cases:mine"), ("bundle_cases:mine",)),
            DeskLink("我的证照", reverse("licences:mine"), ("licences:mine", "licences:code")),
            DeskLink("跨域办件", reverse("crossregion:mine"), ("crossregion:mine", "crossregion:detail")),
            DeskLink("我的数据", reverse("sharing:mine"), ("sharing:mine",)),
            DeskLink("12345诉求", reverse("hotline:console"), _HOTLINE_PAGES),
            DeskLink("进度查询", reverse("progress:lookup"), ("progress:lookup",)),
        ]
    if workspace is W.ADMIN:
        links.append(DeskLink("管理后台", reverse("admin:index")))
    if policy.may_take_applications(actor):
        links += [
            DeskLink("窗口收件", reverse("cases:window"), ("cases:window", "cases:window_apply")),
            _queue("待受理", "to_accept"),
            _queue("统一出件", "result_desk"),
            DeskLink(
                "一件事收件", reverse("bundle_cases:window"), ("bundle_cases:window", "bundle_cases:window_apply")
            ),
            DeskLink("跨省通办", reverse("crossregion:window"), ("crossregion:window", "crossregion:take")),
        ]
    elif policy.may_use_queues(actor):
        links.append(
            DeskLink("工作队列" if workspace is W.QUEUES else "全部办件队列", reverse("cases:queue"), ("cases:queue",))
        )
    if actor.staff_role in policy.HANDLING_ROLES:  # 亮证: staff who meet applicants check their codes
        links.append(DeskLink("亮证查验", reverse("licences:redeem"), ("licences:redeem",)))
    if policy.may_answer_supervision(actor, actor.department_id):
        links.append(DeskLink("督办单", reverse("cases:supervision_notices"), ("cases:supervision_notices",)))
    if policy.may_use_board(actor):
        links.append(DeskLink("督办看板", reverse("cases:supervision"), ("cases:supervision",)))
    if policy.may_answer_supervision(actor, actor.department_id) or policy.may_use_board(actor):
        # 好差评: the office verifies and puts right its bad ratings; supervisors decide appeals
        links.append(
            DeskLink(
                "差评整改",
                reverse("evaluation:rectifications"),
                ("evaluation:rectifications", "evaluation:rectification"),
            )
        )
    if policy.may_search_cases(actor):
        links.append(DeskLink("办件查询", reverse("cases:search"), ("cases:search",)))
    if policy.may_use_board(actor):
        links.append(DeskLink("共享数据监督", reverse("sharing:flagged"), ("sharing:flagged",)))
    if policy.may_use_board(actor):
        links.append(DeskLink("一件事看板", reverse("bundle_cases:board"), ("bundle_cases:board",)))
    if actor.staff_role in policy.HANDLING_ROLES or policy.may_use_board(actor):
        # 12345: call-takers at the centre, departments' handlers and supervisors (the hotline's policy decides
        # what each sees there)
        links.append(DeskLink("12345工单", reverse("hotline:console"), _HOTLINE_PAGES))
    if policy.may_manage_catalogue(actor):
        links += [
            DeskLink("事项管理", reverse("admin:app_list", kwargs={"app_label": "catalogue"})),
            DeskLink("Excel 导入导出", reverse("catalogue_excel:import")),
        ]
    return links


def desk_for(actor: Actor, display_name: str = "") -> Desk:
    workspace = policy.workspace_of(actor)
    links = tuple(_links(actor, workspace))
    role = ROLE_LABELS.get(actor.role) if actor.staff and actor.role else None
    return Desk(
        workspace=workspace,
        home_url=reverse("workspace") if workspace is not None else "",
        links=links,
        applies_online=policy.offers_online_application(actor),
        staff=actor.staff or actor.system_admin,
        who=" · ".join(p for p in (display_name or actor.username, role or "") if p),
    )


def landing_url(actor: Actor) -> str | None:
    """The page an account lands on after signing in (its workspace's first page), None without one."""
    workspace = policy.workspace_of(actor)
    if workspace is None:
        return None
    if workspace is W.MY_CASES:
        return reverse("cases:mine")
    if workspace is W.ADMIN:
        return reverse("admin:index")
    if workspace is W.WINDOW:
        return reverse("cases:window")
    if workspace is W.QUEUES:
        return reverse("cases:queue")
    if workspace is W.BOARD:
        return reverse("cases:supervision")
    return reverse("admin:app_list", kwargs={"app_label": "catalogue"})
