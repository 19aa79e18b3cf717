"""The federation's outbox topic (delivery to a peer's inbox) and periodic jobs."""

from __future__ import annotations

from django.conf import settings

from tongban.outbox import registry
from tongban.outbox.models import Message

from . import services
from .models import Alert


# Never a dead letter: a peer down for hours (or days) gets its messages when it returns.
@registry.register(services.DELIVER_TOPIC, retry_forever=True)
def deliver(message: Message) -> None:
    services.deliver(message.payload["message_id"])


@registry.periodic("federation.refresh_directory", seconds=300, label="下载并核验联邦目录")
def refresh_directory() -> str:
    if not settings.TONGBAN_FEDERATION_DIRECTORY:
        return "not a federation member"
    try:
        installed = services.refresh_directory()
    except services.dirdoc.DirectoryError as exc:
        services.raise_alert(Alert.Kind.DIRECTORY, "", str(exc))
        raise
    services.clear_alert(Alert.Kind.DIRECTORY, "")
    return f"v{installed.version}" if installed else "unchanged"


@registry.periodic("federation.process_waiting", seconds=60, label="重试处理未处理的联邦来件")
def process_waiting() -> int:
    return services.process_waiting()


@registry.periodic("federation.check_thresholds", seconds=60, label="检查联邦消息积压告警，探测熔断的对端")
def check_thresholds() -> int:
    services.probe_open_circuits()
    return services.check_thresholds()


@registry.periodic("federation.timestamp_log", seconds=60, label="为联邦消息日志加盖时间戳")
def timestamp_log() -> str:
    batch = services.timestamp_log()
    return f"{len(batch.hashes)} 条，{batch.authority} #{batch.serial}" if batch else "nothing to stamp"
