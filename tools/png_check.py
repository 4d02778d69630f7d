#!/usr/bin/env python3
"""Is a PNG screenshot of reach's map a drawn map rather than a blank page?

Used by tools/check-outputs.sh on the screenshot headless Chromium takes of map.html, so it needs nothing
beyond the Python standard library (zlib and struct; no PIL): it decodes 8-bit RGB or RGBA, non-interlaced
PNGs (what Chromium writes), with any of the five row filters and the image data split over any number of
IDAT chunks; anything else is refused with a message saying what the file is.

It prints the size, the number of distinct colours and the share of the most common colour, and fails when
  - the image is blank: one colour covers more than 98% of the pixels, or there are fewer than 10 colours;
  - fewer than --min-colours colours of --palette (default: the ten viridis colours the map's wards are
    filled with) each cover at least --min-pixels pixels, a pixel matching a palette colour when every
    channel is within --tolerance of it (default 3). The per-colour pixel counts are printed.
    --min-colours 0 turns the palette requirement off.
RGBA pixels are composited over white first (a transparent page looks white to a person).

Exit status: 0 when the image passes, 1 when it fails a check, 2 when it cannot be read or decoded.
"""

import argparse
import struct
import sys
import zlib
from collections import Counter

VIRIDIS = "440154,482878,3E4A89,31688E,26828E,1F9E89,35B779,6DCD59,B4DE2C,FDE725"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOUR_TYPES = {0: "greyscale", 2: "RGB", 3: "palette (indexed)", 4: "greyscale with alpha", 6: "RGBA"}
BLANK_SHARE = 0.98
BLANK_MIN_COLOURS = 10


class PNGError(Exception):
    pass


def read_chunks(data):
    """The PNG's (type, payload) chunks in order, CRCs checked, stopping at IEND."""
    if not data.startswith(PNG_SIGNATURE):
        raise PNGError("not a PNG file (no PNG signature)")
    chunks = []
    pos = len(PNG_SIGNATURE)
    while True:
        if pos + 8 > len(data):
            raise PNGError("truncated file: no IEND chunk")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        payload = data[pos + 8:pos + 8 + length]
        crc_bytes = data[pos + 8 + length:pos + 12 + length]
        if len(payload) != length or len(crc_bytes) != 4:
            raise PNGError(f"truncated {kind.decode('latin-1')} chunk")
        if zlib.crc32(kind + payload) != struct.unpack(">I", crc_bytes)[0]:
            raise PNGError(f"bad CRC in {kind.decode('latin-1')} chunk")
        chunks.append((kind, payload))
        pos += 12 + length
        if kind == b"IEND":
            return chunks


def add_bytes(a, b):
    """Bytewise (a + b) mod 256 of two equal-length byte strings, without a Python loop per byte.

    Carries must not cross bytes: add the low seven bits of each byte (which cannot carry out of it),
    then set each byte's top bit to the XOR of the two top bits and the carry into it."""
    n = len(a)
    x = int.from_bytes(a, "big")
    y = int.from_bytes(b, "big")
    low7 = int.from_bytes(b"\x7f" * n, "big")
    top = int.from_bytes(b"\x80" * n, "big")
    return (((x & low7) + (y & low7)) ^ ((x ^ y) & top)).to_bytes(n, "big")


def unfilter(raw, width, height, bpp):
    """Undo the per-row filters (None, Sub, Up, Average, Paeth; PNG spec section 9) of decompressed data."""
    stride = width * bpp
    if len(raw) < height * (stride + 1):
        raise PNGError(f"image data too short: {len(raw)} bytes for {height} rows of {stride + 1}")
    out = bytearray(height * stride)
    prior = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = raw[start + 1:start + 1 + stride]
        if kind == 0:
            row = line
        elif kind == 2:
            row = add_bytes(line, prior)
        elif kind == 1:
            row = bytearray(line)
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
        elif kind == 3:
            row = bytearray(line)
            for i in range(bpp):
                row[i] = (row[i] + (prior[i] >> 1)) & 0xFF
            for i in range(bpp, stride):
                row[i] = (row[i] + ((row[i - bpp] + prior[i]) >> 1)) & 0xFF
        elif kind == 4:
            row = bytearray(line)
            for i in range(bpp):
                row[i] = (row[i] + prior[i]) & 0xFF  # a = c = 0, so the Paeth predictor is b
            for i in range(bpp, stride):
                a = row[i - bpp]
                b = prior[i]
                c = prior[i - bpp]
                p = a + b - c
                pa = abs(p - a)
                pb = abs(p - b)
                pc = abs(p - c)
                if pa <= pb and pa <= pc:
                    pred = a
                elif pb <= pc:
                    pred = b
                else:
                    pred = c
                row[i] = (row[i] + pred) & 0xFF
        else:
            raise PNGError(f"row {y} has unknown filter type {kind}")
        row = bytes(row)
        out[y * stride:(y + 1) * stride] = row
        prior = row
    return bytes(out)


