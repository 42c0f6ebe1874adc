"""The kiosk's client for the admin web's kiosk API (JSON under /api/v1), on the standard library alone.

Every failure is one of two errors:
- ``ServerUnavailable``: the server cannot be reached, takes too long, fails (5xx) or answers with something
  that is not the API's JSON. The kiosk can go on offline (e.g. take a call-back request) and try again later.
- ``ServerRefused``: the API answered 4xx with its ``{"error", "detail"}`` body. Trying again will not help.

The client never retries: the caller decides when to try again.
"""

from __future__ import annotations

import http.client
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from madang.content.errors import MadangError

from .api_types import ChatMessage, HomeDevice, ServerRefused, ServerUnavailable, TicketInfo

API = "/api/v1"
REFUSAL_HINTS = {
    401: "check the kiosk's token, or register the kiosk again with `madang admin create-kiosk NAME`",
    403: "this kiosk's token may not do this",
}


class KioskApiClient:
    """The kiosk API of the admin web at ``base_url`` (e.g. ``http://127.0.0.1:8080``), with a kiosk token.

    With ``token=None`` the client sends no token: only the public endpoints answer it (registering a home device).
    """

    def __init__(self, base_url: str, token: str | None, *, timeout: float = 3.0) -> None:
        base_url = base_url.strip().rstrip("/")
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise MadangError(
                f"the admin web's address '{base_url}' is not an http:// or https:// URL: "
                "set it like http://127.0.0.1:8080"
            )
        token = None if token is None else token.strip()
        if token is not None and (not token or not token.isprintable() or any(char.isspace() for char in token)):
            raise MadangError(
                "the kiosk token is empty or holds spaces or control characters: "
                "use the one line that `madang admin create-kiosk NAME` printed"
            )
        self.base_url = base_url
        self.timeout = timeout
        self._token = token
        # no redirect handler: a redirect means a wrong base URL, and following one would send the token elsewhere
        self._opener = urllib.request.OpenerDirector()
        for handler in (
            urllib.request.ProxyHandler(),
            urllib.request.HTTPHandler(),
            urllib.request.HTTPSHandler(),
            urllib.request.HTTPDefaultErrorHandler(),
            urllib.request.HTTPErrorProcessor(),
        ):
            self._opener.add_handler(handler)

    def __repr__(self) -> str:  # never shows the token
        return f"KioskApiClient({self.base_url!r})"

    @property
    def token(self) -> str | None:
        """The kiosk's token (None for a client that registers a home device); for the live channel."""
        return self._token

    # --- tickets ------------------------------------------------------------------------------------------

    def take_ticket(self, *, service_id: str, lang: str, needs: list[str], idempotency_key: str) -> TicketInfo:
        """A new ticket; the same ``idempotency_key`` again gives the same ticket, never a second one."""
        body = {"service_id": service_id, "lang": lang, "needs": list(needs)}
        data = self._call("POST", "/tickets", json_body=body, headers={"Idempotency-Key": idempotency_key})
        return self._parse(TicketInfo, data)

    def ticket(self, ticket_id: str) -> TicketInfo:
        return self._parse(TicketInfo, self._call("GET", _ticket_path(ticket_id)))

    def cancel(self, ticket_id: str) -> TicketInfo:
        return self._parse(TicketInfo, self._call("POST", _ticket_path(ticket_id, "cancel"), raw_body=b""))

    def rate(self, ticket_id: str, rating: int) -> TicketInfo:
        """Rates a finished consultation from 1 to 5."""
        data = self._call("POST", _ticket_path(ticket_id, "rating"), json_body={"rating": rating})
        return self._parse(TicketInfo, data)

    # --- the consultation chat ----------------------------------------------------------------------------

    def messages(self, ticket_id: str) -> list[ChatMessage]:
        data = self._call("GET", _ticket_path(ticket_id, "messages"))
        if not isinstance(data, list):
            raise self._not_the_api(f"the messages are {type(data).__name__}, not a list")
        return [self._parse(ChatMessage, item) for item in data]

    def send_message(
        self, ticket_id: str, text: str, *, kind: str = "text", idempotency_key: str | None = None
    ) -> ChatMessage:
        """A message to the staff; with ``idempotency_key``, the same key again gives the same message, never a
        second one."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        data = self._call(
            "POST", _ticket_path(ticket_id, "messages"), json_body={"text": text, "kind": kind}, headers=headers
        )
        return self._parse(ChatMessage, data)

    def send_audio(
        self, ticket_id: str, data: bytes, *, content_type: str = "audio/wav", idempotency_key: str | None = None
    ) -> ChatMessage:
        """A voice memo for the staff: the recording as it is (audio/wav, audio/ogg or audio/webm); with
        ``idempotency_key``, the same key again gives the same memo, never a second one."""
        headers = {"Content-Type": content_type}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        answer = self._call("POST", _ticket_path(ticket_id, "audio"), raw_body=bytes(data), headers=headers)
        return self._parse(ChatMessage, answer)

    # --- a home device registering itself (no token) --------------------------------------------------------

    def register_home_device(self, *, app_version: str | None = None) -> HomeDevice:
        """Registers this device as a home device: its generated name and its token, which the server shows only
        this once. Public (no token needed) and rate limited: 429 is a ServerRefused with ``retry_after``."""
        body = {"app_version": app_version} if app_version else {}
        return self._parse(HomeDevice, self._call("POST", "/home-devices", json_body=body))

    # --- the kiosk itself ---------------------------------------------------------------------------------

    def heartbeat(
        self,
        *,
        app_version: str | None = None,
        content_version: int | None = None,
        health: dict | None = None,
        started_at: str | None = None,
    ) -> dict:
        """Records this kiosk's versions and health for the staff's kiosk page (each heartbeat replaces them);
        ``started_at``: when this run of the client started (ISO 8601, UTC). The answer carries the staff's
        commands: ``{"kiosk", "last_seen_at", "commands": {"restart": bool, "content_version": int | None}}``."""
        body = {"app_version": app_version, "content_version": content_version, "health": health or {}}
        if started_at is not None:
            body["started_at"] = started_at
        answer = self._call("POST", "/kiosks/heartbeat", json_body=body)
        if not isinstance(answer, dict):
            raise self._not_the_api("the heartbeat's answer is not a JSON object")
        return answer

    def is_reachable(self, *, timeout: float | None = None) -> bool:
        """Whether the server answers and accepts this kiosk's token, within ``timeout`` (default: at most 2 s).

        One cheap authenticated read: the content manifest with ``If-None-Match: *``, answered 304 without a
        body. Never raises.
        """
        wait = min(self.timeout, 2.0) if timeout is None else timeout
        try:
            manifest = self._call("GET", "/content/manifest", headers={"If-None-Match": "*"}, timeout=wait)
        except ServerRefused as refusal:
            return refusal.status not in {401, 403}  # e.g. 404 "nothing published yet": the server is there
        except ServerUnavailable:
            return False
        return manifest is None or (isinstance(manifest, dict) and "version" in manifest)

    # --- content --------------------------------------------------------------------------------------------

    def content_manifest(self, etag: str | None = None) -> tuple[dict | None, str | None]:
        """The content manifest this kiosk should run and its ETag, or ``(None, etag)`` when the server's is
        still ``etag`` (304): ``{"version": int, "published_at": str, "files": [{"path", "sha256", "size"}]}``."""
        path = "/content/manifest"
        response = self._open_get(path, {"If-None-Match": etag} if etag else {})
        with response:
            new_etag = response.headers.get("ETag") or etag
            if response.status == 304:
                return None, new_etag
            payload = self._read(response, None, path)
            content_type = response.headers.get_content_type()
        manifest = self._answer("GET", path, response.status, content_type, payload)
        if not (isinstance(manifest, dict) and type(manifest.get("version")) is int):
            raise self._not_the_api("the content manifest has no version number")
        if not isinstance(manifest.get("files"), list):
            raise self._not_the_api("the content manifest has no list of files")
        return manifest, new_etag

    def download_content_file(self, sha256: str, dest: Path, *, chunk_size: int = 64 * 1024) -> int:
        """Streams the content file ``sha256`` into ``dest`` chunk by chunk, continuing from dest's current size
        with a Range request; a server that answers with the whole file instead (200) starts it over. Returns the
        bytes received. A cut raises ServerUnavailable and keeps what arrived, so the next call continues. The
        file is not checked here: the caller compares its size and SHA-256 with the manifest's."""
        dest = Path(dest)
        path = "/content/files/" + urllib.parse.quote(sha256, safe="")
        offset = dest.stat().st_size if dest.exists() else 0
        try:
            response = self._open_get(path, {"Range": f"bytes={offset}-"} if offset else {})
        except ServerRefused as refusal:
            if refusal.status != 416 or not offset:
                raise
            offset = 0  # what is there is longer than the file: not a beginning of it
            response = self._open_get(path, {})
        with response:
            if response.status == 206:
                if not (response.headers.get("Content-Range") or "").startswith(f"bytes {offset}-"):
                    raise self._not_the_api(f"GET {API}{path} answered a range that does not start at {offset}")
                mode = "ab"
            elif response.status == 200:
                mode = "wb"
            else:
                raise self._not_the_api(f"GET {API}{path} answered HTTP {response.status}, not the file")
            length = response.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else None
            received = 0
            with dest.open(mode) as out:
                while chunk := self._read(response, chunk_size, path):
                    out.write(chunk)
                    received += len(chunk)
                out.flush()
                os.fsync(out.fileno())
        if expected is not None and received != expected:
            raise ServerUnavailable(
                f"the admin web at {self.base_url} broke off GET {API}{path} after {received} of {expected} bytes: "
                "check the network; the download continues where it stopped"
            )
        return received

    def _open_get(self, path: str, headers: dict[str, str]) -> Any:
        """GET ``path`` answered 2xx or 304: the open response, to read and close; other answers raise as
        ``_call``'s do."""
        all_headers = {"Authorization": f"Bearer {self._token}"} if self._token is not None else {}
        all_headers.update(headers)
        request = urllib.request.Request(f"{self.base_url}{API}{path}", headers=all_headers, method="GET")
        try:
            return self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            if error.code == 304:
                return error
            with error:
                status, content_type = error.code, error.headers.get_content_type()
                payload = self._read(error, None, path)
                retry_after = _seconds(error.headers.get("Retry-After"))
            self._answer("GET", path, status, content_type, payload, retry_after=retry_after)
            raise self._not_the_api(f"GET {API}{path} answered HTTP {status}") from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            raise self._unreachable(error, path) from None

    def _read(self, response: Any, amount: int | None, path: str) -> bytes:
        try:
            # read1: what has arrived, so a download that stalls keeps every byte received before it stalled
            return response.read1(amount) if amount is not None else response.read()
        except (http.client.HTTPException, OSError) as error:
            raise self._unreachable(error, path) from None

    def _unreachable(self, error: BaseException, path: str) -> ServerUnavailable:
        reason = getattr(error, "reason", None) or error
        if isinstance(reason, TimeoutError):
            return ServerUnavailable(
                f"the admin web at {self.base_url} did not answer GET {API}{path} within {self.timeout:g} s: "
                "check the network and whether the server is overloaded"
            )
        return ServerUnavailable(
            f"the admin web at {self.base_url} broke off GET {API}{path} ({reason!r}): "
            "check the network, or start it with `madang admin serve`; a download continues where it stopped"
        )

    # --- HTTP ---------------------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        json_body: dict | None = None,
        raw_body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> Any:
        """The decoded JSON answer (None for 204 and 304), or ServerRefused / ServerUnavailable."""
        url = f"{self.base_url}{API}{path}"
        all_headers = {"Accept": "application/json"}
        if self._token is not None:
            all_headers["Authorization"] = f"Bearer {self._token}"
        body = raw_body
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        request = urllib.request.Request(url, data=body, headers=all_headers, method=method)
        wait = self.timeout if timeout is None else timeout
        try:
            try:
                with self._opener.open(request, timeout=wait) as response:
                    payload = response.read()
                    status, content_type = response.status, response.headers.get_content_type()
                    retry_after = None
            except urllib.error.HTTPError as error:  # an answer all the same (3xx, 4xx, 5xx)
                with error:
                    status, content_type, payload = error.code, error.headers.get_content_type(), error.read()
                    retry_after = _seconds(error.headers.get("Retry-After"))
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            reason = getattr(error, "reason", None) or error
            if isinstance(reason, TimeoutError):
                raise ServerUnavailable(
                    f"the admin web at {self.base_url} did not answer {method} {API}{path} within {wait:g} s: "
                    "check the network and whether the server is overloaded"
                ) from None
            raise ServerUnavailable(
                f"the admin web at {self.base_url} does not answer ({reason}): "
                "check the network, or start it with `madang admin serve`"
            ) from None
        return self._answer(method, path, status, content_type, payload, retry_after=retry_after)

    def _answer(
        self, method: str, path: str, status: int, content_type: str, payload: bytes, *, retry_after: int | None = None
    ) -> Any:
        if status in {204, 304}:
            return None
        if 300 <= status < 400:
            raise self._not_the_api(f"{method} {API}{path} was redirected (HTTP {status})")
        data = None
        if content_type == "application/json":
            try:
                data = json.loads(payload)
            except ValueError:
                data = None
        refusal = data if isinstance(data, dict) and set(data) == {"error", "detail"} else None
        if status >= 500:
            why = f"{refusal['error']}: {refusal['detail']}" if refusal else f"HTTP {status}"
            raise ServerUnavailable(
                f"the admin web at {self.base_url} failed on {method} {API}{path} ({why}): "
                "see the server's log; try again later"
            )
        if 400 <= status < 500:
            if refusal is None or not all(isinstance(value, str) for value in refusal.values()):
                raise self._not_the_api(f"{method} {API}{path} answered HTTP {status} with {content_type}")
            hint = REFUSAL_HINTS.get(status)
            raise ServerRefused(
                f"the admin web refused {method} {API}{path} (HTTP {status}, {refusal['error']}): "
                f"{refusal['detail']}" + (f"; {hint}" if hint else ""),
                status=status,
                code=refusal["error"],
                detail=refusal["detail"],
                retry_after=retry_after,
            )
        if data is None:
            raise self._not_the_api(f"{method} {API}{path} answered HTTP {status} with {content_type}, not JSON")
        return data

    def _parse(self, kind: type[TicketInfo] | type[ChatMessage] | type[HomeDevice], data: Any) -> Any:
        try:
            return kind.from_json(data)
        except ValueError as error:
            raise self._not_the_api(f"the answer is not a {kind.__name__} ({error})") from None

    def _not_the_api(self, what: str) -> ServerUnavailable:
        return ServerUnavailable(
            f"the admin web at {self.base_url} does not speak the kiosk API ({what}): "
            "check that this is the admin web's address and that its version matches the kiosk's"
        )


def _seconds(header: str | None) -> int | None:
    """Retry-After as whole seconds (the HTTP-date form is not used by the admin web)."""
    value = (header or "").strip()
    return int(value) if value.isdigit() else None


def _ticket_path(ticket_id: str, *rest: str) -> str:
    return "/".join(["/tickets", urllib.parse.quote(ticket_id, safe=""), *rest])
