"""Scanning a photographed page: geometry, lighting, colour modes, sizes, and bad input."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pikepdf
import pytest

from devices.scan.encode import encode_jpeg
from devices.scan.enhance import estimate_skew
from devices.scan.idcopy import compose_id_copy
from devices.scan.paper import A4, ID_CARD, page_px, snap_size
from devices.scan.pdf import make_pdf
from devices.scan.pipeline import ColourMode, ScanError, ScanOptions, rotate_page, scan_page
from devices.scan.warp import true_aspect

from .test_scan_helpers import (
    PX_PER_MM,
    QR_TEXT,
    STAMP_CENTRE_MM,
    STAMP_RADIUS_MM,
    make_card,
    make_page,
    ncc,
    photograph,
)

A4_PT = (595.28, 841.89)


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return make_page()


@pytest.fixture(scope="module")
def scene(page: np.ndarray):  # type: ignore[no-untyped-def]
    return photograph(page)


@pytest.fixture(scope="module")
def colour_page(scene):  # type: ignore[no-untyped-def]
    return scan_page(scene.frame, scene.quad, ScanOptions())


def _paper_mask(page: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Where the original page is blank paper well away from any ink, resized to ``shape``."""
    ink = (page.min(axis=2) < 200).astype(np.uint8)
    ink = cv2.dilate(ink, np.ones((31, 31), np.uint8))
    mask = cv2.resize(1 - ink, (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST).astype(bool)
    h, w = shape
    border = np.zeros_like(mask)
    border[h // 40:h - h // 40, w // 40:w - w // 40] = True
    return mask & border


def test_a4_page_is_1654_by_2339_at_200_dpi(colour_page) -> None:  # type: ignore[no-untyped-def]
    assert page_px(A4, 200) == (1654, 2339)
    assert (colour_page.width_px, colour_page.height_px) == (1654, 2339)
    assert colour_page.size_mm == (210, 297)
    assert colour_page.image.ndim == 3


def test_perspective_aspect_beats_side_lengths(scene) -> None:  # type: ignore[no-untyped-def]
    assert true_aspect(scene.quad, (3264, 2448)) == pytest.approx(210 / 297, rel=0.01)


def test_flattened_content_matches_the_original(page, colour_page) -> None:  # type: ignore[no-untyped-def]
    original = cv2.resize(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), (413, 585), interpolation=cv2.INTER_AREA)
    scanned = cv2.resize(cv2.cvtColor(colour_page.image, cv2.COLOR_BGR2GRAY), (413, 585), interpolation=cv2.INTER_AREA)
    assert ncc(original, scanned) > 0.9
    shifted = np.roll(original, 12, axis=0)  # the check can tell a misplaced page
    assert ncc(shifted, scanned) < 0.7


def test_shadow_is_evened_and_paper_whitened(page, scene, colour_page) -> None:  # type: ignore[no-untyped-def]
    raw = cv2.warpPerspective(scene.frame, np.linalg.inv(scene.page_to_frame), (page.shape[1], page.shape[0]))
    mask = _paper_mask(page, colour_page.image.shape[:2])
    grey = cv2.cvtColor(colour_page.image, cv2.COLOR_BGR2GRAY)
    raw_grey = cv2.resize(cv2.cvtColor(raw, cv2.COLOR_BGR2GRAY), (grey.shape[1], grey.shape[0]))
    assert raw_grey[mask].std() > 20  # the photo really had a shadow
    assert grey[mask].mean() > 240
    assert grey[mask].std() < 6


def test_red_stamp_stays_red_in_colour_mode(colour_page) -> None:  # type: ignore[no-untyped-def]
    scale = colour_page.width_px / 210
    cx, cy = (int(v * scale) for v in STAMP_CENTRE_MM)
    r = int(STAMP_RADIUS_MM * scale)
    ring = np.zeros(colour_page.image.shape[:2], np.uint8)
    cv2.circle(ring, (cx, cy), r, 1, 3)
    b, g, red = (colour_page.image[..., i][ring.astype(bool)].astype(int) for i in range(3))
    assert np.median(red) > 150
    assert np.median(red - g) > 80 and np.median(red - b) > 80


def test_grey_mode_is_one_channel_and_bw_is_binary(scene) -> None:  # type: ignore[no-untyped-def]
    grey = scan_page(scene.frame, scene.quad, ScanOptions(mode=ColourMode.GREY, find_codes=False))
    assert grey.image.ndim == 2 and grey.mode is ColourMode.GREY
    assert cv2.imdecode(np.frombuffer(grey.jpeg, np.uint8), cv2.IMREAD_UNCHANGED).ndim == 2
    bw = scan_page(scene.frame, scene.quad, ScanOptions(mode=ColourMode.BW, find_codes=False))
    values = np.unique(bw.image)
    assert set(values.tolist()) == {0, 255}
    assert 0.02 < (bw.image == 0).mean() < 0.3  # text survived, the shadow did not turn black


def test_qr_code_is_read_from_the_scan(colour_page) -> None:  # type: ignore[no-untyped-def]
    texts = [c.text for c in colour_page.codes if c.kind == "qr"]
    assert texts == [QR_TEXT]
    quad = colour_page.codes[0].quad
    assert quad[:, 0].min() < colour_page.width_px / 2 and quad[:, 1].min() > colour_page.height_px / 2


def test_small_qr_code_is_read_too() -> None:
    shot = photograph(make_page(qr_mm=22), seed=4)
    assert [c.text for c in scan_page(shot.frame, shot.quad).codes] == [QR_TEXT]


def test_page_without_codes_finds_none(scene) -> None:  # type: ignore[no-untyped-def]
    plain = photograph(make_page(qr=False))
    assert scan_page(plain.frame, plain.quad).codes == ()


def test_true_size_id_card_at_300_dpi() -> None:
    card = make_card()
    shot = photograph(card, tilt_deg=(3, -2, 8), distance_mm=200)
    page = scan_page(shot.frame, shot.quad, ScanOptions(dpi=300, paper="true", px_per_mm=shot.px_per_mm))
    assert page.width_px == pytest.approx(1011, abs=8)  # 85.6 mm at 300 dpi, within the calibration's accuracy
    assert page.size_mm[0] > page.size_mm[1]  # cards stay landscape
    auto = scan_page(shot.frame, shot.quad, ScanOptions(dpi=300, paper="auto", px_per_mm=shot.px_per_mm))
    assert (auto.width_px, auto.height_px) == page_px(ID_CARD, 300) == (1011, 638)


def test_auto_snaps_by_shape_without_calibration(scene) -> None:  # type: ignore[no-untyped-def]
    assert snap_size(None, None, 210 / 297) == A4
    assert snap_size(None, None, 0.3) is None
    auto = scan_page(scene.frame, scene.quad, ScanOptions(paper="auto", dpi=100, find_codes=False))
    assert (auto.width_px, auto.height_px) == page_px(A4, 100)


def test_sideways_page_comes_out_portrait(page) -> None:  # type: ignore[no-untyped-def]
    turned = photograph(np.ascontiguousarray(np.rot90(page)))
    result = scan_page(turned.frame, turned.quad, ScanOptions(dpi=100, find_codes=False))
    assert result.height_px > result.width_px


def test_residual_skew_is_measured_and_removed(page) -> None:  # type: ignore[no-untyped-def]
    h, w = page.shape[:2]
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), -2.0, 1.0)
    skewed = cv2.warpAffine(page, rot, (w, h), borderValue=(246, 246, 246))
    assert estimate_skew(cv2.cvtColor(skewed, cv2.COLOR_BGR2GRAY)) == pytest.approx(2.0, abs=0.3)
    assert estimate_skew(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)) == 0.0
    assert estimate_skew(np.full((400, 300), 240, np.uint8)) == 0.0  # nothing to go by: leave it
    shot = photograph(skewed)
    fixed = scan_page(shot.frame, shot.quad, ScanOptions(find_codes=False))
    kept = scan_page(shot.frame, shot.quad, ScanOptions(find_codes=False, deskew=False))
    target = cv2.resize(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), (413, 585), interpolation=cv2.INTER_AREA)

    def score(p):  # type: ignore[no-untyped-def]
        return ncc(target, cv2.resize(cv2.cvtColor(p.image, cv2.COLOR_BGR2GRAY), (413, 585),
                                      interpolation=cv2.INTER_AREA))

    assert score(fixed) > score(kept) + 0.05


