"""The published content for kiosks: a manifest with an ETag (304 when unchanged), and files by hash."""

from __future__ import annotations

from flask import Response, jsonify, request

from ..context import engine
from ..db import read_session
from ..errors import NotFound
from ..models import Role
from ..services import content_store
from . import api
from .access import requires


@api.get("/content/manifest")
@requires(kiosk=True, roles=(Role.admin, Role.editor))
def manifest():
    with read_session(engine()) as session:
        version = content_store.current_version(session)
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
        blob = content_store.blob(session, sha256)
        return Response(
            blob.data,
            mimetype="application/octet-stream",
            headers={"ETag": f'"{sha256}"', "Cache-Control": "public, max-age=31536000, immutable"},
        )
