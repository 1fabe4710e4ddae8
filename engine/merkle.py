"""A Merkle tree over the chains a daily checkpoint covers (RFC 9162, section 2.1), standard library only.

A daily checkpoint signs only the root over its entries ``[case, events, head]`` sorted by case number; a
dossier carries the one entry of its case with the audit path to that root, so a recipient checks that
the signed checkpoint covered the case without learning anything about the other cases. The same
verification is repeated, verbatim, in the dossier's standalone ``verify.py`` (engine/dossier_verify.py).
"""

from __future__ import annotations

import hashlib
import json


def leaf_bytes(case: str, events: int, head: str) -> bytes:
    return json.dumps([case, events, head], separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def root(leaves: list[bytes]) -> str:
    """MTH over leaf hashes (hex); the empty tree's root is sha256 of nothing."""
    return _mth(leaves).hex() if leaves else hashlib.sha256(b"").hexdigest()


def _mth(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return _node(_mth(leaves[:k]), _mth(leaves[k:]))


def inclusion_path(leaves: list[bytes], index: int) -> list[str]:
    """The audit path of leaf ``index`` (hex hashes, from the leaf upward)."""
    if not 0 <= index < len(leaves):
        raise IndexError(index)
    return [h.hex() for h in _path(leaves, index)]


def _path(leaves: list[bytes], index: int) -> list[bytes]:
    if len(leaves) <= 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return _path(leaves[:k], index) + [_mth(leaves[k:])]
    return _path(leaves[k:], index - k) + [_mth(leaves[:k])]


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[str], expected_root: str) -> bool:
    """RFC 9162 2.1.3.2: does ``leaf`` (a leaf hash) sit at ``index`` of a tree of ``size`` with that root?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for item in path:
        p = bytes.fromhex(item)
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r.hex() == expected_root
