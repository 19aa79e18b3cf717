"""A mypy plugin: calling a factory_boy factory gives its model.

factory_boy 3.3 types ``Factory[T].create()`` as ``T`` but not ``Factory(...)``, which goes through its
metaclass's untyped ``__call__`` (and mypy reads no metaclass ``__call__`` for a constructor anyway). With this
plugin ``CaseFactory(world=w)`` is a ``Case`` for mypy, as it is at run time, for every factory declared with
its model: ``class CaseFactory(DjangoModelFactory[Case])``.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.maptype import map_instance_to_supertype
from mypy.nodes import TypeInfo
from mypy.plugin import FunctionContext, Plugin
from mypy.types import Instance, Type, get_proper_type

BASE_FACTORY = "factory.base.BaseFactory"


def _model(ctx: FunctionContext) -> Type:
    made = get_proper_type(ctx.default_return_type)
    if not isinstance(made, Instance):
        return ctx.default_return_type
    base = next((b for b in made.type.mro if b.fullname == BASE_FACTORY), None)
    if base is None:
        return ctx.default_return_type
    model = get_proper_type(map_instance_to_supertype(made, base).args[0])
    return model if isinstance(model, Instance) else ctx.default_return_type


class FactoryBoyPlugin(Plugin):
    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        symbol = self.lookup_fully_qualified(fullname)
        if symbol is not None and isinstance(symbol.node, TypeInfo) and symbol.node.has_base(BASE_FACTORY):
            return _model
        return None


def plugin(version: str) -> type[Plugin]:
    return FactoryBoyPlugin
