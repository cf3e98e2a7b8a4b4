"""Compares localpix's decodes of the conformance suites with Pillow's (libpng, libjpeg-turbo,
libwebp, libtiff): an independent reader for tests/component/conformance.test.mjs.

Reads JSON lines on stdin, `{"source": PATH, "output": PATH or null}`, where `output` is the PNG
the component wrote from `source` (no resize, no colour conversion). Prints one JSON line per
input: whether Pillow reads the source (and its error if not), the sizes, and how far the two
decodes are apart as 8-bit RGBA: the largest and mean colour difference over pixels more than
1/255 opaque, the largest alpha difference, and how many pixels differ by more than 1.

Pillow's decode is brought to what localpix promises: the first frame, turned upright by the
EXIF/TIFF orientation, 16-bit samples rounded to 8 bits, everything as RGBA.
"""

import json
import sys
import warnings

import numpy as np
from PIL import Image, ImageOps

warnings.simplefilter("ignore")  # Pillow warns about odd but readable files; the test judges them


def reference(path):
    """Pillow's reading of `path` as an H×W×4 uint8 array."""
    with Image.open(path) as image:
        image.load()
        image = ImageOps.exif_transpose(image)
        mode = image.mode
        if mode.startswith("I;16") or mode == "I":
            # 16-bit grey: Pillow keeps the samples; round them to 8 bits as localpix does.
            grey = np.asarray(image, dtype=np.uint32)
            grey = ((grey + 128) // 257).clip(0, 255).astype(np.uint8)
            alpha = np.full(grey.shape, 255, np.uint8)
            transparency = image.info.get("transparency")
            if isinstance(transparency, int):
                alpha[np.asarray(image, dtype=np.uint32) == transparency] = 0
            return np.dstack([grey, grey, grey, alpha])
        if mode == "F":
            # Floating-point samples are 0…1 by convention (as the image crate reads them).
            grey = (np.asarray(image, dtype=np.float64).clip(0, 1) * 255).round().astype(np.uint8)
            return np.dstack([grey, grey, grey, np.full(grey.shape, 255, np.uint8)])
        return np.asarray(image.convert("RGBA"), dtype=np.uint8)


def ours(path):
    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA"), dtype=np.uint8)


def compare(source, output):
    result = {"source": source}
    try:
        theirs = reference(source)
    except Exception as error:  # noqa: BLE001 - any refusal by Pillow is an answer
        result["pillow"] = f"{type(error).__name__}: {error}"
        return result
    result["pillow"] = "ok"
    result["pillowSize"] = [int(theirs.shape[1]), int(theirs.shape[0])]
    if output is None:
        return result
    mine = ours(output)
    result["size"] = [int(mine.shape[1]), int(mine.shape[0])]
    if mine.shape != theirs.shape:
        return result
    a, b = theirs.astype(np.int16), mine.astype(np.int16)
    # Colour counts where it can be seen: at alpha 1/255 any colour moves the composited pixel by
    # at most one level, and 16-bit alpha rounds to 0 or 1 depending on the decoder (Pillow
    # truncates, we round).
    visible = (a[..., 3] > 1) | (b[..., 3] > 1)
    colour = np.abs(a[..., :3] - b[..., :3]).max(axis=2)
    colour = np.where(visible, colour, 0)
    alpha = np.abs(a[..., 3] - b[..., 3])
    worst = np.maximum(colour, alpha)
    result["maxColour"] = int(colour.max())
    result["meanColour"] = round(float(colour[visible].mean()) if visible.any() else 0.0, 3)
    result["maxAlpha"] = int(alpha.max())
    result["over1"] = int((worst > 1).sum())
    return result


for line in sys.stdin:
    if line.strip():
        request = json.loads(line)
        print(json.dumps(compare(request["source"], request.get("output"))), flush=True)
