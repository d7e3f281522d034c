"""A QR code (ISO/IEC 18004, byte mode, error correction level M) rendered as a PNG.

CreateVirtualMFADevice answers with a PNG of the otpauth:// URI that authenticator apps scan. No QR
library is among Stratus's dependencies, and this one job is small: encode the bytes, add
Reed-Solomon error correction, place the modules, pick the mask with the lowest penalty, and
write a 1-bit grayscale PNG with zlib.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

# Error correction codewords per block and number of blocks, level M, versions 1..40 (index 0 unused).
_ECC_PER_BLOCK_M = (
    -1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
    26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
)  # fmt: skip
_BLOCKS_M = (
    -1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
    17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
)  # fmt: skip
_FORMAT_BITS_M = 0  # level M's two format bits

_MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda x, y: (x + y) % 2 == 0,
    lambda x, y: y % 2 == 0,
    lambda x, y: x % 3 == 0,
    lambda x, y: (x + y) % 3 == 0,
    lambda x, y: (x // 3 + y // 2) % 2 == 0,
    lambda x, y: x * y % 2 + x * y % 3 == 0,
    lambda x, y: (x * y % 2 + x * y % 3) % 2 == 0,
    lambda x, y: ((x + y) % 2 + x * y % 3) % 2 == 0,
)


# ---------------------------------------------------------------- capacities


def raw_data_modules(version: int) -> int:
    """Modules left for data and error correction once the function patterns are placed."""
    result = (16 * version + 128) * version + 64
    if version >= 2:
        alignments = version // 7 + 2
        result -= (25 * alignments - 10) * alignments - 55
        if version >= 7:
            result -= 36
    return result


def data_codewords(version: int) -> int:
    return raw_data_modules(version) // 8 - _ECC_PER_BLOCK_M[version] * _BLOCKS_M[version]


def _bits_needed(version: int, length: int) -> int:
    count_bits = 8 if version <= 9 else 16
    return 4 + count_bits + 8 * length


# ---------------------------------------------------------------- Reed-Solomon over GF(2^8)


def _gf_multiply(x: int, y: int) -> int:
    z = 0
    for i in reversed(range(8)):
        z = (z << 1) ^ ((z >> 7) * 0x11D)
        z ^= ((y >> i) & 1) * x
    return z


def _rs_divisor(degree: int) -> list[int]:
    result = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            result[j] = _gf_multiply(result[j], root)
            if j + 1 < degree:
                result[j] ^= result[j + 1]
        root = _gf_multiply(root, 0x02)
    return result


def rs_remainder(data: list[int], degree: int) -> list[int]:
    """The `degree` error correction codewords of `data`."""
    divisor = _rs_divisor(degree)
    result = [0] * degree
    for byte in data:
        factor = byte ^ result.pop(0)
        result.append(0)
        for i, coefficient in enumerate(divisor):
            result[i] ^= _gf_multiply(coefficient, factor)
    return result


# ---------------------------------------------------------------- codewords


def _data_codewords(payload: bytes, version: int) -> list[int]:
    bits: list[int] = []

    def append(value: int, length: int) -> None:
        bits.extend((value >> i) & 1 for i in reversed(range(length)))

    append(0b0100, 4)  # byte mode
    append(len(payload), 8 if version <= 9 else 16)
    for byte in payload:
        append(byte, 8)
    capacity = data_codewords(version) * 8
    append(0, min(4, capacity - len(bits)))  # terminator
    append(0, -len(bits) % 8)
    codewords = [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8)]
    pad = 0xEC
    while len(codewords) < capacity // 8:
        codewords.append(pad)
        pad ^= 0xEC ^ 0x11
    return codewords


def _interleaved(data: list[int], version: int) -> list[int]:
    blocks_count = _BLOCKS_M[version]
    ecc_length = _ECC_PER_BLOCK_M[version]
    raw_codewords = raw_data_modules(version) // 8
    short_blocks = blocks_count - raw_codewords % blocks_count
    short_length = raw_codewords // blocks_count
    blocks = []
    start = 0
    for index in range(blocks_count):
        length = short_length - ecc_length + (0 if index < short_blocks else 1)
        block = data[start : start + length]
        start += length
        ecc = rs_remainder(block, ecc_length)
        if index < short_blocks:
            block = block + [0]  # a placeholder, skipped below, so all blocks line up
        blocks.append(block + ecc)
    result = []
    for i in range(len(blocks[0])):
        for j, block in enumerate(blocks):
            if i != short_length - ecc_length or j >= short_blocks:
                result.append(block[i])
    return result


# ---------------------------------------------------------------- the symbol


class _Symbol:
    def __init__(self, version: int) -> None:
        self.version = version
        self.size = version * 4 + 17
        self.dark = [[False] * self.size for _ in range(self.size)]
        self.function = [[False] * self.size for _ in range(self.size)]
        self._draw_function_patterns()

    def set_function(self, x: int, y: int, dark: bool) -> None:
        self.dark[y][x] = dark
        self.function[y][x] = True

    def _draw_function_patterns(self) -> None:
        size = self.size
        for i in range(size):
            self.set_function(6, i, i % 2 == 0)
            self.set_function(i, 6, i % 2 == 0)
        for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):
            for dy in range(-4, 5):
                for dx in range(-4, 5):
                    x, y = cx + dx, cy + dy
                    if 0 <= x < size and 0 <= y < size:
                        self.set_function(x, y, max(abs(dx), abs(dy)) not in (2, 4))
        positions = self._alignment_positions()
        last = len(positions) - 1
        for i, cx in enumerate(positions):
            for j, cy in enumerate(positions):
                if (i, j) in ((0, 0), (0, last), (last, 0)):
                    continue  # these overlap the finder patterns
                for dy in range(-2, 3):
                    for dx in range(-2, 3):
                        self.set_function(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1)
        self.draw_format_bits(0)
        self._draw_version()

    def _alignment_positions(self) -> list[int]:
        if self.version == 1:
            return []
        count = self.version // 7 + 2
        step = 26 if self.version == 32 else (self.version * 4 + count * 2 + 1) // (count * 2 - 2) * 2
        positions = [self.size - 7 - i * step for i in range(count - 1)]
        return [6, *reversed(positions)]

    def draw_format_bits(self, mask: int) -> None:
        data = _FORMAT_BITS_M << 3 | mask
        remainder = data
        for _ in range(10):
            remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
        bits = (data << 10 | remainder) ^ 0x5412

        def bit(i: int) -> bool:
            return (bits >> i) & 1 == 1

        size = self.size
        for i in range(6):
            self.set_function(8, i, bit(i))
        self.set_function(8, 7, bit(6))
        self.set_function(8, 8, bit(7))
        self.set_function(7, 8, bit(8))
        for i in range(9, 15):
            self.set_function(14 - i, 8, bit(i))
        for i in range(8):
            self.set_function(size - 1 - i, 8, bit(i))
        for i in range(8, 15):
            self.set_function(8, size - 15 + i, bit(i))
        self.set_function(8, size - 8, True)  # the dark module

    def _draw_version(self) -> None:
        if self.version < 7:
            return
        remainder = self.version
        for _ in range(12):
            remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
        bits = self.version << 12 | remainder
        for i in range(18):
            dark = (bits >> i) & 1 == 1
            a, b = self.size - 11 + i % 3, i // 3
            self.set_function(a, b, dark)
            self.set_function(b, a, dark)

    def draw_codewords(self, codewords: list[int]) -> None:
        size = self.size
        index = 0
        total = len(codewords) * 8
        right = size - 1
        while right >= 1:
            if right == 6:
                right = 5  # the vertical timing pattern's column is skipped
            upward = ((right + 1) & 2) == 0
            for vertical in range(size):
                y = size - 1 - vertical if upward else vertical
                for x in (right, right - 1):
                    if not self.function[y][x] and index < total:
                        self.dark[y][x] = (codewords[index >> 3] >> (7 - (index & 7))) & 1 == 1
                        index += 1
            right -= 2

    def apply_mask(self, mask: int) -> None:
        test = _MASKS[mask]
        for y in range(self.size):
            row, function = self.dark[y], self.function[y]
            for x in range(self.size):
                if not function[x] and test(x, y):
                    row[x] = not row[x]

    def penalty(self) -> int:
        size = self.size
        lines = [list(row) for row in self.dark] + [
            [self.dark[y][x] for y in range(size)] for x in range(size)
        ]
        score = 0
        for line in lines:
            run = 1
            for i in range(1, size + 1):
                if i < size and line[i] == line[i - 1]:
                    run += 1
                    continue
                if run >= 5:
                    score += 3 + run - 5
                run = 1
            text = "".join("1" if module else "0" for module in line)
            score += 40 * (text.count("10111010000") + text.count("00001011101"))
        for y in range(size - 1):
            for x in range(size - 1):
                color = self.dark[y][x]
                if color == self.dark[y][x + 1] == self.dark[y + 1][x] == self.dark[y + 1][x + 1]:
                    score += 3
        dark = sum(sum(row) for row in self.dark)
        total = size * size
        k = (abs(dark * 20 - total * 10) + total - 1) // total - 1
        return score + max(k, 0) * 10


def qr_matrix(payload: bytes) -> list[list[bool]]:
    """The modules (True: dark) of the smallest level-M QR code that holds `payload`."""
    for version in range(1, 41):
        if _bits_needed(version, len(payload)) <= data_codewords(version) * 8:
            break
    else:
        raise ValueError("payload too long for a QR code")
    symbol = _Symbol(version)
    symbol.draw_codewords(_interleaved(_data_codewords(payload, version), version))
    best_mask, best_penalty = 0, None
    for mask in range(8):
        symbol.apply_mask(mask)
        symbol.draw_format_bits(mask)
        penalty = symbol.penalty()
        if best_penalty is None or penalty < best_penalty:
            best_mask, best_penalty = mask, penalty
        symbol.apply_mask(mask)  # XOR again: undone
    symbol.apply_mask(best_mask)
    symbol.draw_format_bits(best_mask)
    return symbol.dark


# ---------------------------------------------------------------- PNG


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_of(matrix: list[list[bool]], scale: int = 4, border: int = 4) -> bytes:
    """A 1-bit grayscale PNG: `scale` pixels per module and a `border`-module light quiet zone."""
    modules = len(matrix) + 2 * border
    width = modules * scale
    rows = []
    for y in range(modules):
        bits = []
        for x in range(modules):
            mx, my = x - border, y - border
            dark = 0 <= mx < len(matrix) and 0 <= my < len(matrix) and matrix[my][mx]
            bits.extend([0 if dark else 1] * scale)  # 0 is black in grayscale
        bits.extend([1] * (-len(bits) % 8))
        line = bytes(int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8))
        rows.extend([b"\x00" + line] * scale)  # filter type 0 per scanline
    header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def qr_png(text: str) -> bytes:
    """A PNG of the QR code of `text` (UTF-8)."""
    return png_of(qr_matrix(text.encode("utf-8")))
