"""Tests of bench/pytorch_baseline.py: its options, the JSON that `qvit bench --peer` reads, and (where
torch and timm import) a CPU dry run of one small model.

    python -m unittest bench/test_pytorch_baseline.py
"""
import contextlib
import io
import json
import os
import random
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_baseline as pb  # noqa: E402


def torch_available():
    try:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "weights-converter"))
        from timm_import import import_timm
        import_timm()
        return True
    except Exception:  # noqa: BLE001 - any import failure means: skip
        return False


class Options(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp()
        self.out = os.path.join(self.folder, "peer.json")

    def rejects(self, *argv):
        with contextlib.redirect_stderr(io.StringIO()) as err, self.assertRaises(SystemExit) as e:
            pb.parse_args(list(argv))
        self.assertEqual(2, e.exception.code, argv)
        return err.getvalue()

    def test_defaults(self):
        a = pb.parse_args(["--out", self.out])
        self.assertEqual([1, 64, 256], a.batches)
        self.assertEqual(["eager", "compile"], a.modes)
        self.assertEqual(("cuda", "float16"), (a.device, a.dtype))
        self.assertEqual(pb.MODELS.split(","), a.models)
        self.assertEqual("float32", pb.parse_args(["--device", "cpu", "--out", self.out]).dtype)

    def test_bad_values_name_the_option(self):
        for argv, option in [(["--batches", "0"], "--batches"), (["--batches", "1,x"], "--batches"), (["--batches", "2,2"], "--batches"),
                             (["--modes", "jit"], "--modes"), (["--models", "a,,b"], "--models"), (["--device", "tpu"], "--device"),
                             (["--repeats", "0"], "--repeats"), (["--dtype", "int8"], "--dtype")]:
            self.assertIn(option, self.rejects(*argv, "--out", self.out), argv)
        self.assertIn("--out", self.rejects("--out", os.path.join(self.folder, "no", "peer.json")))
        self.assertIn("--out", self.rejects())


class Records(unittest.TestCase):
    def test_record_fields(self):
        rnd = random.Random(3)
        times = [rnd.uniform(1, 9) for _ in range(101)]
        r = pb.record("deit_small_patch16_224", "eager", 1, "float16", times, 123, 456)
        ordered = sorted(times)
        self.assertEqual(ordered[50], r["median_ms"])
        self.assertEqual(ordered[99], r["latency_p99_ms"])  # nearest rank: ceil(0.99 * 101) = 100th
        self.assertAlmostEqual(1e3 / ordered[50], r["images_per_s"])
        self.assertEqual((101, 123, 456, None), (r["samples"], r["memory_bytes"], r["model_bytes"], r["error"]))
        big = pb.record("m", "compile", 64, "float16", times)
        self.assertIsNone(big["latency_p50_ms"])
        self.assertAlmostEqual(64e3 / ordered[50], big["images_per_s"])
        failed = pb.record("m", "compile", 64, "float16", error="RuntimeError: no triton")
        self.assertEqual((None, None, 0, "RuntimeError: no triton"), (failed["images_per_s"], failed["median_ms"], failed["samples"], failed["error"]))


@unittest.skipUnless(torch_available(), "torch and timm do not import here")
class CpuDryRun(unittest.TestCase):
    def test_writes_what_qvit_reads(self):
        out = os.path.join(tempfile.mkdtemp(), "peer.json")
        with contextlib.redirect_stdout(io.StringIO()) as printed, contextlib.redirect_stderr(io.StringIO()):
            pb.main(["--device", "cpu", "--models", "vit_tiny_patch16_224", "--batches", "1,2", "--modes", "eager",
                     "--warmup", "1", "--repeats", "2", "--out", out])
        with open(out) as f:
            result = json.load(f)
        self.assertEqual(pb.SCHEMA, result["schema"])
        self.assertEqual("cpu", result["environment"]["driver"])
        self.assertEqual([(r["model"], r["mode"], r["batch"]) for r in result["records"]],
                         [("vit_tiny_patch16_224", "eager", 1), ("vit_tiny_patch16_224", "eager", 2)])
        for r in result["records"]:
            self.assertGreater(r["images_per_s"], 0)
            self.assertEqual(2, r["samples"])
            self.assertEqual(4 * 5717416, r["model_bytes"])  # vit_tiny's parameters in float32
        self.assertEqual([], [f for f in os.listdir(os.path.dirname(out)) if f.endswith(".part")])
        self.assertIn("| vit_tiny_patch16_224 | eager | 2 |", printed.getvalue().splitlines()[-1])


if __name__ == "__main__":
    unittest.main()
