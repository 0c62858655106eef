"""Arrow columns from the audit writer's Python lists, built from buffers.

`pyarrow.array` on a Python list (or an ndarray) asks pandas whether the value is one of its
objects, which imports pandas: about 0.35 s of CPU per process, a sixth of a 20,000-document
audit. The audit's columns have a handful of plain types, so `column` builds them directly from
numpy buffers (``pa.Array.from_buffers``), which is also faster than converting value by value:

- integers and floats: one ``np.array`` of the values (None -> a validity bitmap);
- strings, JSON text and bytes: the UTF-8 bytes joined once, offsets from their lengths;
- ``list<uint32>`` (MinHash signatures, numpy rows): one concatenated array, offsets.

Any other type (a classifier's ``spans`` structs) goes through ``pa.array``. The values stored are
exactly those ``pa.array`` would store (tested against it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

_NUMERIC = {
    pa.int64(): np.int64,
    pa.int32(): np.int32,
    pa.float64(): np.float64,
    pa.uint32(): np.uint32,
}


def _validity(values: list[Any]) -> tuple[pa.Buffer | None, int]:
    """(validity bitmap or None, null count) of a list with possible None values."""
    valid = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    nulls = int(len(values) - np.count_nonzero(valid))
    if not nulls:
        return None, 0
    return pa.py_buffer(np.packbits(valid, bitorder="little")), nulls


def _numeric(values: list[Any], typ: pa.DataType, dtype: Any) -> pa.Array:
    bitmap, nulls = _validity(values)
    if nulls:
        values = [0 if v is None else v for v in values]
    data = np.array(values, dtype=dtype)
    return pa.Array.from_buffers(typ, len(data), [bitmap, pa.py_buffer(data)], null_count=nulls)


def _binary(values: list[Any], typ: pa.DataType) -> pa.Array:
    """string / binary (int32 offsets) from str or bytes values."""
    bitmap, nulls = _validity(values)
    enc = [
        b"" if v is None else v if isinstance(v, bytes | bytearray) else v.encode("utf-8")
        for v in values
    ]
    offsets = np.zeros(len(enc) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, enc), dtype=np.int64, count=len(enc)), out=offsets[1:])
    if offsets[-1] >= 2**31:  # int32 offsets: a row group this big wants a smaller row group
        return pa.array(values, type=typ)
    data = b"".join(enc)
    return pa.Array.from_buffers(
        typ,
        len(enc),
        [bitmap, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data)],
        null_count=nulls,
    )


def _uint32_lists(values: list[np.ndarray], typ: pa.DataType) -> pa.Array:
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(
        np.fromiter((v.size for v in values), dtype=np.int32, count=len(values)), out=offsets[1:]
    )
    flat = np.concatenate(values).astype(np.uint32, copy=False)
    child = pa.Array.from_buffers(pa.uint32(), len(flat), [None, pa.py_buffer(flat)])
    return pa.Array.from_buffers(typ, len(values), [None, pa.py_buffer(offsets)], children=[child])


def column(values: list[Any], typ: pa.DataType) -> pa.Array:
    """The Arrow array of type `typ` holding `values` (what ``pa.array(values, typ)`` gives)."""
    if isinstance(typ, pa.BaseExtensionType):  # JSON text: a string array underneath
        storage = column(values, typ.storage_type)
        return pa.ExtensionArray.from_storage(typ, storage)
    dtype = _NUMERIC.get(typ)
    if dtype is not None:
        return _numeric(values, typ, dtype)
    if typ in (pa.string(), pa.binary()):
        return _binary(values, typ)
    if (
        pa.types.is_list(typ)
        and typ.value_type == pa.uint32()
        and values
        and all(isinstance(v, np.ndarray) for v in values)
    ):
        return _uint32_lists(values, typ)
    return pa.array(values, type=typ)
