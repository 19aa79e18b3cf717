"""Every write of the federation: send a message (in the caller's transaction), deliver it to the peer's inbox
(the outbox's worker, retried with backoff for as long as the peer is in the directory), receive one (refuse,
hold, process in sequence, sign the receipt), refresh the signed directory, raise and clear alerts."""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback
import urllib.error
import urllib.request
import uuid
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from tongban.core.errors import DomainError
from tongban.outbox import services as outbox
from tongban.outbox.models import Message as OutboxMessage

from . import inbox, selectors
from .domain import circuit, envelope, timestamp
from .domain import directory as dirdoc
from .domain.failures import describe as describe_failure
from .keys import directory_public_key, node_private_key
from .models import (
    Alert,
    CaseSequence,
    DirectoryVersion,
    IncomingMessage,
    OutgoingMessage,
    PeerCircuit,
    Refusal,
    TimeStampBatch,
)

logger = logging.getLogger(__name__)

DELIVER_TOPIC = "federation.deliver"
INBOX_PATH = "/federation/inbox/"


class DeliveryFailed(Exception):
    """The peer did not sign for the message this time: the outbox tries again after its backoff."""


# ---- sending ------------------------------------------------------------------------------------------------


def send_message(*, to_node: str, case_ref: str, message_type: str, payload: dict[str, Any]) -> OutgoingMessage:
    """Sign a message to ``to_node`` and queue it, inside the caller's transaction (the case change that causes
    it): the next sequence number of this case towards that peer, the message log row and the outbox row
    commit with the change or not at all."""
    if not transaction.get_connection().in_atomic_block:
        raise ImproperlyConfigured("send_message 必须在引起它的办件变更的事务内调用（transaction.atomic）")
    local = settings.TONGBAN_NODE_CODE
    if not local:
        raise ImproperlyConfigured("TONGBAN_NODE_CODE 未设置：本节点不是联邦成员，不能发送联邦消息")
    if to_node == local:
        raise DomainError("own_node", "不能向本节点发送联邦消息", "to_node")
    ensure_directory()
    if selectors.node(to_node) is None:
        raise DomainError("unknown_node", f"联邦目录中没有节点 {to_node}", "to_node")
    counter = _next_sequence(to_node, case_ref)
    message_id = uuid.uuid4()
    body = {
        "message_id": str(message_id),
        "sender": local,
        "recipient": to_node,
        "case_ref": case_ref,
        "message_type": message_type,
        "sequence": counter,
        # As the JSON column will give it back, so that the stored payload is the one signed.
        "payload": json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
        "sent_at": envelope.iso(timezone.now()),
    }
    data = envelope.canonical(body)
    queued = outbox.enqueue(DELIVER_TOPIC, {"message_id": str(message_id), "to_node": to_node})
    return OutgoingMessage.objects.create(
        id=message_id,
        sender=local,
        recipient=to_node,
        case_ref=case_ref,
        message_type=message_type,
        sequence=counter,
        payload=body["payload"],
        sent_at=envelope.parse_time(body["sent_at"], "sent_at"),
        body=data.decode("utf-8"),
        body_hash=envelope.digest(data),
        signature=envelope.sign(node_private_key(), body),
        outbox_message_id=queued.pk,
    )


