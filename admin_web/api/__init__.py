"""The kiosk API (JSON, /api/v1): every error is {"error": code, "detail": text} with its status."""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.exceptions import HTTPException

from ..errors import ApiError, TooManyRequests

api = Blueprint("api", __name__, url_prefix="/api/v1")


def error_response(code: str, detail: str, status: int):
    response = jsonify({"error": code, "detail": detail})
    response.status_code = status
    return response


@api.errorhandler(ApiError)
def _api_error(error: ApiError):
    response = error_response(error.code, error.detail, error.status)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="madang"'
    if isinstance(error, TooManyRequests) and error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@api.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    code = (error.name or "error").lower().replace(" ", "_")
    return error_response(code, error.description or error.name, error.code or 500)


from . import content, counters, home_devices, kiosks, openapi, tickets  # noqa: E402, F401  (routes)
