"""Constant folding: the value of an expression built only from constants (``"ev" + "al"``)."""

from __future__ import annotations

import ast
import codecs
import re
from functools import cache
from typing import Any

from guardian.rules._code_tables import canon

_TEXT_ENCODINGS = frozenset({"utf-8", "utf8", "utf_8", "ascii", "latin-1", "latin1", "latin_1",
                             "iso-8859-1", "utf-16", "utf-32", "cp1252", "unicode_escape"})
_CODEC_TRANSFORMS = frozenset({"rot13", "rot_13", "hex", "hex_codec", "base64", "base64_codec",
                               "base_64"})
DECODERS = frozenset({
    "base64.b64decode", "base64.standard_b64decode", "base64.urlsafe_b64decode",
    "base64.b32decode", "base64.b16decode", "base64.b85decode", "base64.a85decode",
    "base64.decodebytes", "binascii.unhexlify", "binascii.a2b_hex", "binascii.a2b_base64",
    "bytes.fromhex", "codecs.decode", "codecs.encode",
})
_FOLD_LIMIT = 4096
_FOLD_WORK = 200_000  # folding steps per code block; past it, values are treated as unknown


class TooDeep(Exception):
    """Folding or resolving went past its depth budget."""


class Folder:
    """Folds the expressions of one code block, with a work budget and a memo per node.

    A name folds to its value in ``env`` (names assigned a constant once, filled in by
    ``Scope``); a call folds when ``resolve`` names a known function, and this base resolves
    no name at all.
    """

    def __init__(self) -> None:
        self.env: dict[str, Any] = {}
        self.memo: dict[int, Any] = {}
        self.work = _FOLD_WORK

    def resolve(self, node: ast.AST, depth: int = 0) -> str | None:
        """The dotted name an expression refers to; without a scope, never known."""
        return None

    def fold(self, node: ast.AST, depth: int = 0,
             bind: dict[str, Any] | None = None) -> Any:
        """The constant value of ``node`` if it is built only from constants, else None."""
        if depth > 60:
            raise TooDeep
        self.work -= 1
        if self.work < 0:
            return None  # folding budget spent (nested comprehensions): stop folding
        if bind is None:
            key = id(node)
            if key in self.memo:
                return self.memo[key]
            self.memo[key] = None  # guards against cycles
        try:
            value = self._fold(node, depth, bind)
        except (ValueError, TypeError, ArithmeticError, LookupError, AttributeError,
                IndexError, UnicodeError):
            value = None
        if value is not None and not _small(value):
            value = None
        if bind is None:
            self.memo[id(node)] = value
        return value

    def _fold(self, node: ast.AST, depth: int, bind: dict[str, Any] | None) -> Any:
        d = depth + 1
        if isinstance(node, ast.Constant):
            value = node.value
            return value if isinstance(value, str | bytes | int) else None
        if isinstance(node, ast.Name):
            if bind is not None and node.id in bind:
                return bind[node.id]
            return self.env.get(node.id)
        if isinstance(node, ast.List | ast.Tuple):
            items = [self.fold(e, d, bind) for e in node.elts]
            return None if any(i is None for i in items) else items
        if isinstance(node, ast.BinOp):
            return _binop(node.op, self.fold(node.left, d, bind), self.fold(node.right, d, bind))
        if isinstance(node, ast.UnaryOp):
            operand = self.fold(node.operand, d, bind)
            if isinstance(operand, int):
                if isinstance(node.op, ast.USub):
                    return -operand
                if isinstance(node.op, ast.UAdd):
                    return operand
                if isinstance(node.op, ast.Invert):
                    return ~operand
            return None
        if isinstance(node, ast.JoinedStr):
            parts: list[str] = []
            for piece in node.values:
                if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
                    parts.append(piece.value)
                elif isinstance(piece, ast.FormattedValue):
                    inner = self.fold(piece.value, d, bind)
                    if inner is None:
                        return None
                    spec = "" if piece.format_spec is None else self.fold(
                        piece.format_spec, d, bind)
                    if not isinstance(spec, str) or _wide().search(spec):
                        return None
                    if piece.conversion == ord("r"):
                        inner = repr(inner)
                    elif piece.conversion == ord("a"):
                        inner = ascii(inner)
                    parts.append(format(inner, spec))
                else:
                    return None
            return "".join(parts)
        if isinstance(node, ast.Subscript):
            seq = self.fold(node.value, d, bind)
            if not isinstance(seq, str | bytes | list):
                return None
            if isinstance(node.slice, ast.Slice):
                bounds = []
                for part in (node.slice.lower, node.slice.upper, node.slice.step):
                    value = None if part is None else self.fold(part, d, bind)
                    if part is not None and not isinstance(value, int):
                        return None
                    bounds.append(value)
                return seq[slice(*bounds)]
            index = self.fold(node.slice, d, bind)
            return seq[index] if isinstance(index, int) else None
        if isinstance(node, ast.ListComp | ast.GeneratorExp):
            return self._fold_comprehension(node, d, bind)
        if isinstance(node, ast.Call):
            return self._fold_call(node, d, bind)
        return None

    def _fold_comprehension(self, node: ast.ListComp | ast.GeneratorExp, depth: int,
                            bind: dict[str, Any] | None) -> Any:
        if len(node.generators) != 1:
            return None
        gen = node.generators[0]
        if gen.ifs or gen.is_async or not isinstance(gen.target, ast.Name):
            return None
        source = self.fold(gen.iter, depth, bind)
        if not isinstance(source, str | bytes | list):
            return None
        out = []
        for item in list(source)[:_FOLD_LIMIT]:
            value = self.fold(node.elt, depth, {**(bind or {}), gen.target.id: item})
            if value is None:
                return None
            out.append(value)
        return out

    def _fold_call(self, node: ast.Call, depth: int, bind: dict[str, Any] | None) -> Any:
        if node.keywords and any(k.arg is None for k in node.keywords):
            return None
        func = node.func
        if isinstance(func, ast.Name) and len(node.args) == 2 and \
                self.resolve(func) == "map" and self.resolve(node.args[0]) == "chr":
            seq = self.fold(node.args[1], depth, bind)
            return [chr(c) for c in seq] if isinstance(seq, list | bytes) else None
        args = [self.fold(a, depth, bind) for a in node.args]
        if any(a is None for a in args):
            return None
        kwargs: dict[str | None, Any] = {
            k.arg: self.fold(k.value, depth, bind) for k in node.keywords if k.arg}
        if any(v is None for v in kwargs.values()):
            return None
        if isinstance(func, ast.Attribute):
            receiver = self.fold(func.value, depth, bind)
            if isinstance(receiver, str | bytes):
                return _string_method(receiver, func.attr, args, kwargs)
        name = self.resolve(func) if isinstance(func, ast.Name | ast.Attribute) else None
        if name is None:
            return None
        return _call_builtin(canon(name), args, kwargs)


