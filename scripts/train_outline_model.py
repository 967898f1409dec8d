"""Train the learned outline model (``devices/scan/outline_model.py``) on the project's synthetic desk photos.

Run (a separate environment: PyTorch is needed here only, never by the terminal):
    python3 -m venv /tmp/train-env && /tmp/train-env/bin/pip install torch==2.13.0 onnx numpy \
        opencv-python-headless pillow
    PYTHONPATH=. /tmp/train-env/bin/python scripts/train_outline_model.py --seed 41000 --count 10000 \
        --epochs 16 --out resources/models/document_outline.onnx

Scenes come from ``devices.sim.docscene.render_scene`` at a quarter of the bench's 8 MP (the same scenes,
drawn smaller: 10x faster), a third plain and the rest with the scene conditions of issue 19, the second
sheet and the sleeve drawn more often (they are what the edge search finds hardest). Seeds named in any
test are skipped; the training seeds (41000-50999 for the file in the repository, 9991 scenes; 33 min on
a 2-core Xeon VM, held-out mask IoU 0.986 after 16 epochs) are apart from every range the benchmark and the
tuning used (1000-12999, 90000-90199, 200000 and above). The network is a small U-Net
(stride-2 encoder to 1/32, nearest upsampling, batch norm): input 256 x 192 BGR scaled to 0..1, output one
logit per cell of a 128 x 96 grid; loss binary cross-entropy (cells at the border weighed five times) plus
Dice; AdamW with a one-cycle schedule; random flips and lighting gain as augmentation. It is exported to
ONNX (opset 13) for OpenCV's DNN module.
"""

from __future__ import annotations

import argparse
import glob
import re
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from devices.scan.outline_model import INPUT_SIZE
from devices.sim.docscene import CONDITIONS, DOCUMENT_KINDS, render_scene

RENDER_SIZE = (1632, 1224)
#: how often each condition is drawn among the scenes that carry one (CONDITIONS' order)
CONDITION_WEIGHTS = (1, 1, 1, 2, 3, 1)
PLAIN_SHARE = 0.3


def _test_seeds() -> set[int]:
    root = Path(__file__).resolve().parents[1] / "tests"
    seeds: set[int] = set()
    for name in glob.glob(str(root / "**" / "*.py"), recursive=True):
        seeds |= {int(x) for x in re.findall(r"\b\d{4,6}\b", Path(name).read_text(encoding="utf-8"))}
    return seeds