@pytest.mark.parametrize("limit", [100_000, 500_000])
def test_jpeg_fits_the_limit_even_for_a_busy_page(limit: int) -> None:
    rng = np.random.default_rng(5)
    busy = rng.integers(0, 256, (2339, 1654, 3), dtype=np.uint8)  # noise: the worst case for JPEG
    data = encode_jpeg(busy, limit, dpi=200)
    assert len(data) <= limit
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None and decoded.shape[2] == 3


def test_jpeg_keeps_high_quality_when_it_can(colour_page) -> None:  # type: ignore[no-untyped-def]
    small = encode_jpeg(colour_page.image, 100_000)
    big = encode_jpeg(colour_page.image, 2_000_000)
    assert len(small) <= 100_000 < len(big) <= 2_000_000
    assert colour_page.jpeg[13:18] == b"\x01\x00\xc8\x00\xc8"  # JFIF density: 200 dpi


def test_rotate_page_swaps_dimensions_and_size(colour_page) -> None:  # type: ignore[no-untyped-def]
    turned = rotate_page(colour_page, 1)
    assert (turned.width_px, turned.height_px) == (colour_page.height_px, colour_page.width_px)
    assert turned.size_mm == (297, 210)
    assert len(turned.jpeg) <= 500_000
    assert np.array_equal(turned.image[0, :], colour_page.image[::-1, 0])  # clockwise: left column becomes top row
    code = turned.codes[0].quad  # the QR was bottom-left; a clockwise turn puts it top-left
    assert code[:, 1].max() < turned.height_px / 2 and code[:, 0].max() < turned.width_px / 2
    assert rotate_page(colour_page, 4).size_mm == colour_page.size_mm


