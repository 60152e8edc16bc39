"""Writes the scikit-learn/numpy fixtures that pin qvit's OOD and ID metrics and its .npy reader.

Run from the repository root:  /work/pyenv/bin/python src/test/python/make_metric_fixtures.py
Writes
- src/test/resources/fixtures/metrics/ood_cases.json: ID and OOD scores (higher = more ID) with the
  expected auroc, aupr_in, aupr_out and fpr95 from scikit-learn, following OpenOOD v1.5's
  auc_and_fpr_recall (OOD positive, score negated; AUPR as auc(recall, precision));
- src/test/resources/fixtures/metrics/id_cases.json: labels and the expected top1, top5, ece, nll,
  brier and aurc from numpy, by the formulas IdMetrics documents, for logits or probabilities
  stored as float32 [N, C] in id_NAME.npy (binary keeps the 1000-class case small);
- src/test/resources/fixtures/metrics/cli_id.npy and cli_ood.txt: one OOD case's scores as np.save
  and np.savetxt write them, for the `qvit metrics` test;
- src/test/resources/fixtures/npy/: .npy files written by numpy (every supported dtype and format
  version, and ones qvit must refuse) with manifest.json giving each file's shape and values or the
  word its error must contain.

Every number comes from a seeded numpy RNG, so the fixtures are reproducible; no expected value is
typed by hand.
"""
import json
import os

import numpy as np
import sklearn
from sklearn import metrics

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
METRICS = os.path.join(ROOT, "src/test/resources/fixtures/metrics")
NPY = os.path.join(ROOT, "src/test/resources/fixtures/npy")
RNG = np.random.default_rng(20240923)
ECE_BINS = 15


def ood_expected(id_scores, ood_scores):
    """OpenOOD v1.5's conventions, written out: OOD is the positive class, scored by -score."""
    conf = np.concatenate([id_scores, ood_scores])
    is_ood = np.concatenate([np.zeros(len(id_scores), int), np.ones(len(ood_scores), int)])
    fpr, tpr, _ = metrics.roc_curve(is_ood, -conf)
    precision_in, recall_in, _ = metrics.precision_recall_curve(1 - is_ood, conf)
    precision_out, recall_out, _ = metrics.precision_recall_curve(is_ood, -conf)
    auroc = metrics.auc(fpr, tpr)
    assert abs(auroc - metrics.roc_auc_score(is_ood, -conf)) < 1e-12
    return {"auroc": auroc, "aupr_in": metrics.auc(recall_in, precision_in),
            "aupr_out": metrics.auc(recall_out, precision_out), "fpr95": float(fpr[np.argmax(tpr >= 0.95)])}


def ood_cases():
    saturated = lambda n, ones: np.where(RNG.random(n) < ones, 1.0, np.round(RNG.beta(5, 2, n), 2))
    specs = {
        "random_continuous": (RNG.normal(1.0, 1.0, 500), RNG.normal(0.0, 1.0, 400)),
        # a saturated max-softmax: many exact 1.0s, the rest rounded to 2 decimals
        "tied_saturated": (saturated(300, 0.6), saturated(200, 0.25)),
        "tied_one_decimal": (np.round(RNG.normal(0.3, 0.5, 250), 1), np.round(RNG.normal(0.0, 0.5, 250), 1)),
        "unbalanced_1000_id_37_ood": (np.round(RNG.normal(0.5, 1.0, 1000), 3), np.round(RNG.normal(-0.5, 1.0, 37), 3)),
        "unbalanced_37_id_1000_ood": (RNG.normal(0.5, 1.0, 37), RNG.normal(-0.5, 1.0, 1000)),
        "perfectly_separated": (RNG.uniform(1.0, 2.0, 40), RNG.uniform(0.0, 0.5, 30)),
        "fully_inverted": (RNG.uniform(0.0, 0.5, 40), RNG.uniform(1.0, 2.0, 30)),
        "all_equal": (np.full(20, 0.5), np.full(13, 0.5)),
        "one_each": (np.array([0.7]), np.array([0.2])),
        "signed_zeros_tie": (np.array([0.0, -0.0, 1.0, -1.0]), np.array([-0.0, 0.0, -1.0])),
    }
    return [dict(name=name, id=list(map(float, i)), ood=list(map(float, o)), **ood_expected(i, o))
            for name, (i, o) in specs.items()]


def aurc(confidence, correct):
    """Mean risk over coverages k/N, highest confidence first; tied confidences by expectation."""
    order = np.argsort(-confidence, kind="stable")
    conf, err = confidence[order], (~correct[order]).astype(np.float64)
    total, before, start = 0.0, 0.0, 0
    while start < len(conf):
        end = start
        while end < len(conf) and conf[end] == conf[start]:
            end += 1
        m, e = end - start, err[start:end].sum()
        j = np.arange(1, m + 1)
        total += np.sum((before + j * e / m) / (start + j))
        before += e
        start = end
    return total / len(conf)


