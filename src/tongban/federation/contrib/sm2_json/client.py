"""Client of an SM2 JSON time-stamping authority."""

from __future__ import annotations

from ...domain.directory import TimeStampAuthority
from ...services import post_json
from ...timestamping import TimeStampUnavailable, register


@register("sm2-json")
class Sm2JsonTimeStamper:
    def __init__(self, authority: TimeStampAuthority):
        self.authority = authority

    def stamp(self, digest: str, *, requester: str) -> tuple[dict, str]:
        try:
            status, answer = post_json(self.authority.url, {"digest": digest, "requester": requester})
        except OSError as exc:
            raise TimeStampUnavailable(f"时间戳服务“{self.authority.name}”无法连接：{exc}") from exc
        if status != 200 or not isinstance(answer.get("token"), dict) or not isinstance(answer.get("signature"), str):
            reason = (answer.get("error") or {}).get("message", "") if isinstance(answer.get("error"), dict) else ""
            raise TimeStampUnavailable(f"时间戳服务“{self.authority.name}”拒绝了请求（HTTP {status}）{reason}")
        return answer["token"], answer["signature"]
