"""Finding and reading a package's files safely: the shipped data, a folder, a
descriptor or a zip, whoever sent it.

Nothing outside the package is ever read and nothing is fetched from the network:

* paths in the descriptor (resources, schemas, dialects, licenses, sources) that are
  absolute, climb out (``..``), use backslashes, drive letters, ``~``, environment
  variables or ``file:`` are refused; so are URLs where the file would be read
  (resources, schemas, dialects); license and source URLs are kept as text only;
* a ``profile``, ``profiles`` entry or ``$schema`` that is not a standard Data Package
  profile is refused (Frictionless would fetch it, or read it from the current folder);
* in a folder, every file is resolved to its real path, which must stay inside the
  package's folder (a symlink pointing out is refused), and must be a regular file
  (a pipe or device is never opened for reading in a way that could block);
* in a zip, every member name and type is checked before anything is read, against
  the :class:`Limits` on member count, total size and compression ratio; encrypted
  members, compression methods Python cannot read and names stored twice are refused;
  only the members the descriptor references are read;
* the descriptor is parsed strictly: duplicate keys, ``NaN``/``Infinity``, numbers
  of more than 100 digits, nesting deeper than the limit, a top level that is not an
  object are each a clear error.
"""

from __future__ import annotations

import json
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from itertools import accumulate
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from .problems import Problem, UnreadableInputError

DESCRIPTOR = "datapackage.json"
#: A data package version: MAJOR.MINOR.PATCH in digits, so it is safe in a file name.
SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


@dataclass(frozen=True)
class Limits:
    """Limits on what a package may make the reader do. Defaults are generous for
    real data and small enough that a hostile file cannot exhaust the machine."""

    descriptor_bytes: int = 10 * 2**20
    """Largest datapackage.json read (10 MiB)."""
    json_depth: int = 64
    """Deepest nesting of objects and arrays in a descriptor."""
    zip_members: int = 10_000
    """Most members a zip may have."""
    zip_bytes: int = 256 * 2**20
    """Largest total uncompressed size of a zip's members (256 MiB: validating takes
    up to about ten times a file's size in memory)."""
    zip_ratio: int = 200
    """Largest compression ratio of a zip member (a zip bomb compresses far more)."""
    cell_chars: int = 100_000
    """Longest cell, in characters."""


DEFAULT_LIMITS = Limits()


def canonical_root() -> Traversable:
    """The data package shipped inside the installed ``astana_talks`` package."""
    return resources.files("astana_talks") / "_package"


def _unsafe(message: str, file: str, value: str | None = None) -> UnreadableInputError:
    return UnreadableInputError(Problem.of("unsafe-path", note=message, file=file, value=value))


def _not_a_file(folder: Path | None, relative: str) -> bool:
    """True when ``relative`` in ``folder`` exists but is a folder, pipe or device."""
    if folder is None:
        return False
    path = folder / relative
    return path.exists() and not path.is_file()


def _unreadable(message: str, where: str) -> UnreadableInputError:
    return UnreadableInputError(Problem.of("unreadable-input", note=message, file=where))


def open_regular_file(
    path: Path, where: str, inside: Path | None = None, name: str | None = None
) -> BinaryIO:
    """``path`` opened for reading; it must be a regular file (not a FIFO, a device or a
    folder) and, when ``inside`` is given, resolve to a real path inside that folder.
    ``name`` is how problems call the file (its path in the package)."""
    name = name or path.name
    if inside is not None:
        real = path.resolve()
        if not real.is_relative_to(inside):
            raise _unsafe(f"{name} is a link to {real}, outside the package", where, name)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)  # non-blocking: opening a FIFO does not hang
    except OSError as error:
        raise _unreadable(f"cannot read {name}: {error.strerror}", where) from error
    handle = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise _unreadable(
            f"{name} is not a regular file (a folder, pipe or device is not read)", where
        )
    return handle


def read_regular_file(
    path: Path, where: str, inside: Path | None = None, name: str | None = None
) -> bytes:
    """The bytes of ``path``, after the checks of :func:`open_regular_file`."""
    with open_regular_file(path, where, inside, name) as handle:
        try:
            return handle.read()
        except OSError as error:
            raise _unreadable(
                f"cannot read {name or path.name}: {error.strerror}", where
            ) from error


