#!/usr/bin/env python3
"""PyTorch eager PEER on the same GPU, the baseline of lib/cuda's PeerBench.

Same configurations (yardstick: d_model 256, N = 128^2..1024^2; paper: d_model 1024, N = 1024^2;
T = 4096, h 8, k 16, d_key 128, no query BatchNorm, exact GELU), same method (median of 10 runs
after 3 warm-ups, host clock around torch.cuda.synchronize), GEMMs in FP32 and TF32. The layer is
the yardstick's PEER (peer_ref.py, carried by environment/gpu.sh in the bundle, not in git), with
its "fused" expert path and dense or sparse u/v gradients; the faster of the two is the baseline.
With --ours, prints PyTorch time / our time (> 1: ours is faster) and our MFU.

    peer_torch_bench.py --yardstick DIR --csv OUT.csv [--ours OURS.csv]
"""

import argparse
import csv
import statistics
import sys
import time

import torch

CONFIGS = [(f"yardstick_{s}sq", s * s, 256) for s in (128, 256, 512, 1024)] + [("paper_1024sq", 1024 * 1024, 1024)]
TOKENS, HEADS, TOPK, DKEY = 4096, 8, 16, 128
DEVICE = "cuda"
WARMUP, ITERS = 3, 10
SMOKE_CONFIGS = [("smoke_16sq", 16 * 16, 64)]


def sync():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def median_seconds(fn):
    for _ in range(WARMUP):
        fn()
    sync()
    times = []
    for _ in range(ITERS):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(peer_cls, n, d, sparse):
    torch.manual_seed(0)
    layer = peer_cls(d, n, heads=HEADS, top_k=TOPK, d_key=DKEY, query_bn=False, impl="fused", sparse=sparse).to(DEVICE)
    x = torch.randn(TOKENS, d, device=DEVICE)
    gy = torch.randn(TOKENS, d, device=DEVICE)

    def fwd():
        with torch.no_grad():
            layer(x)

    xg = x.clone().requires_grad_(True)

    def fwdbwd():
        for p in layer.parameters():
            p.grad = None
        xg.grad = None
        layer(xg).backward(gy)

    layer.eval()
    t_fwd = median_seconds(fwd)
    layer.train()
    t_step = median_seconds(fwdbwd)
    del layer, x, gy, xg
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    return t_fwd, t_step


def run(peer_cls, out_csv, configs):
    rows = []
    for name, n, d in configs:
        for gemm in ("fp32", "tf32"):
            torch.backends.cuda.matmul.allow_tf32 = gemm == "tf32"
            for grad in ("dense", "sparse"):
                t_fwd, t_step = measure(peer_cls, n, d, grad == "sparse")
                row = dict(name=name, N=n, d_model=d, tokens=TOKENS, gemm=gemm, grad=grad,
                           fwd_ms=f"{t_fwd * 1e3:.3f}", fwdbwd_ms=f"{t_step * 1e3:.3f}")
                print(",".join(str(v) for v in row.values()), flush=True)
                rows.append(row)
    with open(out_csv, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return rows


def ratios(torch_rows, ours_csv):
    with open(ours_csv) as f:
        ours = {(r["name"], r["gemm"]): r for r in csv.DictReader(f)}
    print(f"\n{'config':<18} {'gemm':<5} {'fwd ours/torch ms':>20} {'ratio':>6} "
          f"{'fwd+bwd ours/torch ms':>24} {'ratio':>6} {'tok/s ours':>11} {'MFU fp32':>9}")
    for (name, gemm), o in ours.items():
        base = [r for r in torch_rows if r["name"] == name and r["gemm"] == gemm]
        if not base:
            continue
        tf = min(float(r["fwd_ms"]) for r in base)
        ts = min(float(r["fwdbwd_ms"]) for r in base)
        of, os_ = float(o["fwd_ms"]), float(o["fwdbwd_ms"])
        print(f"{name:<18} {gemm:<5} {of:>9.2f} / {tf:>8.2f} {tf / of:>6.2f} {os_:>11.2f} / {ts:>10.2f} "
              f"{ts / os_:>6.2f} {float(o['fwdbwd_tok_s']):>11.0f} {float(o['mfu_fp32']):>9.3f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--yardstick", required=True, help="folder holding the yardstick's peer_ref.py")
    ap.add_argument("--csv", required=True)
    ap.add_argument("--ours", help="lib/cuda PeerBench's CSV, to print ratios")
    ap.add_argument("--smoke", action="store_true", help="one tiny configuration on the CPU (checks the script)")
    a = ap.parse_args()
    global DEVICE, TOKENS
    if a.smoke:
        DEVICE, TOKENS = "cpu", 64
    elif not torch.cuda.is_available():
        sys.exit("PyTorch sees no CUDA device: run this on the GPU machine (or --smoke on the CPU)")
    elif hasattr(torch, "set_default_device"):
        torch.set_default_device("cuda")  # paper-scale u, v (4 GiB each) drawn on the GPU, not copied
    sys.path.insert(0, a.yardstick)
    from peer_ref import PEER  # noqa: E402 (the carried yardstick layer)
    gpu = torch.cuda.get_device_name() if DEVICE == "cuda" else "cpu"
    print(f"torch {torch.__version__}, {gpu}, CUDA {torch.version.cuda}")
    rows = run(PEER, a.csv, SMOKE_CONFIGS if a.smoke else CONFIGS)
    if a.ours:
        ratios(rows, a.ours)


if __name__ == "__main__":
    main()