def test_pdf_pages_have_their_physical_size(colour_page) -> None:  # type: ignore[no-untyped-def]
    card = scan_page(make_card(), None, ScanOptions(paper="auto", find_codes=False))
    data = make_pdf([colour_page, card, rotate_page(colour_page, 1)], title="申请材料")
    pdf = pikepdf.open(io.BytesIO(data))
    assert len(pdf.pages) == 3
    boxes = [[float(v) for v in p.mediabox] for p in pdf.pages]
    assert boxes[0][2:] == pytest.approx(A4_PT, abs=1)
    assert boxes[1][2:] == pytest.approx((85.6 * 72 / 25.4, 53.98 * 72 / 25.4), abs=1)
    assert boxes[2][2:] == pytest.approx(A4_PT[::-1], abs=1)
    xobjects = pdf.pages[0].Resources.XObject
    image = xobjects[next(iter(xobjects.keys()))]
    assert image.Filter == "/DCTDecode" and image.read_raw_bytes() == colour_page.jpeg


def test_id_copy_puts_both_sides_at_true_size_on_a4() -> None:
    front = photograph(make_card(seed=3), tilt_deg=(4, 3, -6), distance_mm=220)
    back_card = make_card(seed=4)
    back_card[:, :, 0] = 120  # a different-looking back
    back = photograph(back_card, tilt_deg=(-3, 2, 5), distance_mm=220, seed=9)
    page = compose_id_copy(front.frame, back.frame, front_quad=front.quad, back_quad=back.quad)
    assert (page.width_px, page.height_px) == (1654, 2339) and page.size_mm == (210, 297)
    card_w, card_h = page_px(ID_CARD, 200)
    assert (card_w, card_h) == (674, 425)
    not_white = (page.image.min(axis=2) < 235).astype(np.uint8)
    for half in (0, 1):
        region = not_white[half * 1169:(half + 1) * 1169]
        ys, xs = np.nonzero(region)
        width = xs.max() - xs.min() + 1
        height = ys.max() - ys.min() + 1
        assert width == pytest.approx(card_w, abs=6) and height == pytest.approx(card_h, abs=6)
        assert (xs.min() + xs.max()) / 2 == pytest.approx(1654 / 2, abs=4)
        assert (ys.min() + ys.max()) / 2 == pytest.approx(1169 / 2, abs=6)
    card_px = cv2.resize(make_card(seed=3), (card_w, card_h), interpolation=cv2.INTER_AREA)
    y0 = (1169 - card_h) // 2
    x0 = (1654 - card_w) // 2
    top = page.image[y0:y0 + card_h, x0:x0 + card_w]
    assert ncc(cv2.cvtColor(card_px, cv2.COLOR_BGR2GRAY), cv2.cvtColor(top, cv2.COLOR_BGR2GRAY)) > 0.85