def id_expected(values, labels, kind):
    n, c = values.shape
    rank = np.argmax(np.argsort(-values, axis=1, kind="stable") == labels[:, None], axis=1)
    if kind == "logits":
        x = values.astype(np.float64)
        m = x.max(axis=1)
        s = np.exp(x - m[:, None]).sum(axis=1)
        p = np.exp(x - m[:, None]) / s[:, None]
        nll = np.log(s) + m - x[np.arange(n), labels]
    else:
        p = values.astype(np.float64)
        nll = -np.log(p[np.arange(n), labels])
    confidence, correct = p.max(axis=1), rank == 0
    edges = np.arange(ECE_BINS + 1) / ECE_BINS
    bins = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, ECE_BINS - 1)  # (lo, hi]
    ece = sum(np.mean(bins == b) * abs(correct[bins == b].mean() - confidence[bins == b].mean())
              for b in range(ECE_BINS) if np.any(bins == b))
    onehot = np.eye(c)[labels]
    result = {"top1": float(np.mean(rank == 0)), "top5": float(np.mean(rank < min(5, c))), "ece": float(ece),
              "nll": float(nll.mean()), "brier": float(np.mean(np.sum((p - onehot) ** 2, axis=1))),
              "aurc": float(aurc(confidence, correct))}
    if len(np.unique(confidence)) == n:  # no ties: the plain definition must agree
        err = ~correct[np.argsort(-confidence)]
        assert abs(result["aurc"] - np.mean(np.cumsum(err) / np.arange(1, n + 1))) < 1e-12
    return result


def noisy_logits(n, c, scale, hit_rate):
    """Logits whose argmax is the label about hit_rate of the time."""
    labels = RNG.integers(0, c, n)
    logits = RNG.normal(0, 1, (n, c))
    hit = RNG.random(n) < hit_rate
    logits[np.arange(n)[hit], labels[hit]] += 2.5
    return (scale * logits).astype(np.float32), labels


def id_case(name, kind, values, labels):
    np.save(os.path.join(METRICS, "id_" + name + ".npy"), values)
    return dict(name=name, kind=kind, values="id_" + name + ".npy", labels=labels.tolist(),
                **id_expected(values, labels, kind))


def id_cases():
    cases = []
    for name, n, c, scale, rate in [("random_10_classes", 300, 10, 1.5, 0.7), ("saturated_10_classes", 200, 10, 40.0, 0.8),
                                    ("three_classes", 150, 3, 1.0, 0.6), ("imagenet_sized", 32, 1000, 3.0, 0.75)]:
        logits, labels = noisy_logits(n, c, scale, rate)
        cases.append(id_case(name, "logits", logits, labels))
    logits, labels = noisy_logits(120, 7, 1.0, 0.6)
    x = logits.astype(np.float64)
    probabilities = (np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)).astype(np.float32)
    cases.append(id_case("probabilities_7_classes", "probabilities", probabilities, labels))
    return cases


def npy_fixtures():
    os.makedirs(NPY, exist_ok=True)
    entries = []

    def save(name, array, version=None, error=None):
        path = os.path.join(NPY, name)
        with open(path, "wb") as f:
            np.lib.format.write_array(f, array, version=version)
        entry = {"file": name}
        if error:
            entry["error"] = error
        else:
            entry.update(shape=list(array.shape), values=[float(v) for v in np.ravel(array, order="C")])
        entries.append(entry)

    save("f4_2d.npy", RNG.normal(0, 1, (3, 4)).astype("<f4"))
    save("f8_1d.npy", np.array([0.1, -2.5e-300, 1e300, np.pi, -0.0], dtype="<f8"))
    save("i4_1d.npy", RNG.integers(-2**31, 2**31, 7).astype("<i4"))
    save("i8_2d.npy", np.array([[2**53, -7], [0, 2**40 + 3]], dtype="<i8"))
    save("f4_one_column.npy", RNG.normal(0, 1, (5, 1)).astype("<f4"))
    save("f4_empty.npy", np.zeros(0, dtype="<f4"))
    save("v2_f4.npy", RNG.normal(0, 1, 6).astype("<f4"), version=(2, 0))
    save("v3_f8.npy", RNG.normal(0, 1, (2, 3)), version=(3, 0))
    save("fortran_order.npy", np.asfortranarray(RNG.normal(0, 1, (2, 3)).astype("<f4")), error="Fortran")
    save("big_endian.npy", RNG.normal(0, 1, 4).astype(">f4"), error="big-endian")
    save("uint8.npy", np.arange(4, dtype=np.uint8), error="|u1")
    save("three_d.npy", np.zeros((2, 2, 2), dtype="<f4"), error="3 dimensions")
    save("scalar.npy", np.array(1.5, dtype="<f4"), error="0 dimensions")
    with open(os.path.join(NPY, "manifest.json"), "w") as f:
        json.dump({"numpy": np.__version__, "files": entries}, f, indent=1)


def main():
    os.makedirs(METRICS, exist_ok=True)
    ood = ood_cases()
    versions = {"numpy": np.__version__, "scikit-learn": sklearn.__version__}
    with open(os.path.join(METRICS, "ood_cases.json"), "w") as f:
        json.dump({**versions, "cases": ood}, f)
    with open(os.path.join(METRICS, "id_cases.json"), "w") as f:
        json.dump({**versions, "cases": id_cases()}, f)
    tied = next(c for c in ood if c["name"] == "tied_saturated")
    np.save(os.path.join(METRICS, "cli_id.npy"), np.array(tied["id"], dtype=np.float64))
    np.savetxt(os.path.join(METRICS, "cli_ood.txt"), np.array(tied["ood"]))
    npy_fixtures()


if __name__ == "__main__":
    main()
