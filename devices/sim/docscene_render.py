"""Flat documents for the document-camera simulator: pages and cards as they would look if scanned flat.

The pages carry what makes real detection hard: dense text blocks and ruled tables (strong inner
edges that form rectangles of their own), red stamps over text, decorative borders near the page
edge, and cards whose patterned or dark faces barely differ from some desks. CJK text comes from a
Noto CJK font when the machine has one; without it the pages get Latin words, so the simulator
never depends on a font package being installed.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

DOCUMENT_KINDS: tuple[str, ...] = ("a4_text", "a4_table", "certificate", "id_front", "id_back", "bank_card", "a5_form")
PAGE_MM: dict[str, tuple[float, float]] = {
    "a4_text": (210.0, 297.0),
    "a4_table": (210.0, 297.0),
    "certificate": (210.0, 297.0),
    "id_front": (85.6, 54.0),
    "id_back": (85.6, 54.0),
    "bank_card": (85.6, 54.0),
    "a5_form": (148.0, 210.0),
    "colour_form": (210.0, 297.0),
    "landscape_form": (297.0, 210.0),
}
#: kinds drawn only by the scene conditions of issue 19 (``docscene.CONDITIONS``), not in the plain rotation
EXTRA_KINDS: tuple[str, ...] = ("colour_form", "landscape_form")
CARD_KINDS = frozenset({"id_front", "id_back", "bank_card"})
CARD_RADIUS_MM = 3.18  # ISO/IEC 7810 ID-1 corner radius

_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
_FONT_NAMES = ("NotoSansCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "wqy-microhei.ttc")
_CJK_PHRASES = (
    "社会保险", "参保登记", "养老保险", "医疗保险", "失业保险", "工伤保险", "缴费基数", "个人账户",
    "申请人", "身份证号码", "办理事项", "经办机构", "待遇领取", "退休审批", "单位名称", "联系电话",
    "根据有关规定", "特此证明", "本人承诺", "以上信息真实有效", "年月日", "备注", "审核意见", "同意",
)
_LATIN_WORDS = ("social", "insurance", "pension", "record", "office", "applicant", "number", "date", "signed")
_STAMP_TEXT = "人力资源和社会保障局业务专用章"


@functools.lru_cache(maxsize=4)
def _font_path() -> Path | None:
    """The first CJK font found; looked up once because walking /usr/share/fonts is slow."""
    for name in _FONT_NAMES:
        for folder in _FONT_DIRS:
            usual = folder / "opentype" / "noto" / name
            if usual.is_file():
                return usual
        for folder in _FONT_DIRS:
            if folder.is_dir():
                found = next(iter(sorted(folder.rglob(name))), None)
                if found is not None:
                    return found
    return None


@functools.lru_cache(maxsize=64)
def _font(size_px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path()
    if path is None:
        return ImageFont.load_default(size=max(size_px, 4))
    return ImageFont.truetype(str(path), max(size_px, 4))


def _phrase(rng: np.random.Generator, words: int) -> str:
    if _font_path() is None:
        return " ".join(str(rng.choice(_LATIN_WORDS)) for _ in range(words))
    return "".join(str(rng.choice(_CJK_PHRASES)) for _ in range(words))


class _Page:
    """A page being drawn, addressed in millimetres so layouts do not depend on the resolution."""

    def __init__(self, width_mm: float, height_mm: float, ppm: float, colour: tuple[int, int, int]) -> None:
        self.ppm = ppm
        self.size = (max(round(width_mm * ppm), 8), max(round(height_mm * ppm), 8))
        self.image = Image.new("RGB", self.size, colour)
        self.draw = ImageDraw.Draw(self.image)

    def px(self, mm: float) -> int:
        return round(mm * self.ppm)

    def text(self, x: float, y: float, text: str, size_mm: float, fill: tuple[int, int, int] = (30, 30, 30)) -> None:
        self.draw.text((self.px(x), self.px(y)), text, font=_font(self.px(size_mm)), fill=fill)

    def rect(self, x0: float, y0: float, x1: float, y1: float, *, outline: tuple[int, int, int] | None = None,
             fill: tuple[int, int, int] | None = None, width_mm: float = 0.3) -> None:
        self.draw.rectangle((self.px(x0), self.px(y0), self.px(x1), self.px(y1)), outline=outline, fill=fill,
                            width=max(self.px(width_mm), 1))

    def line(self, x0: float, y0: float, x1: float, y1: float, colour: tuple[int, int, int] = (40, 40, 40),
             width_mm: float = 0.25) -> None:
        self.draw.line((self.px(x0), self.px(y0), self.px(x1), self.px(y1)), fill=colour,
                       width=max(self.px(width_mm), 1))

    def paragraphs(self, rng: np.random.Generator, x: float, y0: float, y1: float, width: float, size: float) -> None:
        y = y0
        font = _font(self.px(size))
        while y < y1:
            indent = 2 * size if rng.random() < 0.15 else 0.0
            limit = (width - indent) * float(rng.uniform(0.6, 1.0)) * self.ppm
            line = _phrase(rng, 1)
            while True:  # words until the line is full, so text never runs off the paper
                longer = line + ("" if _font_path() else " ") + _phrase(rng, 1)
                if font.getlength(longer) > limit:
                    break
                line = longer
            self.text(x + indent, y, line, size)
            y += size * float(rng.uniform(1.6, 2.0))
            if rng.random() < 0.08:
                y += size * 1.5

    def stamp(self, rng: np.random.Generator, cx: float, cy: float, radius: float) -> None:
        """A red round official seal, multiplied over whatever it covers like real ink."""
        r = self.px(radius)
        size = 2 * r + 4
        mask = Image.new("L", (size, size), 0)
        draw = ImageDraw.Draw(mask)
        ring = max(self.px(radius * 0.06), 2)
        draw.ellipse((2, 2, size - 3, size - 3), outline=255, width=ring)
        star = [(r + 2 + r * 0.3 * (1.0 if k % 2 == 0 else 0.4) * math.sin(k * math.pi / 5),
                 r + 2 - r * 0.3 * (1.0 if k % 2 == 0 else 0.4) * math.cos(k * math.pi / 5)) for k in range(10)]
        draw.polygon(star, fill=255)
        glyph = max(int(r * 0.22), 4)
        font = _font(glyph)
        chars = _STAMP_TEXT if _font_path() is not None else "OFFICIAL SEAL"
        span = math.radians(250)
        for k, ch in enumerate(chars):
            angle = -span / 2 + span * k / max(len(chars) - 1, 1)
            tile = Image.new("L", (glyph * 2, glyph * 2), 0)
            ImageDraw.Draw(tile).text((glyph // 2, glyph // 2), ch, font=font, fill=255)
            tile = tile.rotate(-math.degrees(angle), resample=Image.Resampling.BILINEAR)
            dist = r * 0.72
            px = r + 2 + dist * math.sin(angle) - glyph
            py = r + 2 - dist * math.cos(angle) - glyph
            mask.paste(255, (int(px), int(py)), tile)
        x0, y0 = self.px(cx) - size // 2, self.px(cy) - size // 2
        strength = float(rng.uniform(0.6, 0.95))
        region = (max(x0, 0), max(y0, 0), min(x0 + size, self.size[0]), min(y0 + size, self.size[1]))
        if region[2] <= region[0] or region[3] <= region[1]:
            return
        crop = np.asarray(self.image.crop(region), dtype=np.float32)
        alpha = np.asarray(mask.crop((region[0] - x0, region[1] - y0, region[2] - x0, region[3] - y0)),
                           dtype=np.float32)[..., None] * (strength / 255.0)
        ink = np.array([215.0, 30.0, 35.0], dtype=np.float32) / 255.0
        blended = crop * (1.0 - alpha + alpha * ink)
        self.image.paste(Image.fromarray(blended.astype(np.uint8)), region[:2])

    def bgr(self) -> NDArray[np.uint8]:
        return np.ascontiguousarray(np.asarray(self.image)[:, :, ::-1])


def _paper(rng: np.random.Generator, cream: bool = False) -> tuple[int, int, int]:
    base = int(rng.integers(236, 252))
    if cream:
        return base, base - 6, base - 22
    tint = rng.integers(-3, 4, size=3)
    return tuple(int(np.clip(base + t, 0, 255)) for t in tint)  # type: ignore[return-value]


def _header(page: _Page, rng: np.random.Generator, width: float, size: float) -> float:
    title = _phrase(rng, 3)
    page.text(width * 0.22, 18, title, size, fill=(20, 20, 20))
    return 18 + size * 2.2


def _a4_text(rng: np.random.Generator, ppm: float) -> _Page:
    page = _Page(210, 297, ppm, _paper(rng))
    y = _header(page, rng, 210, 7.0)
    page.line(20, y, 190, y, width_mm=0.5)
    page.paragraphs(rng, 22, y + 6, 250, 166, float(rng.uniform(3.6, 4.6)))
    page.stamp(rng, float(rng.uniform(120, 165)), float(rng.uniform(225, 262)), float(rng.uniform(19, 22)))
    page.text(130, 270, "2026年1月15日" if _font_path() else "2026-01-15", 4.0)
    return page


def _a4_table(rng: np.random.Generator, ppm: float) -> _Page:
    page = _Page(210, 297, ppm, _paper(rng))
    y = _header(page, rng, 210, 6.5)
    rows = int(rng.integers(10, 18))
    cols = int(rng.integers(3, 6))
    left, right = float(rng.uniform(12, 20)), float(rng.uniform(190, 198))
    bottom = float(rng.uniform(230, 270))
    row_h = (bottom - y) / rows
    for r in range(rows + 1):
        page.line(left, y + r * row_h, right, y + r * row_h, width_mm=0.35 if r in (0, rows) else 0.2)
    col_x = np.linspace(left, right, cols + 1)
    for c in col_x:
        page.line(float(c), y, float(c), bottom, width_mm=0.3)
    page.rect(left, y, right, y + row_h, fill=(215, 215, 215), outline=(40, 40, 40))
    for r in range(rows):
        for c in range(cols):
            if rng.random() < 0.8:
                page.text(float(col_x[c]) + 1.5, y + r * row_h + row_h * 0.25, _phrase(rng, 1), min(row_h * 0.45, 4))
    if rng.random() < 0.7:
        page.stamp(rng, float(rng.uniform(130, 170)), bottom - 5, float(rng.uniform(19, 22)))
    return page


def _certificate(rng: np.random.Generator, ppm: float) -> _Page:
    page = _Page(210, 297, ppm, _paper(rng, cream=True))
    gap = float(rng.uniform(6, 12))
    colour = (int(rng.integers(120, 190)), int(rng.integers(30, 80)), int(rng.integers(20, 60)))
    page.rect(gap, gap, 210 - gap, 297 - gap, outline=colour, width_mm=1.2)
    page.rect(gap + 2.5, gap + 2.5, 207.5 - gap, 294.5 - gap, outline=colour, width_mm=0.4)
    page.text(62, 45, "证明" if _font_path() else "CERTIFICATE", 16, fill=colour)
    page.paragraphs(rng, 30, 90, 200, 150, 5.5)
    page.stamp(rng, 140, 225, 21)
    return page


def _a5_form(rng: np.random.Generator, ppm: float) -> _Page:
    page = _Page(148, 210, ppm, _paper(rng))
    y = _header(page, rng, 148, 5.0)
    for _ in range(int(rng.integers(8, 13))):
        page.text(12, y, _phrase(rng, 1) + ("：" if _font_path() else ":"), 3.5)
        page.line(45, y + 4.5, 135, y + 4.5, width_mm=0.2)
        if rng.random() < 0.3:
            page.rect(100, y - 0.5, 104, y + 3.5, outline=(40, 40, 40), width_mm=0.2)
        y += float(rng.uniform(9, 13))
        if y > 190:
            break
    page.rect(10, 192, 138, 204, outline=(60, 60, 60), width_mm=0.25)
    return page


_TINTS = ((252, 228, 232), (226, 238, 252), (230, 248, 230), (252, 246, 214), (240, 232, 250))
_BANDS = ((40, 90, 170), (190, 40, 45), (30, 130, 80), (230, 140, 30), (110, 60, 150))


def _colour_form(rng: np.random.Generator, ppm: float) -> _Page:
    """A colour-printed form: tinted stock, a saturated header band (sometimes printed to the very
    edge, so the page's edge changes colour along its length) and coloured cells. Real 表单 printed on
    coloured paper or from a colour template look like this; white-paper edge cues do not hold on them."""
    tint = _TINTS[int(rng.integers(0, len(_TINTS)))]
    page = _Page(210, 297, ppm, tint if rng.random() < 0.7 else _paper(rng))
    band = _BANDS[int(rng.integers(0, len(_BANDS)))]
    inset = 0.0 if rng.random() < 0.5 else float(rng.uniform(8, 14))
    depth = float(rng.uniform(22, 40))
    page.rect(inset, inset, 210 - inset, depth, fill=band)
    page.text(30, depth * 0.35, _phrase(rng, 3), 7.0, fill=(250, 250, 250))
    if rng.random() < 0.5:  # a footer band as well
        page.rect(inset, 297 - inset - 12, 210 - inset, 297 - inset, fill=band)
    y = depth + 8
    pale = tuple(int(255 - (255 - c) * 0.25) for c in band)
    for r in range(int(rng.integers(8, 14))):
        if y > 250:
            break
        if r % 2 == 0:
            page.rect(15, y, 195, y + 10, fill=pale)  # type: ignore[arg-type]
        page.text(18, y + 2.5, _phrase(rng, 1), 4.0, fill=band)
        page.line(70, y + 8, 190, y + 8, width_mm=0.2)
        y += 12
    page.stamp(rng, float(rng.uniform(130, 170)), float(rng.uniform(240, 262)), 20)
    return page


def _landscape_form(rng: np.random.Generator, ppm: float) -> _Page:
    """A form printed across an A4 sheet laid sideways (a roster, a 花名册): a wide ruled table."""
    page = _Page(297, 210, ppm, _paper(rng))
    y = _header(page, rng, 297, 6.5)
    rows, cols = int(rng.integers(8, 14)), int(rng.integers(6, 10))
    left, right, bottom = float(rng.uniform(10, 16)), float(rng.uniform(281, 287)), float(rng.uniform(180, 198))
    row_h = (bottom - y) / rows
    for r in range(rows + 1):
        page.line(left, y + r * row_h, right, y + r * row_h, width_mm=0.35 if r in (0, rows) else 0.2)
    col_x = np.linspace(left, right, cols + 1)
    for c in col_x:
        page.line(float(c), y, float(c), bottom, width_mm=0.3)
    page.rect(left, y, right, y + row_h, fill=(215, 215, 215), outline=(40, 40, 40))
    for r in range(1, rows):
        for c in range(cols):
            if rng.random() < 0.7:
                page.text(float(col_x[c]) + 1.5, y + r * row_h + row_h * 0.25, _phrase(rng, 1), min(row_h * 0.45, 3.5))
    return page


def _guilloche(page: _Page, rng: np.random.Generator, colour: tuple[int, int, int]) -> None:
    w, h = page.size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32) / page.ppm
    phase = float(rng.uniform(0, 6.3))
    wave = np.sin(xx * 1.3 + 2.0 * np.sin(yy * 0.35 + phase)) * np.sin(yy * 1.1 + 1.5 * np.sin(xx * 0.2))
    base = np.asarray(page.image, dtype=np.float32)
    lines = (np.abs(wave) < 0.12)[..., None]
    tone = np.array(colour, dtype=np.float32)
    page.image = Image.fromarray(np.where(lines, base * 0.85 + tone * 0.15, base).astype(np.uint8))
    page.draw = ImageDraw.Draw(page.image)


def _id_front(rng: np.random.Generator, ppm: float) -> _Page:
    page = _Page(85.6, 54, ppm, (int(rng.integers(222, 236)), int(rng.integers(232, 242)), int(rng.integers(238, 248))))
    _guilloche(page, rng, (120, 170, 210))
    labels = ("姓名", "性别", "出生", "住址") if _font_path() else ("Name", "Sex", "Born", "Addr")
    for k, label in enumerate(labels):
        page.text(6, 6 + k * 8, label, 2.6, fill=(70, 110, 160))
        page.text(16, 6 + k * 8, _phrase(rng, 1), 2.8)
    page.text(6, 44, "公民身份号码" if _font_path() else "ID No.", 2.6, fill=(70, 110, 160))
    page.text(28, 44, "".join(str(d) for d in rng.integers(0, 10, size=18)), 3.0)
    page.rect(58, 7, 80, 35, fill=(200, 205, 212))
    page.draw.ellipse((page.px(63), page.px(11), page.px(75), page.px(25)), fill=(120, 110, 105))
    page.draw.ellipse((page.px(60), page.px(25), page.px(78), page.px(40)), fill=(60, 60, 70))
    page.rect(58, 35, 80, 36, fill=_page_colour(page))
    return page


def _page_colour(page: _Page) -> tuple[int, int, int]:
    colour = page.image.getpixel((1, 1))
    return colour if isinstance(colour, tuple) else (colour, colour, colour)  # type: ignore[return-value]


def _id_back(rng: np.random.Generator, ppm: float) -> _Page:
    page = _Page(85.6, 54, ppm, (int(rng.integers(225, 238)), int(rng.integers(232, 244)), int(rng.integers(236, 248))))
    _guilloche(page, rng, (150, 190, 220))
    page.draw.ellipse((page.px(6), page.px(5), page.px(20), page.px(19)), fill=(200, 40, 40))
    page.draw.ellipse((page.px(9), page.px(8), page.px(17), page.px(16)), outline=(240, 200, 60),
                      width=max(page.px(0.8), 1))
    page.text(26, 8, "中华人民共和国" if _font_path() else "PEOPLE'S REPUBLIC", 4.2, fill=(30, 30, 30))
    page.text(26, 17, "居民身份证" if _font_path() else "IDENTITY CARD", 5.5, fill=(30, 30, 30))
    page.text(12, 38, ("签发机关 " if _font_path() else "Issued ") + _phrase(rng, 1), 2.8)
    page.text(12, 45, ("有效期限 " if _font_path() else "Valid ") + "2020.01.15-2040.01.15", 2.8)
    return page


def _bank_card(rng: np.random.Generator, ppm: float) -> _Page:
    hue = int(rng.integers(0, 180))
    sat, val = int(rng.integers(150, 255)), int(rng.integers(45, 150))
    page = _Page(85.6, 54, ppm, (0, 0, 0))
    w, h = page.size
    ramp = np.linspace(0.75, 1.15, w, dtype=np.float32)[None, :] * np.linspace(1.0, 0.85, h, dtype=np.float32)[:, None]
    hsv = np.empty((h, w, 3), dtype=np.uint8)
    hsv[..., 0] = hue
    hsv[..., 1] = sat
    hsv[..., 2] = np.clip(val * ramp, 0, 255).astype(np.uint8)
    page.image = Image.fromarray(cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB))
    page.draw = ImageDraw.Draw(page.image)
    page.rect(9, 18, 20, 27, fill=(205, 175, 95), outline=(150, 120, 60), width_mm=0.2)
    digits = " ".join("".join(str(d) for d in rng.integers(0, 10, size=4)) for _ in range(4))
    page.text(9, 32, digits, 4.0, fill=(235, 235, 225))
    page.text(9, 44, "VALID 01/30", 2.5, fill=(220, 220, 210))
    page.text(56, 5, "银联" if _font_path() else "BANK", 4.0, fill=(235, 235, 235))
    return page


_RENDERERS = {
    "a4_text": _a4_text, "a4_table": _a4_table, "certificate": _certificate, "a5_form": _a5_form,
    "id_front": _id_front, "id_back": _id_back, "bank_card": _bank_card,
    "colour_form": _colour_form, "landscape_form": _landscape_form,
}


def render_document(kind: str, rng: np.random.Generator, px_per_mm: float) -> NDArray[np.uint8]:
    """A flat, upright document at ``px_per_mm``: the ground truth a perfect scan would give back."""
    if kind not in _RENDERERS:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {DOCUMENT_KINDS + EXTRA_KINDS}")
    return _RENDERERS[kind](rng, px_per_mm).bgr()


def document_mask(kind: str, shape: tuple[int, int], px_per_mm: float) -> NDArray[np.uint8]:
    """Where the document is opaque: everything for paper, all but the rounded corners for cards."""
    h, w = shape
    mask = np.full((h, w), 255, dtype=np.uint8)
    if kind in CARD_KINDS:
        r = max(round(CARD_RADIUS_MM * px_per_mm), 1)
        for cx, cy in ((r, r), (w - 1 - r, r), (w - 1 - r, h - 1 - r), (r, h - 1 - r)):
            x0, y0 = (0 if cx == r else cx), (0 if cy == r else cy)
            mask[y0:y0 + r + 1, x0:x0 + r + 1] = 0
            cv2.circle(mask, (cx, cy), r, 255, -1, lineType=cv2.LINE_AA)
    return mask
