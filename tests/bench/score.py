"""Scores encoded images against their reference pixels, independently of every encoder.

    python tests/bench/score.py REFERENCE.png CANDIDATE... [--decoded-dir DIR]

Prints one JSON object: the reference's size and, for each candidate, its SSIMULACRA2 and SSIM.
Candidates (JPEG, PNG, WebP) are decoded with Pillow (libjpeg-turbo, libpng, libwebp), not by the
encoder that wrote them. With --decoded-dir, each decoded candidate is also written there as
NAME.png, so what was scored can be looked at.

- SSIMULACRA2: PyPI `ssimulacra2` (pinned in requirements-bench.txt), on sRGB RGB.
- SSIM: Wang et al. (2004) on luma, Y' = 0.299 R' + 0.587 G' + 0.114 B' of the 8-bit sRGB values
  (BT.601, as JPEG defines it), an 11×11 Gaussian window of sigma 1.5, K1 = 0.01, K2 = 0.03,
  L = 255; the mean of the map over the pixels whose whole window lies inside the image.

Pixels with alpha, in the reference or a candidate, are first laid on white (what localpix does
when it writes a format without alpha), so a JPEG of an RGBA image is compared with what it shows.
"""

import argparse
import io
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage
from ssimulacra2 import compute_ssimulacra2

SIGMA = 1.5
TRUNCATE = 3.5  # radius int(3.5 * 1.5 + 0.5) = 5: an 11×11 window
RADIUS = int(TRUNCATE * SIGMA + 0.5)


def load_rgb(path):
    """The image as 8-bit sRGB RGB, alpha laid on white."""
    image = Image.open(path)
    image.load()
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = np.asarray(image.convert("RGBA"), dtype=np.float64)
        alpha = rgba[..., 3:4] / 255.0
        rgb = rgba[..., :3] * alpha + 255.0 * (1.0 - alpha)
        return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    return np.asarray(image.convert("RGB"), dtype=np.uint8)


def png_bytes(rgb):
    buffer = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buffer, format="PNG", compress_level=1)
    buffer.seek(0)
    return buffer


def ssim_luma(a, b):
    """Mean SSIM of the luma of two RGB images (see the module's doc)."""
    weights = np.array([0.299, 0.587, 0.114])
    x = a.astype(np.float64) @ weights
    y = b.astype(np.float64) @ weights
    blur = lambda img: ndimage.gaussian_filter(img, SIGMA, truncate=TRUNCATE, mode="reflect")
    mx, my = blur(x), blur(y)
    sxx = blur(x * x) - mx * mx
    syy = blur(y * y) - my * my
    sxy = blur(x * y) - mx * my
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    ssim = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return float(ssim[RADIUS:-RADIUS, RADIUS:-RADIUS].mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reference")
    parser.add_argument("candidates", nargs="+")
    parser.add_argument("--decoded-dir", type=Path)
    args = parser.parse_args()

    reference = load_rgb(args.reference)
    height, width = reference.shape[:2]
    results = []
    for candidate in args.candidates:
        row = {"file": candidate}
        try:
            pixels = load_rgb(candidate)
        except Exception as error:  # a file Pillow cannot read is a result, not a crash
            row["error"] = f"Pillow cannot decode it: {error}"
            results.append(row)
            continue
        row["width"], row["height"] = pixels.shape[1], pixels.shape[0]
        if pixels.shape != reference.shape:
            row["error"] = f"size {pixels.shape[1]}x{pixels.shape[0]}, reference {width}x{height}"
            results.append(row)
            continue
        if args.decoded_dir:
            args.decoded_dir.mkdir(parents=True, exist_ok=True)
            decoded = args.decoded_dir / (Path(candidate).name + ".png")
            Image.fromarray(pixels, "RGB").save(decoded, compress_level=1)
            row["decoded"] = str(decoded)
        if np.array_equal(pixels, reference):
            row["identical"] = True
            row["ssimulacra2"], row["ssim"] = 100.0, 1.0
        else:
            row["identical"] = False
            row["ssimulacra2"] = float(compute_ssimulacra2(png_bytes(reference), png_bytes(pixels)))
            row["ssim"] = ssim_luma(reference, pixels)
        results.append(row)
    json.dump({"reference": args.reference, "width": width, "height": height, "results": results}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
