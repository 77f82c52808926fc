"""Reading an export file: JSON, or a zip holding it (ChatGPT and Claude send zips with a
``conversations.json`` inside; ChatGPT's exports since 2026 split it into numbered
``conversations-000.json``, ``conversations-001.json``... read as one list), within a size
limit that also bounds what a zip unpacks."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

from threadgraph.errors import InvalidInput, TooLarge

ZIP_MAGIC = b"PK\x03\x04"
SHARD = re.compile(r"conversations-(\d+)\.json")


def decode(payload: bytes, max_bytes: int) -> Any:
    """The decoded JSON of an export file (or of the export inside a zip)."""
    if len(payload) > max_bytes:
        raise TooLarge(_too_large(len(payload), max_bytes))
    if not payload.startswith(ZIP_MAGIC):
        return _parse(payload, "the file")
    members = _from_zip(payload, max_bytes)
    if len(members) == 1:
        return _parse(members[0][1], "the file")
    joined: list[Any] = []
    for name, data in members:
        shard = _parse(data, f"{name} in the zip")
        if not isinstance(shard, list):
            raise InvalidInput(f"{name} in the zip is not a list of conversations")
        joined.extend(shard)
    return joined


def _parse(payload: bytes, what: str) -> Any:
    if payload.startswith(b"\xef\xbb\xbf"):
        payload = payload[3:]
    if not payload.strip():
        raise InvalidInput(f"{what} is empty")
    try:
        return json.loads(payload)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"{what} is not valid JSON ({error.msg} at line {error.lineno}, column "
            f"{error.colno}); was it cut short?"
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{what} is not UTF-8 text") from None
    except RecursionError:
        raise InvalidInput(f"{what}'s JSON is nested too deeply to read") from None


def _from_zip(payload: bytes, max_bytes: int) -> list[tuple[str, bytes]]:
    """The export's file in the zip, or ChatGPT's numbered shards of it in their order."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except zipfile.BadZipFile:
        raise InvalidInput("the file looks like a zip but cannot be opened") from None
    with archive:
        names = [i for i in archive.infolist() if not i.is_dir()]
        chosen = [i for i in names if _base(i) == "conversations.json"]
        if not chosen:
            shards = [(m, i) for i in names if (m := SHARD.fullmatch(_base(i)))]
            chosen = [i for m, i in sorted(shards, key=lambda s: int(s[0].group(1)))]
        if not chosen:
            chosen = [i for i in names if i.filename.lower().endswith(".json")]
            if len(chosen) != 1:
                raise InvalidInput(
                    "the zip holds no conversations.json"
                    + (f" and {len(chosen)} other JSON files" if chosen else "")
                )
        members = []
        budget = max_bytes  # for all the files together
        for info in chosen:
            data = _read(archive, info, budget, max_bytes)
            budget -= len(data)
            members.append((info.filename, data))
        return members


def _base(info: zipfile.ZipInfo) -> str:
    return info.filename.rsplit("/", 1)[-1]


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limit: int) -> bytes:
    name = info.filename if budget == limit else f"{info.filename} with the files before it"
    if info.file_size > budget:
        raise TooLarge(_too_large(limit - budget + info.file_size, limit, name))
    # The header's size can lie: read no more than the limit allows.
    try:
        with archive.open(info) as member:
            data = member.read(budget + 1)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise InvalidInput(f"{info.filename} in the zip cannot be read: {error}") from None
    if len(data) > budget:
        raise TooLarge(_too_large(limit - budget + len(data), limit, name))
    return data


def _too_large(size: int, limit: int, name: str = "the file") -> str:
    return (
        f"{name} is {size / 1e6:,.1f} MB; the import limit is {limit / 1e6:,.1f} MB "
        "(THREADGRAPH_IMPORT_MAX_BYTES)"
    )
