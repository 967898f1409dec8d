"""Reading the reference data files shipped in the ``resources`` package.

Policy data (form fields, region names, ethnic-group codes, the service catalogue) is data, not
code: it lives in ``resources/`` so the central system can replace it. Every reader goes through
here so that a missing or malformed file surfaces as one ``ConfigError`` with a Chinese message,
instead of a raw ``OSError``/``JSONDecodeError`` reaching the clerk.

Nothing is cached: loading happens when a function is called, and callers that call often may keep
the result (house rule: no module-level singletons).
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from importlib.resources.abc import Traversable

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from core.errors import ConfigError
from core.files import REFERENCE_LIMIT, read_text_bounded

#: resource names become file names; anything else could escape the package directory
_SAFE_NAME = re.compile(r"^[a-z0-9_]+$")

_REGIONS = TypeAdapter(dict[str, str])


def resource_file(*parts: str) -> Traversable:
    """The ``resources`` package file at ``parts``; each part must be a plain name."""
    node = files("resources")
    for part in parts:
        stem = part.removesuffix(".json")
        if not _SAFE_NAME.fullmatch(stem):
            raise ConfigError(f"unsafe resource name: {part!r}",
                              user_message=f"参考数据名称无效：{part}")
        node = node / part
    return node


def read_json(*parts: str) -> object:
    """Parse a JSON file under ``resources``; ``ConfigError`` if it is missing or not JSON."""
    node = resource_file(*parts)
    where = "/".join(parts)
    text = read_text_bounded(node, REFERENCE_LIMIT, "参考数据文件")
    try:
        data: object = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ConfigError(f"resources/{where} is not valid JSON: {exc}",
                          user_message=f"参考数据文件格式错误：resources/{where}") from exc
    return data


def load_regions() -> dict[str, str]:
    """Province-level region names keyed by the 2-digit prefix of GB/T 2260 codes.

    Only the province level is shipped: that is what the counter shows next to an ID number, and
    county codes change every year (a number stays valid after its county is merged away).
    """
    data = read_json("regions.json")
    try:
        regions = _REGIONS.validate_python(data)
    except PydanticValidationError as exc:
        raise ConfigError(f"resources/regions.json: {exc}",
                          user_message="参考数据文件格式错误：resources/regions.json") from exc
    bad = [code for code in regions if not re.fullmatch(r"\d{2}", code)]
    if bad:
        raise ConfigError(f"resources/regions.json: codes must be 2 digits: {bad}",
                          user_message="参考数据文件格式错误：resources/regions.json")
    return regions
