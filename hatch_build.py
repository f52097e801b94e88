"""Hatch build hook: the wheel carries the data package from the repository root.

The data exists once, at the root (``data/``, ``schemas/``, ``datapackage.json``). A
standard wheel gets a copy of it as ``astana_talks/_package/``, taken from whichever
tree is being built: the git checkout or an unpacked sdist (which holds the root
folders, see ``[tool.hatch.build.targets.sdist]``). The symbolic links in
``dataset/astana_talks/_package/`` are excluded from the wheel and the sdist
(hatchling follows them inconsistently: an sdist once lacked ``_package/data/``); they
serve editable installs only, which import the package from the checkout, so this hook
leaves editable builds alone.
"""

from __future__ import annotations

import os
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.builders.wheel import WheelBuilderConfig

#: Root path -> its path in the wheel.
DATA = {
    "data": "astana_talks/_package/data",
    "schemas": "astana_talks/_package/schemas",
    "datapackage.json": "astana_talks/_package/datapackage.json",
}


class DataPackageHook(BuildHookInterface[WheelBuilderConfig]):
    """Adds the root data package to standard (non-editable) wheels."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return  # the checkout's symlinks serve the data
        for source, target in DATA.items():
            path = os.path.join(self.root, source)
            if not os.path.exists(path):  # a wheel without its data must not be built
                raise FileNotFoundError(f"{path} is missing: the wheel would have no data")
            build_data["force_include"][path] = target
