"""Benchmark: one pass-2 evaluation of the network (to relu4_1, forward and backward) in float32
and under bfloat16 autocast, on this machine's CPU, with the ratio bfloat16 / float32.

    .venv/bin/python scripts/bench_precision.py OUT_DIR [--side 700] [--repeats 3]

Prints the table and writes OUT_DIR/bench_precision.json. harmonize/method/precision.py runs
bfloat16 only where `cpu_has_bfloat16` says oneDNN has it; this shows what the other CPUs would pay.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import torch

from harmonize.method.network_weights.loader import load_network
from harmonize.method.precision import cpu_has_bfloat16, network_precision


def evaluation_seconds(net, image: torch.Tensor, precision: str, repeats: int) -> float:
    """Median wall seconds of one forward to relu4_1 and its backward to the image."""
    times = []
    for _ in range(repeats + 1):  # the first run warms the kernels up and is not counted
        x = image.clone().requires_grad_(True)
        started = time.perf_counter()
        with network_precision(x.device, precision):
            feats = net.run(x, stop_at="relu4_1")
        feats["relu4_1"].float().square().mean().backward()
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def main() -> None:
    """Measure both precisions in the same run and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--side", type=int, default=700)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    net = load_network(None).eval()
    for p in net.parameters():
        p.requires_grad_(False)
    image = torch.rand(1, 3, args.side * 3 // 4, args.side) * 255 - 120
    seconds = {p: evaluation_seconds(net, image, p, args.repeats) for p in ("float32", "bfloat16")}
    result = {
        "cpu": platform.processor() or platform.machine(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "cpu_has_bfloat16": cpu_has_bfloat16(),
        "threads": torch.get_num_threads(),
        "side": args.side,
        "seconds": seconds,
        "bfloat16_over_float32": seconds["bfloat16"] / seconds["float32"],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_precision.json").write_text(json.dumps(result, indent=2))
    print(f"{result['cpu_capability']}, oneDNN bfloat16: {result['cpu_has_bfloat16']}, {result['threads']} threads")
    for name, value in seconds.items():
        print(f"{name:9s} {value:7.2f} s per evaluation")
    print(f"bfloat16 / float32: {result['bfloat16_over_float32']:.2f}")


if __name__ == "__main__":
    main()
