"""The PyTorch peer of `qvit bench`: timm's architectures in FP16 on CUDA, eager and torch.compile.

Times timm's models (random init, pretrained=False: the GPU machine has no network) at the same
batches as `qvit bench`, eager and torch.compile (where it works; a failure is recorded, not fatal),
and writes a JSON that `qvit bench --peer FILE` reads to fill ratio_vs_pytorch_fp16_eager and
ratio_vs_torch_compile. Method: inference_mode, a fixed random input on the device, warm-up, then
timed forwards (CUDA events on a GPU, perf_counter on the CPU); images/s from the median, batch-1
latency p50/p99 by nearest rank. `--device cpu` is a dry run of the same code (float32 by default)
on a machine without a GPU. Progress goes to stderr, a summary table to stdout last.

    python bench/pytorch_baseline.py --out peer.json                        # the GPU machine
    python bench/pytorch_baseline.py --device cpu --models vit_tiny_patch16_224 --batches 1,2 \\
        --modes eager --repeats 3 --out peer-dryrun.json                    # a dry run anywhere
"""
import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

SCHEMA = "qvit-peer/1"
MODELS = "deit_small_patch16_224,vit_small_patch16_224,deit3_small_patch16_224,vit_base_patch16_224"
MODES = ("eager", "compile")
DTYPES = ("float16", "bfloat16", "float32")


def positive_ints(text):
    """'1,64,256' -> [1, 64, 256]; every item a whole number >= 1, none twice."""
    items = text.split(",")
    try:
        values = [int(i) for i in items]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}': give whole numbers separated by commas, e.g. 1,64,256")
    if any(v < 1 for v in values) or len(set(values)) != len(values):
        raise argparse.ArgumentTypeError(f"'{text}': each batch must be at least 1 and given once")
    return values


def names(allowed=None):
    def parse(text):
        items = text.split(",")
        if any(not i.strip() for i in items) or len(set(items)) != len(items):
            raise argparse.ArgumentTypeError(f"'{text}': an empty or repeated item")
        if allowed is not None:
            bad = [i for i in items if i not in allowed]
            if bad:
                raise argparse.ArgumentTypeError(f"unknown {', '.join(bad)}; use {', '.join(allowed)}")
        return items
    return parse


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=names(), default=names()(MODELS), help=f"timm architectures (default {MODELS})")
    ap.add_argument("--batches", type=positive_ints, default=[1, 64, 256], help="images per forward (default 1,64,256)")
    ap.add_argument("--modes", type=names(MODES), default=list(MODES), help="eager and/or compile (default both)")
    ap.add_argument("--device", choices=("cuda", "cpu"), default="cuda", help="cuda (default) or cpu for a dry run")
    ap.add_argument("--dtype", choices=DTYPES, default=None, help="default float16 on cuda, float32 on cpu")
    ap.add_argument("--warmup", type=int, default=5, help="untimed forwards first (default 5)")
    ap.add_argument("--repeats", type=int, default=20, help="timed forwards (default 20)")
    ap.add_argument("--out", required=True, help="the JSON file to write (atomically)")
    args = ap.parse_args(argv)
    if args.warmup < 0 or args.repeats < 1:
        ap.error("--warmup must be at least 0 and --repeats at least 1")
    if args.dtype is None:
        args.dtype = "float16" if args.device == "cuda" else "float32"
    out_dir = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(out_dir):
        ap.error(f"--out {args.out}: the folder {out_dir} does not exist")
    return args