def without_integrity(descriptor: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``descriptor`` without its resources' ``bytes`` and ``hash``: the
    descriptor of an edited copy of the package, whose files no longer match them."""
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        return dict(descriptor)
    return {
        **descriptor,
        "resources": [
            {k: v for k, v in r.items() if k not in ("bytes", "hash")} if isinstance(r, dict) else r
            for r in resources
        ],
    }


_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_reason(path: str, url_allowed: bool = False) -> str | None:
    """Why ``path`` may not be read from inside a package, or None when it may."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", path) and not _DRIVE.match(path):
        if url_allowed and re.match(r"^https?://", path):
            return None
        return "URLs and other schemes are not read (nothing is fetched from the network)"
    if path.startswith(("/", "~")) or _DRIVE.match(path):
        return "absolute and home-relative paths are refused"
    if "\\" in path:
        return "backslashes are refused: use '/'"
    if "$" in path or "%" in path:
        return "environment variables are refused"
    if ".." in PurePosixPath(path).parts:
        return "'..' would leave the package"
    if not path or "\x00" in path:
        return "the path is empty or holds a NUL character"
    return None


@dataclass(frozen=True)
class PackageSource:
    """Where a package's files are read from, and how to name them in problems."""

    root: Traversable
    label: str
    descriptor: dict[str, Any] | None
    folder: Path | None = None
    """The real path of the package's folder, for the symlink check."""
    archive: zipfile.ZipFile | None = None
    prefix: str = ""
    """The folder of datapackage.json inside the zip."""
    limits: Limits = field(default=DEFAULT_LIMITS)

    def _where(self, relative: str) -> str:
        return f"{self.label}/{relative}"

    def _check(self, relative: str) -> None:
        reason = unsafe_reason(relative)
        if reason is not None:
            raise _unsafe(f"{relative!r}: {reason}", self._where(relative), relative)

    def exists(self, relative: str) -> bool:
        """True when ``relative`` names a readable file of the package."""
        self._check(relative)
        if self.archive is not None:
            return self.prefix + relative in self.archive.NameToInfo
        node = self.root
        for part in PurePosixPath(relative).parts:
            node = node / part
        if _not_a_file(self.folder, relative):
            raise _unreadable(
                f"{relative} is not a regular file (a folder, pipe or device is not read)",
                self._where(relative),
            )
        return node.is_file()

    def read(self, relative: str) -> bytes:
        """The bytes of ``relative``, after the safety checks."""
        self._check(relative)
        where = self._where(relative)
        if self.archive is not None:
            try:
                with self.archive.open(self.prefix + relative) as handle:
                    data = handle.read(self.limits.zip_bytes + 1)
            except (
                KeyError,
                zipfile.BadZipFile,
                zlib.error,
                EOFError,
                OSError,
                RuntimeError,  # encrypted
                NotImplementedError,  # an unknown compression or zip version
            ) as error:
                raise UnreadableInputError(
                    Problem.of(
                        "unreadable-input",
                        note=f"cannot read {relative} from the zip: {error}",
                        file=where,
                    )
                ) from error
            if len(data) > self.limits.zip_bytes:
                raise UnreadableInputError(
                    Problem.of(
                        "unreadable-input",
                        note=f"{relative} is larger than the zip size limit",
                        file=where,
                    )
                )
            return data
        if self.folder is not None:
            return read_regular_file(self.folder / relative, where, self.folder, relative)
        node = self.root
        for part in PurePosixPath(relative).parts:
            node = node / part
        try:
            return node.read_bytes()
        except OSError as error:
            raise _unreadable(f"cannot read {relative}: {error.strerror}", where) from error

    def open(self, relative: str) -> BinaryIO | None:
        """``relative`` opened for reading after the safety checks, when the package is
        a folder (a large table is then read piece by piece); ``None`` otherwise."""
        if self.folder is None or self.archive is not None:
            return None
        self._check(relative)
        return open_regular_file(
            self.folder / relative, self._where(relative), self.folder, relative
        )

    def resource(self, table: str) -> dict[str, Any]:
        """The descriptor's resource for ``table`` (empty when there is none)."""
        for resource in (self.descriptor or {}).get("resources", []):
            if isinstance(resource, dict) and resource.get("name") == table:
                return resource
        return {}

    def table_path(self, table: str) -> str:
        """The package-relative path of ``table``'s CSV."""
        path = self.resource(table).get("path")
        return path if isinstance(path, str) else f"data/{table}.csv"


