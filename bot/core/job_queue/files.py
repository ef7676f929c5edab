"""Where job images live on disk: one folder per job id, inputs and results apart."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bot.core.jobs import JobFiles

RESULT_NAMES = ("pass1", "pass2", "final", "original", "compare")  # <name>.png from the engine


class FileStore:
    """Job files under `root`: <root>/<job id>/input/{painting,object}.<ext>, .../output/*.png."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def prepare(self) -> None:
        """Create the root folder."""
        self.root.mkdir(parents=True, exist_ok=True)

    def job_dir(self, job_id: str) -> Path:
        """The folder of one job."""
        if not job_id.isalnum():
            raise ValueError(f"job id {job_id!r} must be alphanumeric")
        return self.root / job_id

    def input_paths(self, job_id: str, painting_ext: str, object_ext: str) -> tuple[Path, Path]:
        """Where a job's two uploaded images go: (painting path, object path)."""
        folder = self.job_dir(job_id) / "input"
        return folder / f"painting.{painting_ext}", folder / f"object.{object_ext}"

    def write_inputs(self, paths: tuple[Path, Path], painting: bytes | Path, object_image: bytes) -> None:
        """Store the two images at `input_paths`' paths (a new job's folder); a painting given as a
        kept file is linked, so the disk holds it once (copied where the file system refuses links)."""
        paths[0].parent.mkdir(parents=True, exist_ok=False)
        if isinstance(painting, Path):
            link_or_copy(painting, paths[0])
        else:
            paths[0].write_bytes(painting)
        paths[1].write_bytes(object_image)

    def fresh_output_dir(self, job_id: str) -> Path:
        """An empty output folder for a job (a retried job's partial files are removed)."""
        folder = self.job_dir(job_id) / "output"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    def result_files(self, job_id: str) -> JobFiles:
        """The paths of a finished job's PNGs."""
        folder = self.job_dir(job_id) / "output"
        return JobFiles(**{name: folder / f"{name}.png" for name in RESULT_NAMES})

    def missing_results(self, job_id: str) -> list[str]:
        """Names of result PNGs the engine did not write."""
        folder = self.job_dir(job_id) / "output"
        return [name for name in RESULT_NAMES if not (folder / f"{name}.png").is_file()]

    def delete_inputs(self, job_id: str) -> None:
        """Delete a job's uploaded images (done as soon as the job ends, for privacy)."""
        shutil.rmtree(self.job_dir(job_id) / "input", ignore_errors=True)

    def delete_job(self, job_id: str) -> None:
        """Delete everything of one job."""
        shutil.rmtree(self.job_dir(job_id), ignore_errors=True)

    def job_ids_on_disk(self) -> set[str]:
        """The job ids that have a folder here (whatever the database says)."""
        if not self.root.is_dir():
            return set()
        return {path.name for path in self.root.iterdir() if path.is_dir() and path.name.isalnum()}


def link_or_copy(source: Path, destination: Path) -> None:
    """A second name for `source` at `destination` (a hard link), or a copy across file systems."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)
