#!/usr/bin/env python3
"""Writes the reference test files of localpix-jpeg: small JPEGs covering what the decoder reads
(and refuses), each with libjpeg-turbo's decodes at 1/1, 1/2, 1/4 and 1/8 and at 3/8, 5/8, 6/8 and 7/8
(djpeg -scale, as PPM or PGM; NAME.M-D.ppm for M/D) beside it. Needs libjpeg-turbo's cjpeg and djpeg (Debian: libjpeg-turbo-progs) and
Pillow (for CMYK). The pictures are synthetic (no licence attached).

    python3 make.py    # in this directory; rewrites every .jpg, .ppm and .pgm here
"""
import math
import random
import subprocess
from pathlib import Path

from PIL import Image

HERE = Path(__file__).parent


def picture(width, height, seed=1):
    """Smooth gradients, waves, hard edges, a disc and noise: every frequency band is busy."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            wave = math.sin(x / 3.1) * math.cos(y / 4.7)
            r = 128 + 90 * wave + rng.randint(-12, 12)
            g = 255 * x / max(width - 1, 1) * 0.7 + (60 if (x // 6 + y // 6) % 2 else 0)
            b = 230 if (x - width * 0.6) ** 2 + (y - height * 0.4) ** 2 < (min(width, height) * 0.3) ** 2 else 40 + 2 * y
            pixels[x, y] = tuple(max(0, min(255, int(v))) for v in (r, g, b))
    return image


# A progressive script with spectral selection, successive approximation at several bits and
# single-component AC bands (EOB runs across blocks), beyond cjpeg's default one.
CUSTOM_SCANS = """
0 1 2: 0 0 0 2;
0: 1 8 0 3;
1: 1 63 0 1;
2: 1 63 0 2;
0: 9 63 0 3;
0 1 2: 0 0 2 1;
0: 1 63 3 2;
2: 1 63 2 1;
0: 1 63 2 1;
0 1 2: 0 0 1 0;
0: 1 63 1 0;
1: 1 63 1 0;
2: 1 63 1 0;
"""

# One component per scan: a non-interleaved sequential file.
SEPARATE_SCANS = """
0: 0 63 0 0;
1: 0 63 0 0;
2: 0 63 0 0;
"""

CASES = {
    # name: (width, height, cjpeg options)
    "baseline-420": (61, 45, ["-sample", "2x2", "-quality", "85"]),
    "baseline-422": (61, 45, ["-sample", "2x1", "-quality", "85"]),
    "baseline-444": (61, 45, ["-sample", "1x1", "-quality", "85"]),
    "baseline-440": (61, 45, ["-sample", "1x2", "-quality", "85"]),
    "baseline-411": (61, 45, ["-sample", "4x1", "-quality", "85"]),
    "gray": (61, 45, ["-grayscale", "-quality", "90"]),
    "rgb": (61, 45, ["-rgb", "-quality", "90"]),
    "restart-mcus-420": (61, 45, ["-sample", "2x2", "-restart", "2B"]),
    "restart-rows-444": (61, 45, ["-sample", "1x1", "-restart", "1"]),
    "quality-100-optimized": (61, 45, ["-sample", "1x1", "-quality", "100", "-optimize"]),
    "quality-5": (61, 45, ["-sample", "2x2", "-quality", "5"]),
    "progressive-420": (61, 45, ["-sample", "2x2", "-progressive"]),
    "progressive-gray": (61, 45, ["-grayscale", "-progressive"]),
    "progressive-restart": (61, 45, ["-sample", "2x1", "-progressive", "-restart", "1B"]),
    "progressive-custom": (61, 45, ["-sample", "2x2", "-scans", "SCRIPT:custom"]),
    "sequential-separate-scans": (61, 45, ["-sample", "2x2", "-scans", "SCRIPT:separate"]),
    "one-pixel": (1, 1, ["-sample", "2x2"]),
    "odd-7x9-420": (7, 9, ["-sample", "2x2"]),
    "odd-17x3-422": (17, 3, ["-sample", "2x1"]),
    "tall-3x40-gray": (3, 40, ["-grayscale"]),
    # Refused: arithmetic coding.
    "arithmetic": (61, 45, ["-arithmetic"]),
}


def main():
    scripts = {"custom": CUSTOM_SCANS, "separate": SEPARATE_SCANS}
    for path in list(HERE.glob("*.jpg")) + list(HERE.glob("*.p?m")) + list(HERE.glob("*.txt")):
        path.unlink()
    for name, text in scripts.items():
        (HERE / f"scans-{name}.txt").write_text(text.strip() + "\n")
    for name, (width, height, options) in CASES.items():
        source = HERE / "source.ppm"
        picture(width, height).save(source)
        options = [str(HERE / f"scans-{o[7:]}.txt") if o.startswith("SCRIPT:") else o for o in options]
        with open(HERE / f"{name}.jpg", "wb") as out:
            subprocess.run(["cjpeg", *options, str(source)], stdout=out, check=True)
        source.unlink()
    # CMYK, as Photoshop writes it (Adobe marker, inverted): Pillow's libjpeg.
    cmyk = picture(61, 45).convert("CMYK")
    cmyk.save(HERE / "cmyk.jpg", quality=90)
    for jpeg in sorted(HERE.glob("*.jpg")):
        if jpeg.stem == "arithmetic":
            continue
        for scale in ("1/1", "1/2", "1/4", "1/8", "3/8", "5/8", "6/8", "7/8"):
            result = subprocess.run(["djpeg", "-scale", scale, "-pnm", str(jpeg)], capture_output=True, check=True)
            kind = "pgm" if result.stdout.startswith(b"P5") else "ppm"
            (HERE / f"{jpeg.stem}.{scale.replace('/', '-')}.{kind}").write_bytes(result.stdout)
    for path in HERE.glob("scans-*.txt"):
        path.unlink()


if __name__ == "__main__":
    main()
