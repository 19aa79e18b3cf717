"""The audit log's periodic work, done by the worker: a signed checkpoint of the chain (the window in which
a rewrite of the newest entries could go unseen is at most this interval)."""

from __future__ import annotations

from tongban import outbox

from .services import checkpoint


@outbox.periodic("audit.checkpoint", seconds=600, label="为审计日志生成签名检查点（数据库内外各存一份）")
def take_checkpoint() -> int:
    return 1 if checkpoint() is not None else 0
