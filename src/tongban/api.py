"""The versioned HTTP API (/api/v1). Each app contributes a router from its ``api`` module."""

from __future__ import annotations

from ninja import NinjaAPI

from tongban.core.api_errors import install_error_handlers

api = NinjaAPI(
    title="通办 Tongban API",
    version="1.0.0",
    description="一体化政务服务平台开放接口。错误统一为 {\"error\": {\"code\", \"message\", \"field\"}}。",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_error_handlers(api)


def _register_routers() -> None:
    import importlib

    for app, prefix in [("catalogue", "/"), ("bundles", "/"), ("search", "/"), ("jurisdictions", "/")]:
        try:
            module = importlib.import_module(f"tongban.{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"tongban.{app}.api":
                raise
            continue
        api.add_router(prefix, module.router, tags=[getattr(module, "TAG", app)])


_register_routers()
