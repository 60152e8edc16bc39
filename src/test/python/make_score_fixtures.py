"""Writes the expected OOD scores that qvit's io.qvit.ood must reproduce, computed independently.

Run from the repository root:  /work/pyenv/bin/python src/test/python/make_score_fixtures.py
Writes src/test/resources/fixtures/scores/scores.safetensors: random inputs (a seeded numpy RNG) and,
for every score, the expected values computed with numpy / scipy / scikit-learn / torch the way
OpenOOD's postprocessors (openood/postprocessors/*.py) compute them.

Inputs, all float32: a head (head.weight [C, D], head.bias [C]); an ID fit set of C Gaussian classes
with a shared non-diagonal covariance (fit.features, fit.logits, fit.labels); an ID validation set for
temperature scaling (val.logits, val.labels); a test set of ID samples followed by samples from a
shifted, wider Gaussian (test.features, test.logits). Logits are features @ W.T + b in float32, as
the model computes them. Expected scores are float64 (expected.<name>), computed from the float32
inputs cast to float64, so that Java (also double inside) can be held to a tight tolerance. Fitted
values (temperature, ViM alpha, ReAct threshold) and the settings used are in the metadata.

Deliberate differences from OpenOOD, all order-preserving or below float32 resolution:
- KNN is -(Euclidean distance) to the K-th neighbour; OpenOOD (faiss IndexFlatL2) returns the
  negative squared distance and adds 1e-10 to normalised features.
- ViM uses np.linalg.eigh where OpenOOD calls np.linalg.eig on the (symmetric) covariance, and the
  covariance in float64 where OpenOOD's assume_centered path keeps float32.
- Temperature scaling minimises the NLL with scipy's bounded Brent search on log T in [0.05, 20]
  instead of OpenOOD's 50 L-BFGS steps from T = 1.5, which may stop short of the minimum.
"""
import os

import numpy as np
import torch
from safetensors.numpy import save_file
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp
from sklearn.covariance import EmpiricalCovariance

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, "src/test/resources/fixtures/scores")
RNG = np.random.default_rng(20240703)

D, C = 48, 10
N_FIT, N_VAL, N_ID_TEST, N_OOD_TEST = 400, 200, 40, 40
K, VIM_DIM, PERCENTILE, GAMMA, TOP_M, SMALL_TOP_M, ENERGY_T = 50, 24, 90.0, 0.1, 100, 4, 2.0


def f32(a):
    return np.asarray(a, dtype=np.float32)


A = RNG.normal(size=(D, D)) / np.sqrt(D)
SIGMA = A @ A.T + 0.1 * np.eye(D)
CHOL = np.linalg.cholesky(SIGMA)
MEANS = RNG.normal(scale=1.5, size=(C, D))
W = f32(RNG.normal(scale=1 / np.sqrt(D), size=(C, D)) + 0.3 * MEANS / np.linalg.norm(MEANS, axis=1, keepdims=True))
B = f32(RNG.normal(scale=0.5, size=C))


def gaussian_classes(n):
    labels = RNG.integers(0, C, size=n)
    labels[:C] = np.arange(C)  # every class present
    x = MEANS[labels] + RNG.normal(size=(n, D)) @ CHOL.T
    return f32(x), labels.astype(np.int32)


def logits_of(x):
    return (torch.from_numpy(x) @ torch.from_numpy(W).T + torch.from_numpy(B)).numpy()


fit_x, fit_y = gaussian_classes(N_FIT)
val_x, val_y = gaussian_classes(N_VAL)
id_x, _ = gaussian_classes(N_ID_TEST)
ood_x = f32(1.0 + 1.8 * RNG.normal(size=(N_OOD_TEST, D)) @ CHOL.T)
test_x = np.concatenate([id_x, ood_x])
fit_z, val_z, test_z = logits_of(fit_x), logits_of(val_x), logits_of(test_x)

# Everything below runs in float64 on the float32 inputs.
fx, tx, tz, vz = (a.astype(np.float64) for a in (fit_x, test_x, test_z, val_z))
Wd, Bd = W.astype(np.float64), B.astype(np.float64)
expected = {}

# --- logit scores (msp, maxlogit, ebo, entropy, gen postprocessors) ---
probs = torch.softmax(torch.from_numpy(tz), dim=1)
expected["msp"] = probs.max(dim=1).values.numpy()
expected["maxlogit"] = tz.max(axis=1)
expected["energy"] = logsumexp(tz, axis=1)
expected["energy_t2"] = ENERGY_T * logsumexp(tz / ENERGY_T, axis=1)
expected["entropy"] = (probs * torch.log(probs)).sum(dim=1).numpy()