def _sample(seed: int) -> tuple[np.ndarray, np.ndarray] | None:
    rng = np.random.default_rng([seed, 7])
    if rng.random() < PLAIN_SHARE:
        condition, kind = None, DOCUMENT_KINDS[seed % len(DOCUMENT_KINDS)]
    else:
        weights = np.array(CONDITION_WEIGHTS, dtype=float)
        condition, kind = CONDITIONS[int(rng.choice(len(CONDITIONS), p=weights / weights.sum()))], None
    scene = render_scene(seed, size=RENDER_SIZE, kind=kind, condition=condition)
    width, height = INPUT_SIZE
    image = cv2.resize(scene.image, INPUT_SIZE, interpolation=cv2.INTER_AREA)
    fine = np.zeros((height * 4, width * 4), np.uint8)
    corners = (scene.corners + 0.5) * (width * 4 / RENDER_SIZE[0]) - 0.5
    cv2.fillPoly(fine, [np.round(corners * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    mask = cv2.resize(fine, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    return image, mask


def _sample_or_none(args: tuple[int, set[int]]) -> tuple[np.ndarray, np.ndarray] | None:
    seed, skip = args
    return None if seed in skip else _sample(seed)


def _block(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, padding=dilation, dilation=dilation, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class OutlineNet(nn.Module):
    """Encoder to 1/32 with dilated convolutions at the bottom (the whole page in view), decoder to 1/2."""

    def __init__(self) -> None:
        super().__init__()
        self.s1 = _block(3, 12, 2)
        self.s2 = nn.Sequential(_block(12, 24, 2), _block(24, 24))
        self.s3 = nn.Sequential(_block(24, 48, 2), _block(48, 48))
        self.s4 = nn.Sequential(_block(48, 64, 2), _block(64, 64), _block(64, 64, dilation=2))
        self.s5 = nn.Sequential(_block(64, 64, 2), _block(64, 64, dilation=2))
        self.u4 = _block(128, 64)
        self.u3 = _block(112, 32)
        self.u2 = _block(56, 16)
        self.u1 = _block(28, 8)
        self.head = nn.Conv2d(8, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x - 0.5
        a = self.s1(x)
        b = self.s2(a)
        c = self.s3(b)
        d = self.s4(c)
        e = self.s5(d)
        y = self.u4(torch.cat([_up(e), d], 1))
        y = self.u3(torch.cat([_up(y), c], 1))
        y = self.u2(torch.cat([_up(y), b], 1))
        y = self.u1(torch.cat([_up(y), a], 1))
        return self.head(y)


def _up(t: torch.Tensor) -> torch.Tensor:
    return F.interpolate(t, scale_factor=2.0, mode="nearest")


def train(images: np.ndarray, masks: np.ndarray, epochs: int, out: Path) -> None:
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    n = len(images)
    held = n // 20  # the first 5 % only measure
    net = OutlineNet()
    optimiser = torch.optim.AdamW(net.parameters(), 3e-3, weight_decay=1e-4)
    batch = 32
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, 3e-3, total_steps=epochs * ((n - held) // batch),
                                                   pct_start=0.1)
    x_all = torch.from_numpy(images).permute(0, 3, 1, 2)
    y_all = torch.from_numpy(masks).unsqueeze(1)
    start = time.time()
    for epoch in range(epochs):
        net.train()
        order = rng.permutation(np.arange(held, n))
        for i in range(0, len(order) - batch + 1, batch):
            index = torch.from_numpy(order[i:i + batch])
            x, y = x_all[index].float() / 255.0, y_all[index].float() / 255.0
            if rng.random() < 0.5:
                x, y = x.flip(3), y.flip(3)
            if rng.random() < 0.5:
                x, y = x.flip(2), y.flip(2)
            gain = torch.empty(batch, 1, 1, 1).uniform_(0.75, 1.15)
            x = (x * gain + torch.empty(batch, 3, 1, 1).uniform_(-0.04, 0.04)).clamp(0, 1)
            logits = net(x)
            p = torch.sigmoid(logits)
            dice = 1 - (2 * (p * y).sum((1, 2, 3)) + 1) / (p.sum((1, 2, 3)) + y.sum((1, 2, 3)) + 1)
            # cells at the document's border weigh more: where the outline is read off
            border = F.max_pool2d(y, 5, 1, 2) + F.max_pool2d(-y, 5, 1, 2)
            loss = F.binary_cross_entropy_with_logits(logits, y, weight=1 + 4 * border) + dice.mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        net.eval()
        with torch.no_grad():
            ious = []
            for i in range(0, held, 64):
                p = torch.sigmoid(net(x_all[i:min(i + 64, held)].float() / 255.0)) > 0.5
                y = y_all[i:min(i + 64, held)] > 127
                ious += ((p & y).sum((1, 2, 3)).float() / (p | y).sum((1, 2, 3)).clamp(min=1).float()).tolist()
        below = float(np.mean(np.array(ious) < 0.95))
        print(f"epoch {epoch}: held-out mask IoU mean {np.mean(ious):.4f}, below 0.95 {below:.3f}"
              f" ({time.time() - start:.0f} s)", flush=True)
    width, height = INPUT_SIZE
    torch.onnx.export(net, (torch.zeros(1, 3, height, width),), str(out), opset_version=13, dynamo=False,
                      input_names=["image"], output_names=["mask"])
    print(f"wrote {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=41000)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--epochs", type=int, default=16)
    parser.add_argument("--out", type=Path, default=Path("resources/models/document_outline.onnx"))
    parser.add_argument("--scenes", type=Path, help="an .npz of rendered scenes: read when it exists, else written"
                        " (to try another network on the same scenes without the 10 min of rendering)")
    args = parser.parse_args()
    if args.scenes is not None and args.scenes.exists():
        with np.load(args.scenes) as kept:
            images, masks = kept["images"], kept["masks"]
    else:
        skip = _test_seeds()
        with Pool() as pool:
            seeds = [(s, skip) for s in range(args.seed, args.seed + args.count)]
            pairs = [p for p in pool.imap(_sample_or_none, seeds, chunksize=16) if p is not None]
        images, masks = np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])
        if args.scenes is not None:
            np.savez(args.scenes, images=images, masks=masks)
    print(f"{len(images)} scenes", flush=True)
    train(images, masks, args.epochs, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