def decode(path):
    """(width, height, Counter of RGB int -> pixel count) of an 8-bit RGB/RGBA non-interlaced PNG."""
    with open(path, "rb") as handle:
        data = handle.read()
    chunks = read_chunks(data)
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        raise PNGError("first chunk is not a valid IHDR")
    width, height, depth, colour_type, compression, filter_method, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if colour_type not in (2, 6) or depth != 8:
        kind = COLOUR_TYPES.get(colour_type, f"colour type {colour_type}")
        raise PNGError(f"unsupported PNG: {depth}-bit {kind}; only 8-bit RGB or RGBA is read")
    if interlace != 0:
        raise PNGError("unsupported PNG: interlaced (Adam7); only non-interlaced images are read")
    if compression != 0 or filter_method != 0:
        raise PNGError(f"unsupported PNG: compression method {compression}, filter method {filter_method}")
    if width == 0 or height == 0:
        raise PNGError(f"empty image ({width}x{height})")
    idat = b"".join(payload for kind, payload in chunks if kind == b"IDAT")
    if not idat:
        raise PNGError("no IDAT chunk")
    try:
        raw = zlib.decompress(idat)
    except zlib.error as error:
        raise PNGError(f"image data does not decompress: {error}") from None
    bpp = 3 if colour_type == 2 else 4
    pixels = unfilter(raw, width, height, bpp)
    if bpp == 3:
        counts = Counter(int.from_bytes(pixels[i:i + 3], "big") for i in range(0, len(pixels), 3))
    else:
        rgba = Counter(int.from_bytes(pixels[i:i + 4], "big") for i in range(0, len(pixels), 4))
        counts = Counter()
        for value, n in rgba.items():
            r, g, b, alpha = value >> 24, (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF
            if alpha != 255:
                r, g, b = ((channel * alpha + 255 * (255 - alpha) + 127) // 255 for channel in (r, g, b))
            counts[(r << 16) | (g << 8) | b] += n
    return width, height, counts


def parse_palette(text):
    colours = []
    for item in text.split(","):
        item = item.strip().lstrip("#")
        if len(item) != 6:
            raise argparse.ArgumentTypeError(f"palette colour {item!r} is not six hex digits (RRGGBB)")
        try:
            colours.append(int(item, 16))
        except ValueError:
            raise argparse.ArgumentTypeError(f"palette colour {item!r} is not six hex digits (RRGGBB)") from None
    return colours


def channels(colour):
    return colour >> 16, (colour >> 8) & 0xFF, colour & 0xFF


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("png")
    parser.add_argument("--palette", type=parse_palette, default=parse_palette(VIRIDIS),
                        help="comma-separated RRGGBB colours the image should show (default: viridis, 10 colours)")
    parser.add_argument("--min-colours", type=int, default=5,
                        help="palette colours that must each cover --min-pixels pixels (default 5; 0: no requirement)")
    parser.add_argument("--min-pixels", type=int, default=200, help="pixels a palette colour must cover (default 200)")
    parser.add_argument("--tolerance", type=int, default=3, help="per-channel tolerance of a palette match (default 3)")
    args = parser.parse_args()
    name = args.png

    try:
        width, height, counts = decode(args.png)
    except (OSError, PNGError) as error:
        print(f"png_check: FAIL: {name}: {error}")
        return 2

    total = width * height
    top_colour, top_count = counts.most_common(1)[0]
    top_share = top_count / total
    print(f"png_check: {name}: {width}x{height}, {len(counts)} distinct colours, "
          f"most common #{top_colour:06X} covers {100 * top_share:.2f}% of pixels")

    failures = []
    if top_share > BLANK_SHARE:
        failures.append(f"blank image: #{top_colour:06X} covers {100 * top_share:.2f}% of pixels "
                        f"(more than {100 * BLANK_SHARE:.0f}%)")
    if len(counts) < BLANK_MIN_COLOURS:
        failures.append(f"blank image: only {len(counts)} distinct colours (fewer than {BLANK_MIN_COLOURS})")

    if args.min_colours > 0:
        # Each pixel counts for the nearest palette colour within tolerance (the viridis colours are far apart,
        # so this only matters for a palette of near-identical colours).
        matched = [0] * len(args.palette)
        targets = [channels(colour) for colour in args.palette]
        for colour, n in counts.items():
            rgb = channels(colour)
            best = None
            for index, target in enumerate(targets):
                distance = max(abs(rgb[k] - target[k]) for k in range(3))
                if distance <= args.tolerance and (best is None or distance < best[0]):
                    best = (distance, index)
            if best is not None:
                matched[best[1]] += n
        covered = 0
        for colour, n in zip(args.palette, matched):
            enough = n >= args.min_pixels
            covered += enough
            print(f"png_check:   #{colour:06X} {n:>9} px{'' if enough else f'  (< {args.min_pixels})'}")
        if covered < args.min_colours:
            failures.append(f"only {covered} of the {len(args.palette)} palette colours cover at least "
                            f"{args.min_pixels} pixels each (need {args.min_colours}; tolerance ±{args.tolerance})")
        else:
            print(f"png_check: {covered} of the {len(args.palette)} palette colours cover at least "
                  f"{args.min_pixels} pixels each (need {args.min_colours})")

    for failure in failures:
        print(f"png_check: FAIL: {name}: {failure}")
    if failures:
        return 1
    print(f"png_check: ok: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