@cache
def _wide() -> re.Pattern[str]:
    return re.compile(r"\d{4,}")


def _small(value: Any) -> bool:
    if isinstance(value, str | bytes | list):
        return len(value) <= _FOLD_LIMIT
    if isinstance(value, int):
        return value.bit_length() <= 64
    return False


def _binop(op: ast.operator, left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    if isinstance(op, ast.Add):
        if type(left) is type(right) or (isinstance(left, int) and isinstance(right, int)):
            if isinstance(left, str | bytes | list) and len(left) + len(right) > _FOLD_LIMIT:
                return None
            return left + right
        return None
    if isinstance(op, ast.Mult):
        seq, count = (left, right) if isinstance(right, int) else (right, left)
        if isinstance(seq, str | bytes | list) and isinstance(count, int):
            return seq * count if len(seq) * max(count, 0) <= _FOLD_LIMIT else None
        if isinstance(seq, int) and isinstance(count, int):
            return seq * count
        return None
    if isinstance(op, ast.Mod) and isinstance(left, str | bytes):
        if _wide().search(left if isinstance(left, str) else left.decode("latin-1")):
            return None
        return left % (tuple(right) if isinstance(right, list) else right)
    if isinstance(left, int) and isinstance(right, int):
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.FloorDiv):
            return left // right
        if isinstance(op, ast.Mod):
            return left % right
        if isinstance(op, ast.BitXor):
            return left ^ right
        if isinstance(op, ast.BitAnd):
            return left & right
        if isinstance(op, ast.BitOr):
            return left | right
        if isinstance(op, ast.LShift) and 0 <= right <= 64:
            return left << right
        if isinstance(op, ast.RShift) and right >= 0:
            return left >> right
    return None