def generalized_entropy(p, gamma, m):
    top = torch.sort(p, dim=1)[0][:, -m:]
    return -torch.sum(top ** gamma * (1 - top) ** gamma, dim=1).numpy()


expected["gen"] = generalized_entropy(probs, GAMMA, TOP_M)
expected["gen_top4"] = generalized_entropy(probs, GAMMA, SMALL_TOP_M)


# --- temperature scaling ---
def nll(log_t):
    t = np.exp(log_t)
    return np.mean(logsumexp(vz / t, axis=1) - vz[np.arange(N_VAL), val_y] / t)


temperature = float(np.exp(minimize_scalar(nll, bounds=(np.log(0.05), np.log(20)), method="bounded",
                                           options={"xatol": 1e-12}).x))
expected["tempscale"] = torch.softmax(torch.from_numpy(tz / temperature), dim=1).max(dim=1).values.numpy()

# --- MDS and RMDS (mds_postprocessor.py, rmds_postprocessor.py) ---
class_means = np.stack([fx[fit_y == c].mean(0) for c in range(C)])
centred = np.concatenate([fx[fit_y == c] - class_means[c] for c in range(C)])
precision = EmpiricalCovariance(assume_centered=False).fit(centred).precision_
class_md = np.stack([np.einsum("nd,de,ne->n", tx - class_means[c], precision, tx - class_means[c]) for c in range(C)], 1)
expected["mds"] = np.max(-class_md, axis=1)
whole_mean = fx.mean(0)
whole_precision = EmpiricalCovariance(assume_centered=False).fit(fx - whole_mean).precision_
background = np.einsum("nd,de,ne->n", tx - whole_mean, whole_precision, tx - whole_mean)
expected["rmds"] = np.max(-(class_md - background[:, None]), axis=1)

# --- KNN (knn_postprocessor.py, brute force instead of faiss) ---
bank = fx / np.linalg.norm(fx, axis=1, keepdims=True)
queries = tx / np.linalg.norm(tx, axis=1, keepdims=True)
squared = ((queries[:, None, :] - bank[None, :, :]) ** 2).sum(-1)
expected["knn"] = -np.sqrt(np.sort(squared, axis=1)[:, K - 1])

# --- ViM (vim_postprocessor.py) ---
u = -np.linalg.pinv(Wd) @ Bd
cov = EmpiricalCovariance(assume_centered=True).fit(fx - u).covariance_
eig_vals, eig_vecs = np.linalg.eigh(cov)
NS = np.ascontiguousarray(eig_vecs.T[np.argsort(eig_vals * -1)[VIM_DIM:]].T)
alpha = fit_z.astype(np.float64).max(axis=-1).mean() / np.linalg.norm((fx - u) @ NS, axis=-1).mean()
expected["vim"] = -np.linalg.norm((tx - u) @ NS, axis=-1) * alpha + logsumexp(tz, axis=-1)

# --- ReAct (react_postprocessor.py: clip the head's input, then energy) ---
threshold = float(np.percentile(fx.flatten(), PERCENTILE))
expected["react"] = logsumexp(np.minimum(tx, threshold) @ Wd.T + Bd, axis=1)

tensors = {"head.weight": W, "head.bias": B, "fit.features": fit_x, "fit.logits": fit_z, "fit.labels": fit_y,
           "val.logits": val_z, "val.labels": val_y, "test.features": test_x, "test.logits": test_z}
tensors.update({"expected." + k: np.ascontiguousarray(v, dtype=np.float64) for k, v in expected.items()})
meta = {"k": K, "vim_dim": VIM_DIM, "react_percentile": PERCENTILE, "gen_gamma": GAMMA, "gen_top_m": TOP_M,
        "gen_small_top_m": SMALL_TOP_M, "energy_t": ENERGY_T, "ood_from": N_ID_TEST, "temperature": temperature,
        "vim_alpha": alpha, "react_threshold": threshold}
os.makedirs(OUT, exist_ok=True)
save_file(tensors, os.path.join(OUT, "scores.safetensors"), metadata={k: repr(float(v)) for k, v in meta.items()})
print("wrote", os.path.join(OUT, "scores.safetensors"), {k: round(float(v), 6) for k, v in meta.items()})
