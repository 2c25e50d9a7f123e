"""The versions the course needs, and a clear error when a runtime (Colab, say) has older ones.

The floors have one home: the ``dependencies`` of ``pyproject.toml``, read back here from the
installed package's metadata. ``make test-floors`` runs the unit tests at exactly those floors.
Without this check an older Keras fails deep inside a layer (Keras 3.3's ``keras.ops`` has no
``scan``, for example); with it, the setup cell says what to upgrade.
"""

from __future__ import annotations

import re
from importlib import metadata

CHECKED = ("keras", "tensorflow", "numpy")
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)")


def _release(version: str) -> tuple[int, ...]:
    """(3, 15, 1) for "3.15.1", "3.15.1rc0" or "3.15.1+cpu": the leading numeric release."""
    numbers = re.match(r"[0-9]+(?:\.[0-9]+)*", version)
    return tuple(int(part) for part in numbers.group(0).split(".")) if numbers else ()


def minimum_versions() -> dict[str, str]:
    """The ``>=`` floors that rnn-utils declares for Keras, TensorFlow and NumPy."""
    try:
        requirements = metadata.requires("rnn-utils") or []
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return {}
    floors = {}
    for requirement in requirements:
        found = _REQUIREMENT.match(requirement)
        if found and ";" not in requirement and found.group(1).lower() in CHECKED:
            floors[found.group(1).lower()] = found.group(2)
    return floors


def too_old(installed: dict[str, str] | None = None) -> list[str]:
    """Descriptions like ``"keras 3.3.3 (needs >= 3.8)"`` of each package below its floor."""
    floors = minimum_versions()
    if installed is None:
        installed = {}
        for name in floors:
            try:
                installed[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                continue
    return [
        f"{name} {installed[name]} (needs >= {floor})"
        for name, floor in floors.items()
        if name in installed and _release(installed[name]) < _release(floor)
    ]


def check_versions(installed: dict[str, str] | None = None) -> None:
    """Raise ``ImportError`` naming every package older than the course needs, and the fix."""
    old = too_old(installed)
    if old:
        upgrade = " ".join(f"'{item.split()[0]}>={item.split()[-1].rstrip(')')}'" for item in old)
        raise ImportError(
            "This course needs newer packages than this runtime has: "
            + ", ".join(old)
            + f". Upgrade them (pip install -U {upgrade}), then restart the runtime "
            "(on Colab: Runtime > Restart session) and run the notebook again."
        )
