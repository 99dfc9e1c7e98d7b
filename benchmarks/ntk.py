"""Time the empirical NTK of hw6 by its two methods, against inputs m and width n.

    python benchmarks/ntk.py                    # CPU, small sizes (about a minute)
    python benchmarks/ntk.py --device cuda      # GPU sizes: up to 2^14 at depth 2, 2^16 at depth 1

Methods of `solutions.hw6`: "jacobian" (torch.func: vmap of jacrev over
functional_call, then J1 J2^T; memory m x P) and "layerwise" (the per-layer
sums (5.35)-(5.36); memory O(m n L)). Each row prints the best of `--repeat`
timings after a warm-up call, the ratio jacobian / layerwise, and the largest
relative difference between the two kernels (they must agree to round-off).
The Jacobian is skipped where it would need more than `--jacobian-gib`.
"""
import argparse
import math
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from solutions import hw6  # noqa: E402

PROFILES = {
    "cpu": {"depths": [1, 2], "widths": [64, 256, 1024, 2048], "ms": [4, 16, 64], "jacobian_gib": 1.0},
    "cuda": {"depths": [1, 2], "widths": [1024, 4096, 16384, 65536], "ms": [8, 32, 128],
             "jacobian_gib": 40.0},
}


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def _time(fn, device, repeat):
    out = fn()  # warm-up: the first torch.func call imports its compiler stack
    _sync(device)
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        _sync(device)
        best = min(best, time.perf_counter() - start)
    return best, out


def _fits(widths, m, device):
    """Weights (and, at depth 2, one activation product per input) must fit."""
    n_params = sum(a * b for a, b in zip(widths[:-1], widths[1:]))
    if device.type == "cuda":
        free = torch.cuda.mem_get_info(device)[0]
        return 3 * 8 * n_params < free
    return 8 * n_params < 2 * 2**30


def run(device_name, depths, widths, ms, repeat, jacobian_gib, n0=8, activation="relu"):
    device = hw6._torch_device(device_name)
    print(f"device {device_name}" + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else
                                     f" ({torch.get_num_threads()} threads)"))
    print(f"{'depth':>5} {'width':>7} {'m':>5} {'params':>11} {'jacobian s':>11} {'layerwise s':>12} "
          f"{'ratio':>8} {'rel diff':>9}")
    gen = torch.Generator(device=device).manual_seed(0)
    for depth in depths:
        for n in widths:
            widths_n = [n0] + [n] * depth + [1]
            if max(ms) and not _fits(widths_n, max(ms), device):
                print(f"{depth:>5} {n:>7}   (weights do not fit in memory: skipped)")
                continue
            weights = hw6._draw_weights(widths_n, gen, device)
            n_params = sum(W.numel() for W in weights)
            for m in ms:
                X = torch.randn(n0, m, generator=gen, dtype=torch.float64, device=device)
                t_lay, k_lay = _time(lambda W=weights, X=X: hw6._ntk_layerwise(W, X, X, activation, 2.0), device, repeat)
                jac_gib = 8 * m * n_params / 2**30
                if jac_gib <= jacobian_gib:
                    t_jac, k_jac = _time(lambda W=weights, X=X: hw6._ntk_jacobian(W, X, X, activation, 2.0), device, repeat)
                    diff = float(torch.max(torch.abs(k_jac - k_lay)) / torch.max(torch.abs(k_lay)))
                    jac, ratio, rel = f"{t_jac:11.4f}", f"{t_jac / t_lay:8.1f}", f"{diff:9.1e}"
                else:
                    jac, ratio, rel = f"{'(' + format(jac_gib, '.0f') + ' GiB)':>11}", f"{'-':>8}", f"{'-':>9}"
                print(f"{depth:>5} {n:>7} {m:>5} {n_params:>11} {jac} {t_lay:12.4f} {ratio} {rel}",
                      flush=True)
            del weights
            if device.type == "cuda":
                torch.cuda.empty_cache()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--depths", type=int, nargs="+")
    p.add_argument("--widths", type=int, nargs="+")
    p.add_argument("--ms", type=int, nargs="+")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--jacobian-gib", type=float, help="largest Jacobian to materialise (GiB)")
    p.add_argument("--also-cpu", action="store_true", help="with --device cuda: also run the CPU profile")
    a = p.parse_args(argv)
    prof = PROFILES[a.device]
    devices = [a.device] + (["cpu"] if a.also_cpu and a.device == "cuda" else [])
    for dev in devices:
        pr = PROFILES[dev] if dev != a.device else prof
        run(dev, a.depths or pr["depths"], a.widths or pr["widths"], a.ms or pr["ms"], a.repeat,
            a.jacobian_gib if a.jacobian_gib is not None else pr["jacobian_gib"])


if __name__ == "__main__":
    main()
