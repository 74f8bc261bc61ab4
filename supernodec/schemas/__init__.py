"""JSON Schemas shipped with supernodec (`supernodec schema ir|catalog`)."""

from __future__ import annotations

import importlib.resources
import json
from typing import Any


def schema_text(which: str) -> str:
    return importlib.resources.files(__name__).joinpath(f"{which}.schema.json").read_text("utf-8")


def schema(which: str) -> dict[str, Any]:
    return json.loads(schema_text(which))
