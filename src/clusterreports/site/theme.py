"""Where the built-in theme (templates and static files) lives."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # clusterreports/


def builtin_dir(name: str) -> Path:
    """``templates`` or ``static`` of the built-in theme: packaged in a wheel under
    ``_theme/``, or at the top of the source tree in a checkout or editable install."""
    packaged = _PACKAGE / "_theme" / name
    return packaged if packaged.is_dir() else _PACKAGE.parents[1] / name
