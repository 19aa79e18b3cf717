"""Why a delivery to a peer failed, in the operator's words (pure; no Django): the network's English ("timed
out", "Connection refused") becomes Chinese, the original kept in parentheses for whoever debugs it."""

from __future__ import annotations

import socket
import ssl
import urllib.error
from http.client import HTTPException, RemoteDisconnected

# Most specific first: RemoteDisconnected is a ConnectionResetError, the connection errors are OSErrors.
_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (TimeoutError, "连接超时"),  # socket.timeout is TimeoutError since Python 3.10
    (ConnectionRefusedError, "连接被拒绝（对端服务未运行或端口未开放）"),
    (RemoteDisconnected, "对端未作应答即断开连接"),
    (ConnectionResetError, "连接被对端重置"),
    (ConnectionAbortedError, "连接中断"),
    (socket.gaierror, "无法解析地址"),
    (ssl.SSLCertVerificationError, "对端证书校验失败"),
    (ssl.SSLError, "TLS 握手失败"),
    (HTTPException, "对端的应答不是有效的 HTTP"),
)


def _cause(exc: BaseException) -> BaseException:
    """What a URLError wraps (its reason), else the error itself."""
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        reason = exc.reason
        return reason if isinstance(reason, BaseException) else exc
    return exc


def _original(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def describe(exc: BaseException) -> str:
    """One line for the message log and the operator page. Messages already in Chinese stay as they are."""
    cause = _cause(exc)
    for kind, words in _KINDS:
        if isinstance(cause, kind):
            return f"{words}（{_original(cause)}）"
    if isinstance(cause, OSError):
        return f"网络错误（{_original(cause)}）"
    if isinstance(exc, ValueError) and not any("\u4e00" <= ch <= "\u9fff" for ch in str(exc)):
        return f"对端应答无法读取（{_original(exc)}）"
    return str(exc)