def _next_sequence(to_node: str, case_ref: str) -> int:
    key: dict[str, Any] = {"direction": CaseSequence.Direction.OUT, "peer": to_node, "case_ref": case_ref}
    CaseSequence.objects.get_or_create(**key)
    counter = CaseSequence.objects.select_for_update().get(**key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def deliver(message_id: str) -> None:
    """The outbox handler: post the message to the peer's inbox and log its signed receipt. Raises (to be
    retried) on anything but a valid receipt."""
    message = OutgoingMessage.objects.get(pk=message_id)
    if message.status != OutgoingMessage.Status.PENDING:
        return
    peer = selectors.node(message.recipient)
    if peer is None:
        OutgoingMessage.objects.filter(pk=message.pk).update(
            status=OutgoingMessage.Status.UNDELIVERABLE, last_error=f"节点 {message.recipient} 已不在联邦目录中"
        )
        logger.warning("联邦消息 %s：接收节点 %s 已不在目录中，不再投递", message.pk, message.recipient)
        return
    if not _may_post(peer.code):
        raise DeliveryFailed(f"对端 {peer.code} 连续投递失败，暂停投递（熔断），冷却后再探测")
    body = json.loads(message.body)
    request = envelope.signed_request(node_private_key(), body, timezone.now(), message.signature)
    started = timezone.now()
    try:
        status, answer = post_json(peer.endpoint + INBOX_PATH, request.as_json())
        if status in (200, 202) or (status == 409 and answer.get("receipt")):
            envelope.check_receipt(
                answer.get("receipt"),
                str(answer.get("receipt_signature", "")),
                receiver_public=peer.public_key,
                message_id=str(message.pk),
                body_hash=message.body_hash,
            )
        else:
            error = answer.get("error") or {}
            raise DeliveryFailed(f"HTTP {status} {error.get('code', '')}：{error.get('message', '')}".strip())
    except (OSError, ValueError, DeliveryFailed) as exc:  # URLError and timeouts are OSErrors
        OutgoingMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_attempt_at=started, last_error=describe_failure(exc)[:2000]
        )
        _delivery_failed(peer.code)
        raise DeliveryFailed(f"投递到 {peer.code} 失败：{describe_failure(exc)}") from exc
    OutgoingMessage.objects.filter(pk=message.pk, status=OutgoingMessage.Status.PENDING).update(
        status=OutgoingMessage.Status.ACKNOWLEDGED,
        attempts=message.attempts + 1,
        last_attempt_at=started,
        last_error="",
        receipt=answer["receipt"],
        receipt_signature=answer["receipt_signature"],
        acknowledged_at=timezone.now(),
    )
    PeerCircuit.objects.filter(peer=peer.code).exclude(failures=0, open_until=None).update(
        failures=0, open_until=None, opened_at=None
    )
    _hasten(peer.code)


# ---- the circuit breaker per peer ---------------------------------------------------------------------------


def breaker() -> circuit.Breaker:
    """Opens after TONGBAN_FEDERATION_CIRCUIT_FAILURES failures in a row; cools down from the outbox's first
    retry delay, doubling, up to the smaller of the outbox's cap and TONGBAN_FEDERATION_CIRCUIT_MAX_SECONDS."""
    cap = min(settings.TONGBAN_OUTBOX_RETRY_CAP_SECONDS, settings.TONGBAN_FEDERATION_CIRCUIT_MAX_SECONDS)
    return circuit.Breaker(
        settings.TONGBAN_FEDERATION_CIRCUIT_FAILURES, min(settings.TONGBAN_OUTBOX_RETRY_BASE_SECONDS, cap), cap
    )


def _may_post(peer: str) -> bool:
    """Closed: yes. Open: no, until the cool-down ends; then exactly one delivery (whichever worker claims it
    first) probes the peer, the others keep waiting."""
    row = PeerCircuit.objects.filter(peer=peer).values("pk", "open_until", "failures").first()
    if row is None:
        return True
    now = timezone.now()
    verdict = breaker().verdict(row["open_until"], now)
    if verdict is circuit.Verdict.POST:
        return True
    if verdict is circuit.Verdict.PROBE:
        # Claim the probe: move the end of the cool-down on, so that no other delivery probes meanwhile.
        claimed = PeerCircuit.objects.filter(pk=row["pk"], open_until=row["open_until"]).update(
            open_until=now + breaker().cool_down(row["failures"]), probes=F("probes") + 1
        )
        if claimed:
            return True
    PeerCircuit.objects.filter(pk=row["pk"]).update(skipped=F("skipped") + 1)
    return False


def probe_open_circuits() -> int:
    """Every minute: a peer whose cool-down is over gets its oldest waiting message due now, so that it is
    probed then rather than at that message's own (possibly hour-long) next retry."""
    now = timezone.now()
    probed = 0
    for peer in PeerCircuit.objects.filter(open_until__lte=now).values_list("peer", flat=True):
        oldest = (
            OutgoingMessage.objects.filter(recipient=peer, status=OutgoingMessage.Status.PENDING)
            .order_by("sent_at")
            .values_list("outbox_message_id", flat=True)
            .first()
        )
        if oldest is None:
            continue
        waiting = OutboxMessage.objects.filter(pk=oldest, status=OutboxMessage.Status.PENDING)
        if waiting.exists():
            waiting.filter(next_attempt_at__gt=now).update(next_attempt_at=now)
            outbox.request_delivery(oldest)
            probed += 1
    return probed


