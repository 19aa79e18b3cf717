"""The hotline's services on the demo data: the whole flow through the one entry point, the dispatch centre's
review of 退单 and 改派, repeated requests, routing, the knowledge base, deadlines and the indicators."""

from __future__ import annotations

import datetime as dt

import pytest

from tongban.audit.models import AuditEntry
from tongban.core import clock
from tongban.core.errors import DomainError
from tongban.hotline import selectors, services
from tongban.hotline.models import Category, DeadlineRule, DuplicateKey, WorkOrder, WorkOrderEvent
from tongban.outbox.models import Message

from .factories import complaint, department, user

pytestmark = pytest.mark.django_db


def test_a_complaint_is_dispatched_returned_reassigned_handled_supervised_closed_called_back_and_rated(
    demo_db: None,
) -> None:
    operator, dispatcher = user("zj_hotline"), user("zj_dispatch")
    market, urban = user("zj_market_approver"), user("zj_urban_management_approver")
    sent = Message.objects.count()
    order = services.receive(operator, complaint())
    assert order.status == "received" and order.number.startswith(clock.now().strftime("%Y%m%d"))
    assert order.deadline is not None and order.limit_text == "7个工作日"
    assert order.deadline > order.created_at + dt.timedelta(days=6)
    assert DuplicateKey.objects.filter(order=order).count() == 12
    n = order.number

    def step(who, action, **kw):  # type: ignore[no-untyped-def]
        return services.perform(who, n, action, services.Step(**kw))

    step(operator, "dispatch", department_id=department("market").pk)
    with pytest.raises(DomainError) as exc:
        step(urban, "accept")  # not theirs: not even visible
    assert exc.value.status == 404
    step(market, "request_return", text="油烟扰民属综合执法职责")
    with pytest.raises(DomainError) as exc:
        step(operator, "approve_return")  # the dispatch centre reviews, not the call-taker
    assert exc.value.status == 403
    step(dispatcher, "approve_return")
    assert WorkOrder.objects.get(number=n).department is None
    step(dispatcher, "dispatch", department_id=department("market").pk)
    step(dispatcher, "reassign", department_id=department("urban_management").pk, text="改派综合执法")
    step(urban, "accept")
    step(dispatcher, "supervise", text="请尽快处理")
    step(urban, "reply", text="已责令餐馆安装油烟净化设施")
    step(dispatcher, "redo", text="请附整改照片")
    step(urban, "reply", text="已安装油烟净化设施，现场复查无油烟直排")
    step(dispatcher, "close")
    call = services.call_back(operator, n)
    step(operator, "visit", text="来电人确认已无油烟")
    step(operator, "rate", satisfaction="satisfied")

    done = WorkOrder.objects.get(number=n)
    assert done.status == "rated" and done.satisfaction == "satisfied" and done.supervisions == 1
    assert done.answer.startswith("已安装") and call.order_id == done.pk and call.direction == "outbound"
    actions = list(WorkOrderEvent.objects.filter(order=done).values_list("action", flat=True))
    assert actions == [
        "receive", "dispatch", "request_return", "approve_return", "dispatch", "reassign", "accept", "supervise",
        "reply", "redo", "reply", "close", "visit", "rate",
    ]  # fmt: skip
    assert AuditEntry.objects.filter(object_id=n, action__startswith="hotline.").count() == len(actions) + 1
    # The caller was told twice through the outbox: received, and closed with the result.
    assert Message.objects.count() - sent == 2
    with pytest.raises(DomainError) as exc:
        step(dispatcher, "close")
    assert exc.value.status == 409


def test_retries_with_the_same_key_change_nothing_and_a_stale_revision_is_refused(demo_db: None) -> None:
    operator = user("zj_hotline")
    first = services.receive(operator, complaint(), key="k-1")
    assert services.receive(operator, complaint(), key="k-1").pk == first.pk
    dept = department("urban_management").pk
    services.perform(operator, first.number, "dispatch", services.Step(department_id=dept), key="k-2")
    again = services.perform(operator, first.number, "dispatch", services.Step(department_id=dept), key="k-2")
    assert again.status == "dispatched" and WorkOrderEvent.objects.filter(order=first).count() == 2
    with pytest.raises(DomainError) as exc:
        services.perform(user("zj_dispatch"), first.number, "supervise", services.Step(text="快"), revision=1)
    assert exc.value.code == "stale" and exc.value.status == 409


