"""Decodes image files with Pillow (libjpeg-turbo, libpng, libwebp): for each path given, writes
`<path>.rgb` (RGB samples, transparency laid on white) and prints one JSON line with its size
and format. An independent reader for tests/component/interop.test.mjs."""

import json
import sys

from PIL import Image

for path in sys.argv[1:]:
    with Image.open(path) as image:
        image.load()
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat = Image.alpha_composite(white, rgba).convert("RGB")
        with open(path + ".rgb", "wb") as out:
            out.write(flat.tobytes())
        print(json.dumps({"path": path, "format": image.format, "width": image.width, "height": image.height}))
