"""Who acts, through which channel and window, from where; and the small rules every service shares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from tongban.core import clock
from tongban.core.actor import SYSTEM as SYSTEM_ACTOR
from tongban.core.actor import Actor, actor_of
from tongban.core.errors import DomainError

if TYPE_CHECKING:
    from tongban.accounts.models import User
    from tongban.jurisdictions.models import Window


@dataclass(frozen=True)
class Ctx:
    """The account acting (None: the platform itself), its channel and window, its address; ``actor`` is what
    the policy is asked about (built from the account unless given)."""

    user: User | None = None
    channel: str = ""
    window: Window | None = None
    ip: str = ""
    actor: Actor = field(default=SYSTEM_ACTOR)

    def __post_init__(self) -> None:
        if self.user is not None and self.actor is SYSTEM_ACTOR:
            object.__setattr__(self, "actor", actor_of(self.user))

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    def through_bundle(self) -> Ctx:
        """The same person acting on a bundle's item through its bundle (its front desk)."""
        return replace(self, actor=self.actor.through_bundle())


SYSTEM = Ctx(None, "system")


class FormInvalid(DomainError):
    """Every problem in the form at once, keyed by field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        first = next(iter(errors))
        super().__init__("invalid_form", "申请表有误：" + "；".join(errors.values()), first)


@dataclass(frozen=True)
class Deferral:
    material: str
    due: dt.date
    commitment: str


def today() -> dt.date:
    return clock.today()


def require(text: str, field_name: str, message: str) -> str:
    if not (text or "").strip():
        raise DomainError("required", message, field_name)
    return text.strip()


def forbid(message: str) -> DomainError:
    return DomainError("forbidden", message, None, status=403)