def test_bad_input_is_refused_with_a_chinese_message_naming_the_field(demo_db: None) -> None:
    operator = user("zj_hotline")
    for changes, field in (
        ({"content": " "}, "content"),
        ({"order_type": "praise"}, "order_type"),
        ({"caller_phone": "call me"}, "caller_phone"),
        ({"category_code": "99"}, "category"),
        ({"division_code": "999999"}, "division"),
    ):
        with pytest.raises(DomainError) as exc:
            services.receive(operator, complaint(**changes))
        assert exc.value.field == field and exc.value.status == 400
    order = services.receive(operator, complaint())
    with pytest.raises(DomainError) as exc:
        services.perform(operator, order.number, "dispatch", services.Step())
    assert exc.value.field == "department"


def test_a_repeated_request_is_suggested_by_text_caller_and_place_and_merged(demo_db: None) -> None:
    operator = user("zj_hotline")
    first = services.receive(operator, complaint())
    again = services.receive(
        operator,
        complaint(title="", content="东二路小区门口那家餐馆的油烟直排，整栋楼都是油烟味", caller_phone="13800001111"),
    )
    other = services.receive(
        operator, complaint(content="枫桥镇的路灯坏了一个星期", caller_phone="13700001111", address="")
    )
    found = selectors.duplicates_of(again)
    assert [d.order.number for d in found][:1] == [first.number] and found[0].same_place and not found[0].same_caller
    assert other.number not in [d.order.number for d in found]
    services.perform(operator, again.number, "merge", services.Step(target_number=first.number))
    merged = WorkOrder.objects.get(pk=again.pk)
    assert merged.status == "merged" and merged.merged_into_id == first.pk
    # A merged order is no longer a candidate, and nothing merges into it.
    assert again.number not in [d.order.number for d in selectors.duplicates_of(first)]
    with pytest.raises(DomainError):
        services.perform(operator, other.number, "merge", services.Step(target_number=again.number))


def test_routing_suggests_the_categorys_department_in_the_place_or_one_from_the_text(demo_db: None) -> None:
    operator = user("zj_hotline")
    water = services.receive(operator, complaint(category_code="0101", order_type="help", content="家里停水了"))
    route = selectors.suggest_department(water)
    assert route is not None and route.department == department("utility_water")
    assert water.limit_text == "24小时" and water.deadline == water.created_at + dt.timedelta(hours=24)
    uncategorised = services.receive(operator, complaint(category_code="", content="楼下工地夜间施工噪音太大"))
    route = selectors.suggest_department(uncategorised)
    assert route is not None and route.department == department("urban_management")
    assert route.category == Category.objects.get(code="0201")


def test_configured_limits_replace_the_defaults_and_emergencies_run_in_hours(demo_db: None) -> None:
    DeadlineRule.objects.create(key="complaint", value=3, unit="working_days")
    DeadlineRule.objects.create(key="urgent", value=1, unit="hours")
    operator = user("zj_hotline")
    assert services.receive(operator, complaint(category_code="0202")).limit_text == "3个工作日"
    urgent = services.receive(operator, complaint(urgent=True))
    assert urgent.limit_text == "1小时" and urgent.deadline == urgent.created_at + dt.timedelta(hours=1)
    assert services.receive(operator, complaint(category_code="0203")).limit_text == "15个工作日"


def test_the_knowledge_base_answers_from_the_catalogues_guides(demo_db: None) -> None:
    answers = selectors.knowledge("孩子刚出生怎么落户口")
    assert answers and "新生儿" in answers[0].name and "需要材料" in answers[0].answer


def test_indicators_per_department_and_period(demo_db: None) -> None:
    start, end = clock.now() - dt.timedelta(days=30), clock.now() + dt.timedelta(days=1)
    rows = selectors.indicator_table(start, end)
    whole = rows[0].indicators
    assert rows[0].department is None and whole.counts.received == 15
    assert whole.counts.merged == 1 and whole.repeat_rate == round(1 / 15, 4)
    assert whole.answered_at_once_rate == 0.75 and whole.satisfaction_rate == round(2 / 3, 4)
    water = next(r for r in rows if r.department == department("utility_water"))
    assert water.indicators.satisfaction_rate == 0.0 and water.indicators.finish_rate == 1.0
    assert selectors.indicator_table(end, end + dt.timedelta(days=1))[0].indicators.finish_rate is None
