"""Decodes HEIC files with pillow-heif (libheif + libde265), an independent decoder for
tests/component/heic.test.mjs: for each path given, writes `<path>.rgba` (RGBA samples, the
file's transforms applied as libheif applies them) and prints one JSON line with its size and
whether it has alpha."""

import json
import sys

import pillow_heif

for path in sys.argv[1:]:
    heif = pillow_heif.open_heif(path, convert_hdr_to_8bit=True)
    image = heif.to_pillow()
    with open(path + ".rgba", "wb") as out:
        out.write(image.convert("RGBA").tobytes())
    print(json.dumps({"path": path, "width": image.width, "height": image.height, "alpha": heif.has_alpha}))
