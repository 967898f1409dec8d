"""The scan stages on their own: paper sizes, orientation, encoding, code reading on odd input."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from devices.scan.codes import find_codes
from devices.scan.encode import encode_jpeg, set_jfif_density
from devices.scan.enhance import binarise, stretch_levels, whiten
from devices.scan.paper import A4, A5, B5, ID_CARD, fit_box, is_card_shaped, mm_to_px, place_centred, snap_size
from devices.scan.pipeline import ColourMode, ScanOptions, rotate_page, scan_page
from devices.scan.warp import orient, page_homography, true_aspect

from .test_scan_helpers import camera_homography, make_page


def test_snapping_uses_measured_size_when_calibrated() -> None:
    assert snap_size(149, 209, 148 / 210) == A5
    assert snap_size(175, 252, 176 / 250) == B5
    assert snap_size(212, 296, 210 / 297) == A4
    assert snap_size(300, 424, 300 / 424) is None  # A3 is not a counter's sheet: keep the true size
    landscape = snap_size(86, 54, 86 / 54)
    assert landscape is not None and (landscape.width_mm, landscape.height_mm) == (85.6, 53.98)
    assert snap_size(None, None, 1.586) == ID_CARD


def test_card_shape_and_size() -> None:
    assert is_card_shaped(85.6 / 53.98) and is_card_shaped(53.98 / 85.6)
    assert not is_card_shaped(297 / 210)
    assert not is_card_shaped(1.586, long_side_mm=200)  # a card-shaped poster is not a card


def test_fit_and_place() -> None:
    assert fit_box(1.0, 1.0, 1654, 2339) == (1654, 1654)
    assert fit_box(2.0, 1.0, 1654, 2339) == (1654, 827)
    assert mm_to_px(85.6, 300) == 1011
    page = place_centred(np.zeros((10, 20), np.uint8), 40, 30)
    assert page.shape == (30, 40) and page[10:20, 10:30].max() == 0 and page[0].min() == 255


def test_true_paper_without_calibration_snaps_instead() -> None:
    page = make_page(148, 210, qr=False)
    result = scan_page(page, None, ScanOptions(paper="true", dpi=100, find_codes=False))
    assert result.size_mm == (210, 297)  # A-series shape, no scale known: the most common sheet
    calibrated = scan_page(page, None, ScanOptions(paper="true", dpi=100, find_codes=False, px_per_mm=5.0))
    assert calibrated.size_mm == pytest.approx((148, 210), abs=0.5)
    fitted = scan_page(page, None, ScanOptions(paper="a4", dpi=100, find_codes=False, px_per_mm=5.0))
    assert fitted.size_mm == (210, 297)
    ink_cols = np.nonzero(fitted.image.min(axis=(0, 2)) < 255)[0]
    assert ink_cols.max() - ink_cols.min() < mm_to_px(150, 100)  # an A5 on A4 keeps its real size


def test_orient_turns_sideways_pages_and_upright_cards() -> None:
    quad = np.float32([[0, 0], [300, 0], [300, 200], [0, 200]])
    turned, aspect = orient(quad, 1.5, landscape=False)
    assert aspect == pytest.approx(1 / 1.5) and turned[0].tolist() == [300, 0]
    same, aspect = orient(quad, 1.5, landscape=True)
    assert aspect == 1.5 and same[0].tolist() == [0, 0]


def test_aspect_survives_tilt_about_one_axis() -> None:
    h = camera_homography(210, 297, tilt_deg=(0, 9, 0))
    quad = cv2.perspectiveTransform(np.array([[[0, 0], [210, 0], [210, 297], [0, 297]]], np.float64), h)[0]
    assert true_aspect(quad.astype(np.float32), (3264, 2448)) == pytest.approx(210 / 297, rel=0.01)


def test_page_homography_lands_corners_and_rotates_about_the_centre() -> None:
    quad = np.float32([[10, 20], [110, 25], [105, 160], [5, 150]])
    h = page_homography(quad, 100, 140)
    out = cv2.perspectiveTransform(quad[None].astype(np.float64), h)[0]
    assert out == pytest.approx(np.array([[0, 0], [100, 0], [100, 140], [0, 140]]), abs=1e-3)
    turned = page_homography(quad, 100, 140, angle_deg=3.0)
    centre_src = cv2.perspectiveTransform(np.array([[[50.0, 70.0]]]), np.linalg.inv(h))
    assert cv2.perspectiveTransform(centre_src, turned)[0, 0] == pytest.approx([50, 70], abs=1e-3)


def test_grey_jpeg_is_single_channel_and_carries_dpi() -> None:
    grey = make_page(qr=False)[..., 1].copy()
    data = encode_jpeg(grey, 300_000, dpi=150)
    assert cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED).ndim == 2
    assert data[13:18] == b"\x01\x00\x96\x00\x96"
    assert set_jfif_density(b"\xff\xd8\xff\xdb" + b"\x00" * 8, 300)[2:4] == b"\xff\xe0"  # APP0 added if missing


def test_downscaled_jpeg_lowers_its_dpi_to_keep_the_size() -> None:
    noise = np.random.default_rng(1).integers(0, 256, (1200, 900), dtype=np.uint8)
    data = encode_jpeg(noise, 30_000, dpi=200)
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert len(data) <= 30_000 and decoded.shape[1] < 900
    dpi = int.from_bytes(data[14:16], "big")
    assert dpi == pytest.approx(200 * decoded.shape[1] / 900, abs=1)


@pytest.mark.parametrize("image", [np.zeros((0, 0), np.uint8), np.zeros((10, 10, 3), np.float64)])
def test_encode_rejects_bad_images(image: np.ndarray) -> None:
    with pytest.raises(ValueError):
        encode_jpeg(image, 100_000)


@pytest.mark.parametrize("image", [
    np.zeros((0, 0), np.uint8),
    np.zeros((5, 5), np.uint8),
    np.full((300, 300, 4), 255, np.uint8),
    np.full((300, 300, 5), 255, np.uint8),
    np.random.default_rng(2).random((300, 300)),
    np.full((300, 300), np.nan),
    np.zeros((2, 2, 2, 2), np.uint8),
])
def test_find_codes_never_raises(image: np.ndarray) -> None:
    assert find_codes(image) == ()


def test_find_codes_reads_a_plain_qr() -> None:
    code = cv2.QRCodeEncoder.create().encode("社保卡 1234")
    tile = cv2.resize(code, None, fx=8, fy=8, interpolation=cv2.INTER_NEAREST)
    page = np.full((1600, 1300), 255, np.uint8)
    page[300:300 + tile.shape[0], 400:400 + tile.shape[1]] = tile
    found = find_codes(page)
    assert [(c.kind, c.text) for c in found] == [("qr", "社保卡 1234")]
    dark_cols = np.nonzero(tile.min(axis=0) == 0)[0]  # where the symbol starts and ends inside its quiet zone
    assert found[0].quad[:, 0].min() == pytest.approx(400 + dark_cols[0], abs=10)
    assert found[0].quad[:, 0].max() == pytest.approx(400 + dark_cols[-1] + 1, abs=10)


def test_whiten_keeps_colour_and_binarise_is_binary() -> None:
    page = make_page(qr=False)
    shade = np.linspace(0.55, 1.0, page.shape[1], dtype=np.float32)[None, :, None]
    dim = (page * shade).astype(np.uint8)
    white = whiten(dim)
    assert white[50:100, -100:-50].mean() > 240 and white[50:100, 10:60].mean() > 240
    bw = binarise(cv2.cvtColor(white, cv2.COLOR_BGR2GRAY), whitened=True)
    assert set(np.unique(bw).tolist()) <= {0, 255}
    raw_bw = binarise(cv2.cvtColor(dim, cv2.COLOR_BGR2GRAY), whitened=False)
    assert (raw_bw == 0).mean() < 0.3
    assert stretch_levels(dim).shape == dim.shape


def test_rotating_a_grey_page_keeps_it_grey() -> None:
    page = scan_page(make_page(qr=False), None, ScanOptions(mode=ColourMode.GREY, dpi=100, find_codes=False))
    turned = rotate_page(page, -1)
    assert turned.image.ndim == 2 and turned.mode is ColourMode.GREY
    assert (turned.width_px, turned.height_px) == (page.height_px, page.width_px)
    assert np.array_equal(rotate_page(turned, 1).image, page.image)


def test_a_card_on_a4_is_copied_at_its_real_size() -> None:
    card = np.full((270, 428, 3), 200, np.uint8)  # ID-1 shape at 5 px/mm, no calibration given
    cv2.putText(card, "CARD", (40, 150), cv2.FONT_HERSHEY_SIMPLEX, 3, (0, 0, 0), 8)
    page = scan_page(card, None, ScanOptions(dpi=200, find_codes=False, whiten=False))
    assert (page.width_px, page.height_px) == (1654, 2339)
    ys, xs = np.nonzero(page.image.min(axis=2) < 250)
    assert (xs.max() - xs.min() + 1, ys.max() - ys.min() + 1) == (674, 425)


def test_whole_frame_keeps_its_orientation() -> None:
    frame = np.full((480, 640, 3), 200, np.uint8)
    cv2.putText(frame, "LANDSCAPE", (40, 250), cv2.FONT_HERSHEY_SIMPLEX, 2, (0, 0, 0), 5)
    page = scan_page(frame, None, ScanOptions(dpi=100, find_codes=False, paper="auto"))
    assert page.width_px > page.height_px
