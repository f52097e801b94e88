"""Finding a package's files: the shipped data, a folder, a descriptor or a zip.

A package is read through an ``importlib.resources`` ``Traversable``: the data
shipped inside the wheel, a folder (``pathlib.Path``) and a zip
(``zipfile.Path``) all look the same to the code below.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any

from .problems import Problem, UnreadableInputError

DESCRIPTOR = "datapackage.json"


def canonical_root() -> Traversable:
    """The data package shipped inside the installed ``astana_talks`` package."""
    return resources.files("astana_talks") / "_package"


@dataclass(frozen=True)
class PackageSource:
    """Where a package's files are read from, and how to name them in problems."""

    root: Traversable
    label: str
    descriptor: dict[str, Any] | None

    def member(self, relative: str) -> Traversable:
        node = self.root
        for part in PurePosixPath(relative).parts:
            node = node / part
        return node

    def table_path(self, table: str) -> str:
        """The package-relative path of ``table``'s CSV."""
        for resource in (self.descriptor or {}).get("resources", []):
            if isinstance(resource, dict) and resource.get("name") == table:
                path = resource.get("path")
                if isinstance(path, str):
                    return path
        return f"data/{table}.csv"


def _refuse(path: str, label: str) -> None:
    pure = PurePosixPath(path)
    if (
        "://" in path
        or path.startswith(("/", "~", "file:"))
        or "\\" in path
        or ".." in pure.parts
        or (len(path) > 1 and path[1] == ":")
    ):
        raise UnreadableInputError(
            Problem(
                "unsafe-path",
                f"resource path {path!r} is not a relative path inside the package",
                file=f"{label}/{DESCRIPTOR}",
                value=path,
            )
        )


def _read_descriptor(node: Traversable, label: str) -> dict[str, Any]:
    where = f"{label}/{DESCRIPTOR}"
    try:
        descriptor = json.loads(node.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableInputError(
            Problem("invalid-descriptor", f"cannot read {DESCRIPTOR}: {error}", file=where)
        ) from error
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources", []), list):
        raise UnreadableInputError(
            Problem(
                "invalid-descriptor",
                "the descriptor must be an object with a resources list",
                file=where,
            )
        )
    for resource in descriptor.get("resources", []):
        path = resource.get("path") if isinstance(resource, dict) else None
        if isinstance(path, str):
            _refuse(path, label)
    return descriptor


def open_package(path: str | Path | None = None) -> PackageSource:
    """Locate a package: ``None`` (the shipped data), a folder, a descriptor or a zip."""
    if path is None:
        root = canonical_root()
        return PackageSource(
            root, "astana_talks", _read_descriptor(root / DESCRIPTOR, "astana_talks")
        )
    target = Path(path)
    label = str(target)
    if target.is_dir():
        descriptor_node = target / DESCRIPTOR
        descriptor = _read_descriptor(descriptor_node, label) if descriptor_node.is_file() else None
        return PackageSource(target, label, descriptor)
    if target.is_file() and target.name.endswith(".json"):
        return PackageSource(
            target.parent, str(target.parent), _read_descriptor(target, str(target.parent))
        )
    if target.is_file() and zipfile.is_zipfile(target):
        archive = zipfile.ZipFile(target)
        names = [n for n in archive.namelist() if PurePosixPath(n).name == DESCRIPTOR]
        if len(names) != 1:
            raise UnreadableInputError(
                Problem(
                    "unreadable-input",
                    f"the zip must hold exactly one {DESCRIPTOR}, found {len(names)}",
                    file=label,
                )
            )
        inner = str(PurePosixPath(names[0]).parent)
        inside: Traversable = zipfile.Path(archive, at="" if inner == "." else inner + "/")
        return PackageSource(inside, label, _read_descriptor(inside / DESCRIPTOR, label))
    reason = "does not exist" if not target.exists() else "is not a folder, datapackage.json or zip"
    raise UnreadableInputError(Problem("unreadable-input", f"{label} {reason}", file=label))
