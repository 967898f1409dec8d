"""``sicounter scan``: photos in, a PDF out, exit codes and messages for the clerk."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest

from devices.scan import cli
from devices.scan.cli import main

from .test_scan_helpers import QR_TEXT, make_card, make_page, photograph

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("photos")
    files = {
        "page": photograph(make_page()).frame,
        "plain": photograph(make_page(qr=False, seed=7), tilt_deg=(-3, 5, -4), seed=8).frame,
        "front": photograph(make_card(), tilt_deg=(2, -3, 4), distance_mm=220).frame,
        "back": photograph(make_card(seed=5), tilt_deg=(-2, 2, -3), distance_mm=220, seed=6).frame,
        "blank": np.full((600, 800, 3), 128, np.uint8),
        "tiny": np.full((8, 8, 3), 200, np.uint8),
    }
    paths = {}
    for name, image in files.items():
        path = folder / f"{name}.png" if name in ("blank", "tiny") else folder / f"{name}.jpg"
        assert cv2.imwrite(str(path), image)
        paths[name] = path
    broken = folder / "broken.jpg"
    broken.write_bytes(b"this is not a picture")
    paths["broken"] = broken
    paths["中文 照片"] = folder / "材料 照片.jpg"
    paths["中文 照片"].write_bytes(paths["plain"].read_bytes())
    return paths


def _pdf(path: Path) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(path.read_bytes()))


def _boxes(pdf: pikepdf.Pdf) -> list[tuple[float, float]]:
    return [(float(p.mediabox[2]), float(p.mediabox[3])) for p in pdf.pages]


def test_two_photos_make_a_two_page_a4_pdf(photos, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "材料.pdf"
    assert main(["--source", str(photos["page"]), str(photos["中文 照片"]), "--out", str(out)]) == 0
    pdf = _pdf(out)
    assert len(pdf.pages) == 2
    assert _boxes(pdf) == [pytest.approx((595.28, 841.89), abs=1)] * 2
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("第")]
    assert len(lines) == 2
    assert "page 1" in lines[0] and "210.0x297.0 mm" in lines[0] and QR_TEXT in lines[0]
    assert "材料 照片.jpg" in lines[1] and "codes: -" in lines[1]
    assert [p.name for p in tmp_path.iterdir()] == ["材料.pdf"]  # no temporary file left behind


def test_grey_mode_and_size_limit_reach_the_pdf(photos, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "grey.pdf"
    assert main(["scan", "--source", str(photos["page"]), "--out", str(out), "--mode", "grey", "--max-kb", "100",
                 "--dpi", "150"]) == 0
    pdf = _pdf(out)
    page = pdf.pages[0]
    image = page.Resources.XObject[next(iter(page.Resources.XObject.keys()))]
    assert image.ColorSpace == "/DeviceGray"
    assert len(image.read_raw_bytes()) <= 100_000
    # a dense page does not fit 100 KB even at the lowest quality: fewer pixels, same paper size
    assert int(image.Width) <= 1240 and int(image.Width) / int(image.Height) == pytest.approx(210 / 297, abs=0.01)
    assert _boxes(pdf)[0] == pytest.approx((595.28, 841.89), abs=1)


def test_unreadable_image_exits_2_naming_the_file(photos, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.pdf"
    assert main(["--source", str(photos["page"]), str(photos["broken"]), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "无法读取图片文件" in err and "broken.jpg" in err and "not a readable image" in err
    assert err.index("无法") < err.index("not a readable")  # Chinese first
    assert not out.exists()
    assert main(["--source", str(tmp_path / "missing.jpg"), "--out", str(out)]) == 2
    assert "missing.jpg" in capsys.readouterr().err
    assert not out.exists()


def test_failed_page_exits_1_and_leaves_no_pdf(photos, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.pdf"
    out.write_bytes(b"yesterday's scan")
    assert main(["--source", str(photos["page"]), str(photos["tiny"]), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "第2页" in err and "page 2" in err and "未生成PDF" in err
    assert out.read_bytes() == b"yesterday's scan"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


def test_no_document_found_warns_and_uses_the_whole_frame(photos, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "blank.pdf"
    assert main(["--source", str(photos["blank"]), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "已使用整幅图像" in err and "using the whole frame" in err
    assert len(_pdf(out).pages) == 1


def test_missing_detector_falls_back_to_the_whole_frame(photos, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "devices.scan.detect", None)  # import now raises ImportError
    out = tmp_path / "fallback.pdf"
    assert main(["--source", str(photos["plain"]), "--out", str(out)]) == 0
    assert "detector unavailable" in capsys.readouterr().err


def test_idcopy_makes_one_a4_page(photos, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "id.pdf"
    assert main(["idcopy", "--front", str(photos["front"]), "--back", str(photos["back"]), "--out", str(out),
                 "--mode", "grey"]) == 0
    pdf = _pdf(out)
    assert len(pdf.pages) == 1 and _boxes(pdf)[0] == pytest.approx((595.28, 841.89), abs=1)
    assert "已保存" in capsys.readouterr().out


def test_idcopy_with_an_unreadable_side_exits_2(photos, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "id.pdf"
    assert main(["idcopy", "--front", str(photos["front"]), "--back", str(photos["broken"]), "--out", str(out)]) == 2
    assert not out.exists()


@pytest.mark.parametrize("argv", [
    [],
    ["--source", "a.jpg"],
    ["--source", "a.jpg", "--out", "x.pdf", "--mode", "sepia"],
    ["--source", "a.jpg", "--out", "x.pdf", "--dpi", "0"],
    ["idcopy", "--front", "a.jpg", "--out", "x.pdf"],
])
def test_usage_errors_exit_2(argv: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(argv) == 2
    assert "usage" in capsys.readouterr().err


def test_out_of_range_dpi_is_a_usage_error(photos, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--source", str(photos["page"]), "--out", str(tmp_path / "x.pdf"), "--dpi", "5000"]) == 2
    assert "扫描参数有误" in capsys.readouterr().err


def test_missing_output_directory_exits_2(photos, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--source", str(photos["plain"]), "--out", str(tmp_path / "nowhere" / "x.pdf")]) == 2
    assert "输出目录不存在" in capsys.readouterr().err


def test_camera_index_without_that_camera_exits_2(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """Through the real OpenCV backend: this machine has no camera numbered 7 (a CI box has none at all)."""
    monkeypatch.chdir(tmp_path)  # so "7" is not a file here
    assert main(["--source", "7", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "未找到编号为 7 的摄像头" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_camera_still_is_taken_at_the_largest_mode() -> None:
    """The simulated document camera behind the backend seam: the still comes at 8 MP, not the power-on mode."""
    from devices.camera.connection import Mode
    from devices.sim.camera import SimulatedCameraBackend

    backend = SimulatedCameraBackend(frame_delay=0)
    backend.camera().place_document(5, "a4_text")
    frame = cli.grab_camera_frame(0, backend)
    assert Mode.of(frame) == Mode(3264, 2448)
    backend.open(backend.info()).close()  # it was closed after the still (an open camera refuses a second open)
    with pytest.raises(cli.CliFailure) as err:
        cli.grab_camera_frame(3, backend)
    assert err.value.status == 2


def test_runs_as_a_module(photos, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "module.pdf"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "devices.scan.cli", "--source", str(photos["plain"]),
                             "--out", str(out), "--mode", "bw"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "第1页" in result.stdout
    assert len(_pdf(out).pages) == 1
    bad = subprocess.run([sys.executable, "-m", "devices.scan.cli", "--source", str(photos["broken"]),
                          "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "broken.jpg" in bad.stderr


def test_output_onto_a_directory_exits_2_without_leftovers(photos, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "folder.pdf"
    target.mkdir()
    assert main(["--source", str(photos["plain"]), "--out", str(target)]) == 2
    assert "无法写入文件" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["folder.pdf"] and target.is_dir()


def test_quad_reaching_past_the_frame_edge_still_scans() -> None:
    from devices.scan.pipeline import scan_page

    frame = make_page(qr=False)
    h, w = frame.shape[:2]
    quad = np.float32([[-20, -15], [w + 10, -5], [w + 20, h + 10], [-10, h + 25]])
    page = scan_page(frame, quad)
    assert (page.width_px, page.height_px) == (1654, 2339)
