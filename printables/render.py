"""From a template and plotly figures to a vector PDF: WeasyPrint lays out the HTML, kaleido draws the charts.

The charts are the dashboard's own plotly figures, turned into SVG by plotly's
exporter (kaleido) driving Debian's chromium with the project's plotly.js, so a
printed chart is the chart on screen. Nothing here downloads a browser or
reaches the internet: the browser path and the scripts are local files.
"""

import asyncio
import base64
import concurrent.futures
import hashlib
import json
import os
from pathlib import Path

import kaleido
import segno
import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string
from kaleido.errors import JavascriptError

# Debian's chromium; override with CHROMIUM_PATH where it lives elsewhere.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PLOTLY_JS = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly.min.js"
# The chart width in CSS pixels kaleido draws at; the SVG then scales to its box without losing sharpness.
CHART_WIDTH = 900
SVG_CACHE_SECONDS = 24 * 3600


SESSION_TRIES = 3
# kaleido on a loaded machine can take the blank tab's script context for its page's (seen in CI):
PAGE_NOT_READY = "kaleido_scopes is not defined"


async def _draw(figures: list[dict], sizes: list[tuple[int, int]]) -> list[bytes]:
    async with kaleido.Kaleido(n=1, path=CHROMIUM, plotlyjs=str(PLOTLY_JS), mathjax=False) as k:
        return [
            await k.calc_fig(fig, opts={"format": "svg", "width": w, "height": h})
            for fig, (w, h) in zip(figures, sizes, strict=True)
        ]


async def _svgs(figures: list[dict], sizes: list[tuple[int, int]]) -> list[bytes]:
    """The figures drawn in one browser session; a session whose page was not ready is started again.

    The page's script never ran in the context kaleido calls, so nothing was drawn: a new session
    draws the same figures. Any other error, or that one SESSION_TRIES times, is raised.
    """
    for _ in range(SESSION_TRIES - 1):
        try:
            return await _draw(figures, sizes)
        except JavascriptError as error:
            if PAGE_NOT_READY not in str(error):
                raise
    return await _draw(figures, sizes)


def figures_svg(figures: list[dict], *, sizes: list[tuple[int, int]] | None = None) -> list[str]:
    """Each plotly figure (dict) as an SVG data URI, drawn in one browser session.

    `sizes` are (width, height) in CSS pixels; by default the figure's own height at CHART_WIDTH.
    Runs its event loop in a thread of its own, so it works under a running loop (ASGI, the worker) too.
    """
    sizes = sizes or [(CHART_WIDTH, int(f.get("layout", {}).get("height") or 340)) for f in figures]
    # Keyed by the figure's content and size: a drawing never goes stale, and reprints skip the browser.
    keys = [
        "printables-svg-" + hashlib.sha256(json.dumps([f, s], sort_keys=True, default=str).encode()).hexdigest()
        for f, s in zip(figures, sizes, strict=True)
    ]
    found = cache.get_many(keys)
    missing = [i for i, key in enumerate(keys) if key not in found]
    if missing:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            drawn = pool.submit(asyncio.run, _svgs([figures[i] for i in missing], [sizes[i] for i in missing])).result()
        new = {
            keys[i]: "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
            for i, svg in zip(missing, drawn, strict=True)
        }
        cache.set_many(new, SVG_CACHE_SECONDS)
        found.update(new)
    return [found[key] for key in keys]


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI (vector, like the rest of the sheet)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=1)


def _stylesheet() -> weasyprint.CSS:
    return weasyprint.CSS(filename=finders.find("printables/sheet.css"))


def document(template: str, context: dict) -> weasyprint.Document:
    """The template laid out in pages with the sheets' stylesheet; fonts come from fontconfig and are embedded."""
    html = render_to_string(template, context)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render(stylesheets=[_stylesheet()])


def join(documents: list[weasyprint.Document]) -> bytes:
    """The pages of several laid-out documents as one PDF (a long batch is laid out in chunks)."""
    pages = [page for d in documents for page in d.pages]
    return documents[0].copy(pages).write_pdf()


def pdf(template: str, context: dict) -> bytes:
    return document(template, context).write_pdf()