@pytest.mark.parametrize("frame", [
    None,
    np.zeros((0, 0, 3), np.uint8),
    np.zeros((10, 10, 3), np.uint8),
    np.zeros((100, 100, 3), np.float32),
    np.zeros((100, 100, 2), np.uint8),
    "not an image",
])
def test_bad_frames_raise_scan_error(frame: object) -> None:
    with pytest.raises(ScanError) as info:
        scan_page(frame, None)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert info.value.user_message and info.value.detail


@pytest.mark.parametrize("quad", [
    [[0, 0], [100, 0], [0, 100], [100, 100]],  # crossed (bow tie)
    [[0, 0], [100, 0], [200, 0], [300, 0]],  # all on a line
    [[10, 10], [12, 10], [12, 12], [10, 12]],  # a speck
    [[0, 0], [1, 1]],  # not four corners
    [[0, 0], [np.nan, 0], [100, 100], [0, 100]],
    [[-5000, 0], [100, 0], [100, 100], [0, 100]],
])
def test_bad_quads_raise_scan_error(scene, quad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScanError) as info:
        scan_page(scene.frame, np.array(quad, dtype=np.float32))
    assert "边缘" in info.value.user_message


def test_counter_clockwise_quad_is_not_mirrored(scene, colour_page) -> None:  # type: ignore[no-untyped-def]
    mirrored_order = scene.quad[[0, 3, 2, 1]]
    again = scan_page(scene.frame, mirrored_order, ScanOptions(find_codes=False))
    a = cv2.resize(cv2.cvtColor(again.image, cv2.COLOR_BGR2GRAY), (200, 283))
    b = cv2.resize(cv2.cvtColor(colour_page.image, cv2.COLOR_BGR2GRAY), (200, 283))
    assert ncc(a, b) > 0.95


def test_bad_options_raise_scan_error(scene) -> None:  # type: ignore[no-untyped-def]
    for options in (ScanOptions(dpi=5), ScanOptions(paper="letter"), ScanOptions(max_bytes=10),
                    ScanOptions(px_per_mm=-1.0)):
        with pytest.raises(ScanError):
            scan_page(scene.frame, scene.quad, options)


def test_grey_and_bgra_frames_are_accepted() -> None:
    page = make_page(qr=False)
    grey = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    assert scan_page(grey, None, ScanOptions(dpi=100)).image.ndim == 3
    bgra = cv2.cvtColor(page, cv2.COLOR_BGR2BGRA)
    assert scan_page(bgra, None, ScanOptions(dpi=100, mode=ColourMode.GREY)).image.ndim == 2
    assert PX_PER_MM == 5.0
