"""The published content for kiosks: a manifest with an ETag (304 when unchanged), and files by hash.

A kiosk that staff pinned to a version gets that version's manifest instead of the newest (a pin to a version
that does not exist follows the newest). Files answer byte ranges (``Range: bytes=N-``, 206), so a kiosk whose
download was cut continues where it stopped.
"""

from __future__ import annotations

import io

from flask import Response, g, jsonify, request, send_file
from sqlmodel import Session
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from ..context import engine
from ..db import read_session
from ..errors import NotFound
from ..models import ContentVersion, Kiosk, Role
from ..services import content_store
from ..services.kiosks import content_version_for
from . import api, error_response
from .access import requires

IMMUTABLE = "public, max-age=31536000, immutable"


def _version_for_caller(session: Session) -> ContentVersion | None:
    """The version this caller should run: a kiosk's (its pin, or the newest), or for staff the newest."""
    kiosk_id = getattr(g.principal, "kiosk_id", None)
    kiosk = session.get(Kiosk, kiosk_id) if kiosk_id is not None else None
    return content_version_for(session, kiosk) if kiosk is not None else content_store.current_version(session)


@api.get("/content/manifest")
@requires(kiosk=True, roles=(Role.admin, Role.editor))
def manifest():
    with read_session(engine()) as session:
        version = _version_for_caller(session)
        if version is None:
            raise NotFound("no content has been published yet: run 'madang admin init' or publish in the staff web")
        etag = f'"v{version.id}"'
        if request.if_none_match.contains_weak(f"v{version.id}"):
            return Response(status=304, headers={"ETag": etag})
        response = jsonify(content_store.manifest(version))
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    return response


@api.get("/content/files/<sha256>")
@requires(kiosk=True, roles=(Role.admin, Role.editor))
def content_file(sha256: str):
    with read_session(engine()) as session:
        data = content_store.blob(session, sha256).data
    try:
        response = send_file(
            io.BytesIO(data), mimetype="application/octet-stream", conditional=True, etag=sha256, max_age=None
        )
    except RequestedRangeNotSatisfiable:
        response = error_response(
            "range_not_satisfiable", f"the file has {len(data)} bytes: ask for a range that starts before its end", 416
        )
        response.headers["Content-Range"] = f"bytes */{len(data)}"
        return response
    response.headers["Cache-Control"] = IMMUTABLE
    return response