def _delivery_failed(peer: str) -> None:
    row, _ = PeerCircuit.objects.get_or_create(peer=peer)
    PeerCircuit.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
    row.refresh_from_db()
    now = timezone.now()
    until = breaker().open_until(row.failures, now)
    if until is not None:
        PeerCircuit.objects.filter(pk=row.pk).update(
            open_until=until, opened_at=row.opened_at or now, **({} if row.opened_at else {"probes": 0, "skipped": 0})
        )


def _hasten(peer: str, limit: int = 500) -> None:
    """The peer answers again: its messages waiting for their next retry are due now, not after the backoff."""
    now = timezone.now()
    waiting = OutgoingMessage.objects.filter(recipient=peer, status=OutgoingMessage.Status.PENDING).values_list(
        "outbox_message_id", flat=True
    )
    due = list(
        OutboxMessage.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            pk__in=list(waiting[:limit]),
            status=OutboxMessage.Status.PENDING,
            next_attempt_at__gt=now,
        ).values_list("pk", flat=True)
    )
    if due:
        OutboxMessage.objects.filter(pk__in=due, next_attempt_at__gt=now).update(next_attempt_at=now)
        for pk in due:
            outbox.request_delivery(pk)


def post_json(url: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST JSON, return (status, JSON answer); an answer that is not JSON counts as an empty one."""
    request = urllib.request.Request(
        url,
        data=json.dumps(data, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.TONGBAN_FEDERATION_HTTP_TIMEOUT_SECONDS) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        answer = {}
    return status, answer if isinstance(answer, dict) else {}


# ---- receiving ----------------------------------------------------------------------------------------------


class Refused(DomainError):
    extra: dict[str, Any] = {}


_STATUS = {"bad_request": 400, "wrong_recipient": 400, "clock_skew": 400, "unknown_message_type": 400}
_STATUS |= {"unknown_node": 403, "bad_signature": 403, "replayed": 409, "sequence_reused": 409}


def _refuse(code: str, reason: str, *, remote_addr: str, data: Any, body_hash: str = "") -> Refused:
    message = data.get("message") if isinstance(data, dict) else None
    message = message if isinstance(message, dict) else {}
    Refusal.objects.create(
        remote_addr=remote_addr[:64],
        claimed_sender=str(message.get("sender", ""))[:100],
        message_id=str(message.get("message_id", ""))[:100],
        code=code,
        reason=reason[:500],
        body_hash=body_hash,
    )
    logger.warning("联邦收件：拒收 %s 的消息 %s：%s", message.get("sender"), message.get("message_id"), reason)
    return Refused(code, reason, status=_STATUS.get(code, 400))


def receive(data: Any, *, remote_addr: str = "") -> tuple[int, dict[str, Any]]:
    """The inbox: check the request, log the message, process what is in sequence, answer with the signed
    receipt — or refuse with the reason (logged) as ``{"error": {code, message, field}}``."""
    try:
        return _receive(data, remote_addr)
    except Refused as refusal:
        return refusal.status, {
            "error": {"code": refusal.code, "message": refusal.message, "field": None},
            **refusal.extra,
        }


def _receive(data: Any, remote_addr: str) -> tuple[int, dict[str, Any]]:
    try:
        request = envelope.parse_request(data)
    except envelope.EnvelopeError as exc:
        raise _refuse(exc.code, str(exc), remote_addr=remote_addr, data=data) from exc
    message, body_hash = request.message, request.body_hash
    refuse = partial(_refuse, remote_addr=remote_addr, data=data, body_hash=body_hash)
    if message["recipient"] != settings.TONGBAN_NODE_CODE:
        raise refuse("wrong_recipient", f"本节点是 {settings.TONGBAN_NODE_CODE}，不是 {message['recipient']}")
    ensure_directory()
    sender = selectors.node(message["sender"])
    if sender is None:
        raise refuse("unknown_node", f"节点 {message['sender']} 不在联邦目录中")
    try:
        envelope.check_signatures(request, sender.public_key)
        envelope.check_clock(
            envelope.parse_time(request.transmission["transmitted_at"], "transmitted_at"),
            timezone.now(),
            dt.timedelta(seconds=settings.TONGBAN_FEDERATION_MAX_CLOCK_SKEW_SECONDS),
        )
    except envelope.EnvelopeError as exc:
        raise refuse(exc.code, str(exc)) from exc
    known = IncomingMessage.objects.filter(sender=message["sender"], message_id=message["message_id"]).first()
    if known is not None:
        raise _replayed(known, request, refuse)
    if inbox.handler_for(message["message_type"]) is None:
        raise refuse("unknown_message_type", f"本节点不处理消息类型“{message['message_type']}”")
    try:
        row = _store(request)
    except IntegrityError:  # the same message arriving twice at once, or a sequence number used twice
        known = IncomingMessage.objects.filter(sender=message["sender"], message_id=message["message_id"]).first()
        if known is not None:
            raise _replayed(known, request, refuse) from None
        raise refuse(
            "sequence_reused", f"办件 {message['case_ref']} 的序号 {message['sequence']} 已被另一条消息使用"
        ) from None
    process_ready(row.sender, row.case_ref)
    row.refresh_from_db()
    return (200 if row.status == IncomingMessage.Status.PROCESSED else 202), _receipt_of(row)


def _replayed(known: IncomingMessage, request: envelope.Request, refuse: Any) -> Refused:
    """A message id seen before. Not processed again; if it is the same message (a sender whose receipt was
    lost tries again) the refusal carries the receipt already given, so the sender can log it."""
    if known.body_hash != request.body_hash:
        return refuse("replayed", "该消息编号已被另一条内容不同的消息使用")
    refusal = refuse("replayed", "该消息已收到，不再重复处理（附原签收回执）")
    refusal.extra = _receipt_of(known)
    return refusal


def _store(request: envelope.Request) -> IncomingMessage:
    message = request.message
    with transaction.atomic():
        cursor, _ = CaseSequence.objects.get_or_create(**_cursor(message["sender"], message["case_ref"]))
        if message["sequence"] <= cursor.last:
            raise IntegrityError("sequence already processed")
        return IncomingMessage.objects.create(
            message_id=message["message_id"],
            sender=message["sender"],
            recipient=message["recipient"],
            case_ref=message["case_ref"],
            message_type=message["message_type"],
            sequence=message["sequence"],
            payload=message["payload"],
            sent_at=envelope.parse_time(message["sent_at"], "sent_at"),
            body=envelope.canonical(message).decode("utf-8"),
            body_hash=request.body_hash,
            signature=request.message_signature,
        )


def _receipt_of(row: IncomingMessage) -> dict[str, Any]:
    """The receipt for a received message, signed once when first asked for and then always the same."""
    if row.receipt is None:
        receipt = envelope.receipt(json.loads(row.body), row.body_hash, "received", row.received_at)
        signature = envelope.sign(node_private_key(), receipt)
        IncomingMessage.objects.filter(pk=row.pk, receipt__isnull=True).update(
            receipt=receipt, receipt_signature=signature
        )
        row.refresh_from_db(fields=["receipt", "receipt_signature"])
    return {"receipt": row.receipt, "receipt_signature": row.receipt_signature, "state": row.status}


def _cursor(sender: str, case_ref: str) -> dict[str, Any]:
    return {"direction": CaseSequence.Direction.IN, "peer": sender, "case_ref": case_ref}


def process_ready(sender: str, case_ref: str) -> int:
    """Run the handlers of this case's received messages that are next in sequence, each in its own
    transaction with the cursor locked: exactly once, in order. Stops at a gap or a failing handler."""
    done = 0
    while True:
        with transaction.atomic():
            cursor = CaseSequence.objects.select_for_update().get(**_cursor(sender, case_ref))
            row = IncomingMessage.objects.filter(sender=sender, case_ref=case_ref, sequence=cursor.last + 1).first()
            if row is None or row.status == IncomingMessage.Status.PROCESSED:
                return done
            handler = inbox.handler_for(row.message_type)
            try:
                with transaction.atomic():
                    if handler is None:
                        raise LookupError(f"没有处理消息类型“{row.message_type}”的程序")
                    handler(row)
            except Exception as exc:
                IncomingMessage.objects.filter(pk=row.pk).update(
                    status=IncomingMessage.Status.FAILED,
                    attempts=row.attempts + 1,
                    last_error="".join(traceback.format_exception(exc))[-4000:],
                )
                logger.exception("联邦收件：%s 的消息 %s 处理出错，稍后重试", sender, row.message_id)
                return done
            IncomingMessage.objects.filter(pk=row.pk).update(
                status=IncomingMessage.Status.PROCESSED, attempts=row.attempts + 1, processed_at=timezone.now()
            )
            cursor.last += 1
            cursor.save(update_fields=["last"])
            done += 1


def process_waiting() -> int:
    """The periodic retry: every case whose next message is received but not yet processed (its handler
    failed before, or it arrived while another process held the case)."""
    waiting = (
        IncomingMessage.objects.exclude(status=IncomingMessage.Status.PROCESSED)
        .values_list("sender", "case_ref")
        .distinct()
    )
    return sum(process_ready(sender, case_ref) for sender, case_ref in list(waiting))


# ---- the directory ------------------------------------------------------------------------------------------


def read_source(source: str) -> Any:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=settings.TONGBAN_FEDERATION_HTTP_TIMEOUT_SECONDS) as response:
            return json.loads(response.read())
    return json.loads(Path(source).read_text(encoding="utf-8"))


def refresh_directory() -> DirectoryVersion | None:
    """Download, verify and install the directory if it is newer than the one in force. Returns the new
    version, None if unchanged; raises DirectoryError for an unsigned, badly signed or older document."""
    source, public = settings.TONGBAN_FEDERATION_DIRECTORY, directory_public_key()
    if not source or public is None:
        raise dirdoc.DirectoryError(
            "未配置联邦目录（TONGBAN_FEDERATION_DIRECTORY 和 TONGBAN_FEDERATION_DIRECTORY_KEY）"
        )
    try:
        signed = read_source(source)
    except (OSError, ValueError) as exc:
        raise dirdoc.DirectoryError(f"无法读取联邦目录 {source}：{describe_failure(exc)}") from exc
    found = dirdoc.verify(signed, public)
    with transaction.atomic():
        current = DirectoryVersion.objects.select_for_update().order_by("-version").first()
        if current is not None and found.version < current.version:
            raise dirdoc.DirectoryError(f"拒绝旧版本的联邦目录：v{found.version}，在用的是 v{current.version}")
        if current is not None and found.version == current.version:
            if current.signed != signed:
                raise dirdoc.DirectoryError(f"联邦目录 v{found.version} 与在用的同版本内容不同，已拒绝")
            return None
        return DirectoryVersion.objects.create(version=found.version, issued_at=found.issued_at, signed=signed)


def ensure_directory() -> None:
    """A node that has no directory yet (its worker has not run the refresh) loads it now."""
    if not DirectoryVersion.objects.exists() and settings.TONGBAN_FEDERATION_DIRECTORY:
        try:
            refresh_directory()
        except (dirdoc.DirectoryError, IntegrityError) as exc:
            logger.warning("联邦目录未能载入：%s", exc)


# ---- alerts -------------------------------------------------------------------------------------------------


def raise_alert(kind: str, peer: str, detail: str) -> None:
    updated = Alert.objects.filter(kind=kind, peer=peer, cleared_at__isnull=True).update(detail=detail[:500])
    if not updated:
        try:
            with transaction.atomic():
                Alert.objects.create(kind=kind, peer=peer, detail=detail[:500])
        except IntegrityError:  # another process raised it at the same moment
            pass


def clear_alert(kind: str, peer: str) -> None:
    Alert.objects.filter(kind=kind, peer=peer, cleared_at__isnull=True).update(cleared_at=timezone.now())


def check_thresholds() -> int:
    """Raise an alert per peer whose queue is deeper or whose oldest undelivered message is older than the
    settings allow, or whose messages to us fail to process; close those that no longer hold."""
    depth_limit = settings.TONGBAN_FEDERATION_ALERT_QUEUE_DEPTH
    age_limit = dt.timedelta(minutes=settings.TONGBAN_FEDERATION_ALERT_AGE_MINUTES)
    raised = 0
    for row in selectors.peer_queues():
        code = row["node"].code
        checks = [
            (Alert.Kind.QUEUE_DEPTH, row["depth"] > depth_limit, f"待投递 {row['depth']} 条，超过 {depth_limit} 条"),
            (
                Alert.Kind.OLDEST_AGE,
                row["oldest_age"] is not None and row["oldest_age"] > age_limit,
                f"最早一条已等待 {row['oldest_age']}，超过 {age_limit}",
            ),
            (Alert.Kind.INBOX_FAILED, row["inbox_failed"] > 0, f"收到的 {row['inbox_failed']} 条消息处理出错"),
        ]
        for kind, crossed, detail in checks:
            if crossed:
                raise_alert(kind, code, detail)
                raised += 1
            else:
                clear_alert(kind, code)
    oldest = selectors.oldest_unstamped()
    if oldest is not None and selectors.time_stamping() and oldest > age_limit:
        raise_alert(Alert.Kind.TIME_STAMP, "", f"最早一条未加盖时间戳的消息已等待 {oldest}，超过 {age_limit}")
        raised += 1
    else:
        clear_alert(Alert.Kind.TIME_STAMP, "")
    return raised


# ---- time stamps on the message log -------------------------------------------------------------------------

STAMP_BATCH = 5000


def timestamp_log(limit: int = STAMP_BATCH) -> TimeStampBatch | None:
    """Bind the messages logged since the last stamp (both directions) to a moment: one token from the first
    authority of the directory that answers, over the digest of their body hashes. Nothing to stamp, or no
    authority in the directory: None. No authority answering: TimeStampUnavailable (the next run retries)."""
    from .timestamping import TimeStampUnavailable, stamper_for

    authorities = selectors.time_stamping()
    if not authorities:
        return None
    out = list(OutgoingMessage.objects.filter(time_stamp__isnull=True).order_by("sent_at")[:limit])
    inn = list(IncomingMessage.objects.filter(time_stamp__isnull=True).order_by("received_at")[:limit])
    if not out and not inn:
        return None
    hashes = [row.body_hash for row in out] + [row.body_hash for row in inn]
    digest = timestamp.batch_digest(hashes)
    failures = []
    for authority in authorities:
        try:
            token, signature = stamper_for(authority).stamp(digest, requester=settings.TONGBAN_NODE_CODE)
            checked = timestamp.check(token, signature, authority.public_key, digest=digest)
        except (TimeStampUnavailable, timestamp.TimeStampError) as exc:
            failures.append(f"{authority.name}：{exc}")
            continue
        with transaction.atomic():
            batch = TimeStampBatch.objects.create(
                authority=authority.name,
                key_id=checked.key_id,
                serial=checked.serial,
                digest=digest,
                hashes=hashes,
                token=token,
                signature=signature,
                stamped_at=checked.stamped_at,
            )
            # A row another run stamped meanwhile keeps its first stamp; this batch still proves its hash.
            OutgoingMessage.objects.filter(pk__in=[r.pk for r in out], time_stamp__isnull=True).update(time_stamp=batch)
            IncomingMessage.objects.filter(pk__in=[r.pk for r in inn], time_stamp__isnull=True).update(time_stamp=batch)
        return batch
    raise TimeStampUnavailable("；".join(failures))


def verify_time_stamp(row: OutgoingMessage | IncomingMessage) -> list[str]:
    """The logged message's stamp: its batch lists the message's hash, the batch's digest is right and an
    authority of the directory in force signed it. No stamp yet is not a problem (the next run stamps it)."""
    batch = row.time_stamp
    if batch is None:
        return []
    problems = []
    if row.body_hash not in batch.hashes:
        problems.append("时间戳批次中没有该消息的摘要")
    if timestamp.batch_digest(list(batch.hashes)) != batch.digest:
        problems.append("时间戳批次的摘要与所含消息不符（批次被改动）")
    authority = next((a for a in selectors.time_stamping() if a.key_id == batch.key_id), None)
    if authority is None:
        return [*problems, f"时间戳服务“{batch.authority}”不在当前联邦目录中，无法核验时间戳"]
    try:
        timestamp.check(batch.token, batch.signature, authority.public_key, digest=batch.digest)
    except timestamp.TimeStampError as exc:
        problems.append(str(exc))
    return problems


# ---- non-repudiation ----------------------------------------------------------------------------------------


def verify_logged(row: OutgoingMessage | IncomingMessage) -> list[str]:
    """Check a logged message again, later: its body's hash, the sender's signature on it and the receiver's
    signed receipt, with the keys of the directory in force. Returns the problems found (none: valid)."""
    problems = []
    data = row.body.encode("utf-8")
    body = json.loads(data)
    if envelope.digest(data) != row.body_hash:
        problems.append("报文摘要与记录不符（报文被改动）")
    sender = selectors.node(row.sender)
    receiver = selectors.node(row.recipient)
    if sender is None or receiver is None:
        return [*problems, "发送或接收节点不在当前联邦目录中，无法核验"]
    if not envelope.verify(sender.public_key, body, row.signature):
        problems.append("发送方签名无效")
    if row.receipt:
        try:
            envelope.check_receipt(
                row.receipt,
                row.receipt_signature,
                receiver_public=receiver.public_key,
                message_id=body["message_id"],
                body_hash=row.body_hash,
            )
        except envelope.EnvelopeError as exc:
            problems.append(str(exc))
    return problems + verify_time_stamp(row)
