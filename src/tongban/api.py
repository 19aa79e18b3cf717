"""The versioned HTTP API (/api/v1). Each app contributes a router from its ``api`` module."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from tongban.core.api_errors import install_error_handlers, json_method_not_allowed


class _ReadableJSON(JSONRenderer):
    # Chinese text as UTF-8 rather than \uXXXX escapes: half the bytes, and readable with curl.
    json_dumps_params = {"ensure_ascii": False}


class _TongbanAPI(NinjaAPI):
    def _get_urls(self):  # type: ignore[no-untyped-def]
        return json_method_not_allowed(super()._get_urls())


api = _TongbanAPI(
    title="通办 Tongban API",
    version="1.0.0",
    description='一体化政务服务平台开放接口。错误统一为 {"error": {"code", "message", "field"}}。',
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Swagger UI from ninja's bundled static files (ninja is in INSTALLED_APPS); no online validator badge,
    # so the docs page makes no request outside the deployment.
    docs=Swagger(settings={"validatorUrl": None}),
    renderer=_ReadableJSON(),
)
install_error_handlers(api)


def _register_routers() -> None:
    import importlib

    for app, prefix in [
        ("accounts", "/"),
        ("catalogue", "/"),
        ("bundles", "/"),
        ("search", "/"),
        ("jurisdictions", "/"),
        ("cases", "/"),
        ("licences", "/"),
        ("evaluation", "/"),
        ("hotline", "/"),
        ("sharing", "/"),
        ("crossregion", "/"),
    ]:
        try:
            module = importlib.import_module(f"tongban.{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"tongban.{app}.api":
                raise
            continue
        api.add_router(prefix, module.router, tags=[getattr(module, "TAG", app)])
    from tongban.cases import api_bundle_cases  # bundle applications (一件事办件)

    api.add_router("/", api_bundle_cases.router, tags=[api_bundle_cases.TAG])


_register_routers()


def _register_fallback() -> None:
    """Unknown paths under /api/v1/ answer 404 in the API's error shape. Must stay the last router."""
    from ninja import Router

    from tongban.core.api_errors import NotFound

    fallback = Router()

    @fallback.get("/", include_in_schema=False)
    def index(request):
        return {"title": api.title, "version": api.version, "docs": "/api/v1/docs", "openapi": "/api/v1/openapi.json"}

    @fallback.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False)
    def unknown_endpoint(request, rest: str):
        raise NotFound(f"接口“/api/v1/{rest}”不存在，可用接口见 /api/v1/docs")

    api.add_router("/", fallback)


_register_fallback()
