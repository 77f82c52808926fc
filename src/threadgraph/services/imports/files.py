"""Reading an export file: JSON, or a zip holding it (ChatGPT and Claude send zips with a
``conversations.json`` inside), within a size limit that also bounds what a zip unpacks."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from threadgraph.errors import InvalidInput, TooLarge

ZIP_MAGIC = b"PK\x03\x04"


def decode(payload: bytes, max_bytes: int) -> Any:
    """The decoded JSON of an export file (or of the export inside a zip)."""
    if len(payload) > max_bytes:
        raise TooLarge(_too_large(len(payload), max_bytes))
    if payload.startswith(ZIP_MAGIC):
        payload = _from_zip(payload, max_bytes)
    if payload.startswith(b"\xef\xbb\xbf"):
        payload = payload[3:]
    if not payload.strip():
        raise InvalidInput("the file is empty")
    try:
        return json.loads(payload)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"the file is not valid JSON ({error.msg} at line {error.lineno}, column "
            f"{error.colno}); was it cut short?"
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text") from None
    except RecursionError:
        raise InvalidInput("the file's JSON is nested too deeply to read") from None


def _from_zip(payload: bytes, max_bytes: int) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except zipfile.BadZipFile:
        raise InvalidInput("the file looks like a zip but cannot be opened") from None
    with archive:
        names = [i for i in archive.infolist() if not i.is_dir()]
        chosen = [i for i in names if i.filename.rsplit("/", 1)[-1] == "conversations.json"]
        if not chosen:
            chosen = [i for i in names if i.filename.lower().endswith(".json")]
        if len(chosen) != 1:
            raise InvalidInput(
                "the zip holds no conversations.json"
                + (f" and {len(chosen)} other JSON files" if chosen else "")
            )
        info = chosen[0]
        if info.file_size > max_bytes:
            raise TooLarge(_too_large(info.file_size, max_bytes, info.filename))
        # The header's size can lie: read no more than the limit allows.
        try:
            with archive.open(info) as member:
                data = member.read(max_bytes + 1)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise InvalidInput(f"{info.filename} in the zip cannot be read: {error}") from None
        if len(data) > max_bytes:
            raise TooLarge(_too_large(len(data), max_bytes, info.filename))
        return data


def _too_large(size: int, limit: int, name: str = "the file") -> str:
    return (
        f"{name} is {size / 1e6:,.1f} MB; the import limit is {limit / 1e6:,.1f} MB "
        "(THREADGRAPH_IMPORT_MAX_BYTES)"
    )
