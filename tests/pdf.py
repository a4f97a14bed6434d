"""Reading a printed PDF back as a user would: its text, its page sizes, its fonts, a page as an image."""

import re
import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

MM = 72 / 25.4
SIZES_MM = {"A4": (210, 297), "A3": (297, 420), "A1": (594, 841), "A0": (841, 1189)}


def text(content: bytes) -> str:
    """The PDF's text (pdftotext, layout kept), with runs of whitespace folded to one space."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout
    return re.sub(r"\s+", " ", out.decode())


def pages_text(content: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(BytesIO(content)).pages]


def page_sizes(content: bytes) -> list[tuple[str, str]]:
    """Each page's ISO size and orientation, e.g. ("A3", "landscape"); ("?", ...) when it is no ISO size."""
    out = []
    for page in PdfReader(BytesIO(content)).pages:
        w, h = float(page.mediabox.width) / MM, float(page.mediabox.height) / MM
        name = next((n for n, (a, b) in SIZES_MM.items() if abs(min(w, h) - a) < 1 and abs(max(w, h) - b) < 1), "?")
        out.append((name, "landscape" if w > h else "portrait"))
    return out


def fonts(content: bytes) -> list[dict[str, str]]:
    """pdffonts' table: name, type and whether each font is embedded."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        lines = subprocess.run(["pdffonts", f.name], capture_output=True, check=True, text=True).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        parts = line.split()
        # name, type words..., encoding, emb, sub, uni, object, id: read from the right
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return rows


def page_png(content: bytes, page: int = 1, dpi: int = 40, keep: Path | None = None) -> Image.Image:
    """One page rendered by pdftoppm; kept under `keep` (a .png path) for a person to look at."""
    with tempfile.TemporaryDirectory() as d:
        pdf = Path(d) / "in.pdf"
        pdf.write_bytes(content)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf),
                str(Path(d) / "out"),
            ],
            check=True,
        )
        image = Image.open(Path(d) / "out.png").convert("RGB")
        image.load()
    if keep is not None:
        image.save(keep)
    return image


def pixels(image: Image.Image) -> list:
    return list(image.get_flattened_data())


def ink(image: Image.Image) -> float:
    """The share of pixels that are not (near) white."""
    grey = image.convert("L")
    dark = sum(1 for v in pixels(grey) if v < 200)
    return dark / (grey.width * grey.height)