def percentile(values, p):
    """Nearest rank, as qvit bench computes it."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def record(model, mode, batch, dtype, times_ms=None, memory_bytes=None, model_bytes=None, error=None):
    """One line of the peer file; a failed mode has images_per_s null and its error."""
    median = statistics.median(times_ms) if times_ms else None
    return {
        "model": model, "mode": mode, "batch": batch, "dtype": dtype,
        "images_per_s": batch / (median / 1e3) if median else None,
        "median_ms": median,
        "latency_p50_ms": median if times_ms and batch == 1 else None,
        "latency_p99_ms": percentile(times_ms, 99) if times_ms and batch == 1 else None,
        "samples": len(times_ms) if times_ms else 0,
        "memory_bytes": memory_bytes, "model_bytes": model_bytes, "error": error,
    }


def commit():
    if os.environ.get("QVIT_COMMIT"):
        return os.environ["QVIT_COMMIT"]
    try:
        here = os.path.dirname(os.path.abspath(__file__))
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5,
                              check=True).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment(torch, timm, device, dtype):
    env = {"device": cpu_name(), "driver": "cpu", "clocks": None, "cuda": torch.version.cuda,
           "torch": torch.__version__, "timm": timm.__version__, "python": platform.python_version(), "dtype": dtype,
           "commit": commit(), "date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()}
    if device == "cuda":
        env["device"] = torch.cuda.get_device_name(0)
        try:
            q = subprocess.run(["nvidia-smi", "--query-gpu=driver_version,clocks.max.sm,clocks.max.mem", "--format=csv,noheader"],
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip().splitlines()[0].split(", ")
            env["driver"], env["clocks"] = q[0], f"SM max {q[1]}, memory max {q[2]}"
        except (OSError, subprocess.SubprocessError, IndexError):
            env["driver"] = "unknown (nvidia-smi failed)"
    else:
        env["threads"] = torch.get_num_threads()
    return env


def time_forwards(torch, fn, device, warmup, repeats):
    """Milliseconds of each timed call of fn: CUDA events on a GPU, perf_counter on the CPU."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        if device == "cuda":
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end))
        else:
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1e3)
    return times


def run(args):
    import torch
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "weights-converter"))
    from timm_import import import_timm
    timm = import_timm()
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("pytorch_baseline: no CUDA device visible to torch; use --device cpu for a dry run")
    dtype = getattr(torch, args.dtype)
    torch.manual_seed(1)
    records = []
    for name in args.models:
        model = timm.create_model(name, pretrained=False).eval().to(device=args.device, dtype=dtype)
        model_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
        for mode in args.modes:
            runner = model
            if mode == "compile":
                try:
                    runner = torch.compile(model)
                except Exception as e:  # noqa: BLE001 - any failure is the peer's result, not ours
                    for b in args.batches:
                        records.append(record(name, mode, b, args.dtype, model_bytes=model_bytes, error=f"{type(e).__name__}: {e}"[:500]))
                    continue
            for b in args.batches:
                images = torch.randn(b, 3, 224, 224, device=args.device, dtype=dtype)
                print(f"pytorch_baseline: {name} {mode} batch {b}", file=sys.stderr, flush=True)
                try:
                    if args.device == "cuda":
                        torch.cuda.reset_peak_memory_stats()
                    with torch.inference_mode():
                        times = time_forwards(torch, lambda: runner(images), args.device, args.warmup, args.repeats)
                    memory = torch.cuda.max_memory_allocated() if args.device == "cuda" else None
                    records.append(record(name, mode, b, args.dtype, times, memory, model_bytes))
                except Exception as e:  # noqa: BLE001 - torch.compile fails at the first call on some setups
                    records.append(record(name, mode, b, args.dtype, model_bytes=model_bytes, error=f"{type(e).__name__}: {e}"[:500]))
        del model
    return {"schema": SCHEMA, "environment": environment(torch, timm, args.device, args.dtype),
            "method": f"{args.warmup} warm-up and {args.repeats} timed forwards, inference_mode, one random input on the device; median;"
                      f" latency p50/p99 by nearest rank at batch 1; {'CUDA events' if args.device == 'cuda' else 'perf_counter'}",
            "records": records}


def write_atomically(path, result):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path), suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp's file is private; the result is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def summary(result):
    lines = [f"{result['environment']['device']} | torch {result['environment']['torch']} | {result['environment']['dtype']}",
             "| model | mode | batch | images/s | median ms | p99 ms (b1) | error |", "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for r in result["records"]:
        ips = f"{r['images_per_s']:.1f}" if r["images_per_s"] else ""
        med = f"{r['median_ms']:.2f}" if r["median_ms"] else ""
        p99 = f"{r['latency_p99_ms']:.2f}" if r["latency_p99_ms"] else ""
        lines.append(f"| {r['model']} | {r['mode']} | {r['batch']} | {ips} | {med} | {p99} | {(r['error'] or '')[:80]} |")
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    result = run(args)
    write_atomically(args.out, result)
    print(f"pytorch_baseline: wrote {args.out}", file=sys.stderr)
    print(summary(result))


if __name__ == "__main__":
    main()