def _string_method(receiver: str | bytes, method: str, args: list[Any],
                   kwargs: dict[str | None, Any]) -> Any:
    if method == "join" and len(args) == 1 and isinstance(args[0], list | str | bytes):
        return receiver.join(args[0])  # type: ignore[arg-type]  # TypeError is caught
    if method == "format" and isinstance(receiver, str):
        if _wide().search(receiver) or "." in "".join(re.findall(r"\{[^}]*\}", receiver)):
            return None
        return receiver.format(*args, **{k: v for k, v in kwargs.items() if k})
    if method in ("decode", "encode"):
        encoding = args[0] if args else kwargs.get("encoding", "utf-8")
        if not isinstance(encoding, str) or encoding.lower() not in _TEXT_ENCODINGS:
            return None
        if method == "decode" and isinstance(receiver, bytes):
            return receiver.decode(encoding, "replace")
        if method == "encode" and isinstance(receiver, str):
            return receiver.encode(encoding, "replace")
        return None
    if method in ("lower", "upper", "strip", "lstrip", "rstrip", "swapcase", "title",
                  "capitalize", "casefold") and len(args) <= 1:
        return getattr(receiver, method)(*args)
    if method in ("removeprefix", "removesuffix") and len(args) == 1:
        return getattr(receiver, method)(args[0])
    if method == "replace" and len(args) in (2, 3):
        old, new = args[0], args[1]
        if not isinstance(old, type(receiver)) or not isinstance(new, type(receiver)) or not old:
            return None
        if receiver.count(old) * len(new) > _FOLD_LIMIT:  # type: ignore[arg-type]
            return None
        return receiver.replace(*args)
    if method == "fromhex" and isinstance(receiver, str):
        return None
    return None


def _call_builtin(name: str, args: list[Any], kwargs: dict[str | None, Any]) -> Any:
    if kwargs and name not in ("str", "bytes", "codecs.decode", "codecs.encode"):
        return None
    if name == "chr" and len(args) == 1 and isinstance(args[0], int):
        return chr(args[0])
    if name == "ord" and len(args) == 1 and isinstance(args[0], str):
        return ord(args[0])
    if name == "int" and 1 <= len(args) <= 2 and isinstance(args[0], str) and len(args[0]) < 40:
        return int(*args)
    if name == "str":
        if len(args) == 1 and isinstance(args[0], str | int):
            return str(args[0])
        if len(args) >= 2 and isinstance(args[0], bytes) and isinstance(args[1], str) and \
                args[1].lower() in _TEXT_ENCODINGS:
            return args[0].decode(args[1], "replace")
        return None
    if name in ("bytes", "bytearray") and args:
        if isinstance(args[0], list) and all(isinstance(i, int) for i in args[0]):
            return bytes(args[0])
        if isinstance(args[0], str) and len(args) >= 2 and isinstance(args[1], str) and \
                args[1].lower() in _TEXT_ENCODINGS:
            return args[0].encode(args[1], "replace")
        if isinstance(args[0], bytes):
            return bytes(args[0])
        return None
    if name in ("list", "tuple") and len(args) == 1 and isinstance(args[0], list | str | bytes):
        return list(args[0])
    if name == "reversed" and len(args) == 1 and isinstance(args[0], list | str | bytes):
        return list(reversed(args[0]))
    if name == "range" and 1 <= len(args) <= 3 and all(isinstance(a, int) for a in args):
        span = range(*args)
        return list(span) if len(span) <= _FOLD_LIMIT else None
    if name == "bytes.fromhex" and len(args) == 1 and isinstance(args[0], str):
        return bytes.fromhex(args[0])
    if name.startswith(("base64.", "binascii.")) and name in DECODERS and len(args) == 1:
        data = args[0]
        if not isinstance(data, str | bytes):
            return None
        import base64  # only for folding encoded payloads
        import binascii

        module = base64 if name.startswith("base64.") else binascii
        function = getattr(module, name.split(".", 1)[1])
        if name in ("binascii.a2b_base64", "binascii.unhexlify", "binascii.a2b_hex",
                    "base64.decodebytes") and isinstance(data, str):
            data = data.encode("ascii")
        result: bytes = function(data)
        return result
    if name in ("codecs.decode", "codecs.encode") and args:
        encoding = args[1] if len(args) > 1 else kwargs.get("encoding", "utf-8")
        if not isinstance(encoding, str):
            return None
        lowered = encoding.lower()
        if lowered not in _CODEC_TRANSFORMS and lowered not in _TEXT_ENCODINGS:
            return None
        coder = codecs.decode if name == "codecs.decode" else codecs.encode
        return coder(args[0], encoding)
    return None