#: A JSON string (escapes and all), or the rest of the text after a quote never closed.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEPS = {"[": 1, "{": 1, "]": -1, "}": -1}


def _depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings (whatever the text: an
    unbalanced bracket counts as it comes). The strings and everything but brackets are
    removed by regular expressions, and the brackets' steps added up in C."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEPS.__getitem__, brackets), initial=0))


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"the key {key!r} appears twice in one object")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 100:
        raise ValueError(f"a number of {len(text)} digits is too large")
    return int(text)


def _bounded_float(text: str) -> float:
    if len(text) > 100:
        raise ValueError(f"a number of {len(text)} characters is too large")
    return float(text)


def parse_descriptor(data: bytes, where: str, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """A descriptor's JSON, strictly: raises :class:`UnreadableInputError` on anything odd."""

    def invalid(reason: str) -> UnreadableInputError:
        return UnreadableInputError(
            Problem.of("invalid-descriptor", note=f"{DESCRIPTOR}: {reason}", file=where)
        )

    if len(data) > limits.descriptor_bytes:
        raise invalid(f"larger than {limits.descriptor_bytes} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise invalid(f"byte {error.start} is not UTF-8") from error
    if _depth(text) > limits.json_depth:
        raise invalid(f"nested deeper than {limits.json_depth} levels")
    try:
        descriptor = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_int=_bounded_int,
            parse_float=_bounded_float,
        )
    except (ValueError, RecursionError) as error:
        raise invalid(str(error)) from error
    if not isinstance(descriptor, dict):
        raise invalid(f"the top level is {type(descriptor).__name__}, not an object")
    if "resources" not in descriptor:
        raise invalid("no 'resources': this is not a Data Package descriptor")
    resources_ = descriptor.get("resources", [])
    if not isinstance(resources_, list) or not all(isinstance(r, dict) for r in resources_):
        raise invalid("resources must be a list of objects")
    _check_paths(descriptor, where)
    return descriptor


#: Profiles Frictionless knows without fetching anything: v1 names and v2 ``$schema`` URLs.
STANDARD_PROFILES = frozenset(
    {"data-package", "tabular-data-package", "data-resource", "tabular-data-resource"}
    | {
        f"https://datapackage.org/profiles/{version}/{name}.json"
        for version in ("1.0", "2.0")
        for name in ("datapackage", "dataresource", "tableschema", "tabledialect")
    }
)
_PROFILE_KEYS = ("profile", "$schema")


def _profiles(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every ``profile``, ``profiles`` entry and ``$schema`` anywhere in a descriptor,
    with where it is (``resources[0].schema.$schema``)."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}.{key}" if where else str(key)
            if key in _PROFILE_KEYS:
                yield here, value
            elif key == "profiles":
                for entry in value if isinstance(value, list) else [value]:
                    yield here, entry
            else:
                yield from _profiles(value, here)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _profiles(item, f"{where}[{index}]")


def _check_paths(descriptor: dict[str, Any], where: str) -> None:
    """Refuse every unsafe path the descriptor names, before anything is read."""
    found: list[tuple[str, Any, bool]] = []
    for resource in descriptor.get("resources", []):
        found.append(("resource path", resource.get("path"), False))
        for key in ("schema", "dialect"):
            if isinstance(resource.get(key), str):
                found.append((f"resource {key}", resource[key], False))
    for key in ("licenses", "sources"):
        for entry in descriptor.get(key, []) if isinstance(descriptor.get(key), list) else []:
            if isinstance(entry, dict):
                found.append((f"{key} path", entry.get("path"), True))
    for what, value in _profiles(descriptor):
        if not (isinstance(value, str) and value in STANDARD_PROFILES):
            raise _unsafe(
                f"{what} {value!r}: only the standard profiles are used "
                "(a custom profile would be fetched or read from outside the package)",
                where,
                str(value),
            )
    for what, value, url_allowed in found:
        if value is None:
            continue
        if not isinstance(value, str):
            raise _unsafe(f"{what} {value!r} must be one relative path", where, str(value))
        reason = unsafe_reason(value, url_allowed)
        if reason is not None:
            raise _unsafe(f"{what} {value!r}: {reason}", where, value)


_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


def _open_zip(target: Path, label: str, limits: Limits) -> PackageSource:
    def refuse(reason: str, code: str = "unreadable-input") -> UnreadableInputError:
        return UnreadableInputError(Problem.of(code, note=f"{label}: {reason}", file=label))

    try:
        archive = zipfile.ZipFile(target)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
        raise refuse(f"not a readable zip ({error})") from error
    if len(members) > limits.zip_members:
        raise refuse(f"{len(members)} members, more than the limit of {limits.zip_members}")
    total = 0
    seen: set[str] = set()
    for member in members:
        if member.filename in seen:  # readers disagree on which copy counts
            raise refuse(f"member {member.filename!r} appears twice")
        seen.add(member.filename)
        reason = unsafe_reason(member.filename.rstrip("/"))
        if reason is not None:
            raise refuse(f"member {member.filename!r}: {reason}", "unsafe-path")
        if stat.S_ISLNK(member.external_attr >> 16):
            raise refuse(f"member {member.filename!r} is a symbolic link", "unsafe-path")
        if member.flag_bits & 0x1:
            raise refuse(f"member {member.filename!r} is encrypted")
        if member.compress_type not in _COMPRESSIONS:
            raise refuse(
                f"member {member.filename!r} uses compression method {member.compress_type}; "
                "use deflate, bzip2, lzma or none"
            )
        total += member.file_size
        if member.compress_size and member.file_size / member.compress_size > limits.zip_ratio:
            ratio = member.file_size // member.compress_size
            raise refuse(
                f"member {member.filename!r} expands {ratio} times, "
                f"more than the limit of {limits.zip_ratio} (a zip bomb?)"
            )
    if total > limits.zip_bytes:
        raise refuse(f"{total} bytes uncompressed, more than the limit of {limits.zip_bytes}")
    names = [
        m.filename
        for m in members
        if PurePosixPath(m.filename).name == DESCRIPTOR and not m.is_dir()
    ]
    if len(names) != 1:
        raise refuse(f"the zip must hold exactly one {DESCRIPTOR}, found {len(names)}")
    prefix = names[0][: -len(DESCRIPTOR)]
    inside: Traversable = zipfile.Path(archive, at=prefix)
    source = PackageSource(inside, label, None, archive=archive, prefix=prefix, limits=limits)
    descriptor = parse_descriptor(source.read(DESCRIPTOR), f"{label}/{DESCRIPTOR}", limits)
    return PackageSource(inside, label, descriptor, archive=archive, prefix=prefix, limits=limits)


def open_package(path: str | Path | None = None, limits: Limits = DEFAULT_LIMITS) -> PackageSource:
    """Locate a package: ``None`` (the shipped data), a folder, a descriptor or a zip."""
    if path is None:
        root = canonical_root()
        where = f"astana_talks/{DESCRIPTOR}"
        return PackageSource(
            root, "astana_talks", parse_descriptor((root / DESCRIPTOR).read_bytes(), where)
        )
    target = Path(path)
    label = str(target)
    if target.is_dir():
        folder = target.resolve()
        source = PackageSource(target, label, None, folder=folder, limits=limits)
        if not (target / DESCRIPTOR).is_file():
            return source
        descriptor = parse_descriptor(source.read(DESCRIPTOR), f"{label}/{DESCRIPTOR}", limits)
        return PackageSource(target, label, descriptor, folder=folder, limits=limits)
    if target.is_file() and target.name.endswith(".json"):
        parent = target.parent
        source = PackageSource(parent, str(parent), None, folder=parent.resolve(), limits=limits)
        descriptor = parse_descriptor(source.read(target.name), label, limits)
        return PackageSource(
            parent, str(parent), descriptor, folder=parent.resolve(), limits=limits
        )
    if target.is_file() and target.suffix.lower() == ".zip":
        return _open_zip(target, label, limits)
    reason = "does not exist" if not target.exists() else "is not a folder, datapackage.json or zip"
    raise UnreadableInputError(Problem.of("unreadable-input", note=f"{label} {reason}", file=label))
