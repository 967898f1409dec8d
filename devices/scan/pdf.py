"""Multi-page PDFs of scanned pages, each page at its physical size.

The pages' JPEGs go in untouched (img2pdf embeds JPEG as DCT streams without decoding), so the PDF
is no larger than the pages the clerk already saw and no quality is lost a second time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import img2pdf

from devices.scan.pipeline import ScanError, ScannedPage

__all__ = ["make_pdf"]

_PT_PER_MM = 72.0 / 25.4


def make_pdf(pages: Sequence[ScannedPage], *, title: str | None = None) -> bytes:
    """One PDF page per scanned page, sized by ``size_mm`` (not by pixel count and dpi)."""
    if not pages:
        raise ScanError("no pages to put in a PDF", user_message="没有可生成PDF的页面。")
    sizes: Iterator[tuple[float, float]] = iter([p.size_mm for p in pages])

    def layout(img_w_px: Any, img_h_px: Any, ndpi: Any) -> tuple[float, float, float, float]:
        # img2pdf lays out images in order, so the n-th call is the n-th page.
        w_mm, h_mm = next(sizes)
        w_pt, h_pt = w_mm * _PT_PER_MM, h_mm * _PT_PER_MM
        return w_pt, h_pt, w_pt, h_pt

    kwargs: dict[str, Any] = {"layout_fun": layout}
    if title:
        kwargs["title"] = title
    try:
        data = img2pdf.convert([p.jpeg for p in pages], **kwargs)
    except (img2pdf.ImageOpenError, ValueError, StopIteration) as exc:
        raise ScanError(f"PDF creation failed: {exc}", user_message="生成PDF失败。") from exc
    return bytes(data)
