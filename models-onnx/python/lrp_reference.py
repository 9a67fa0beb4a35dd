"""Independent NumPy reference for epsilon-LRP (METHODS section 2) on two reference models.

Reads only the exported ONNX weights (onnx.numpy_helper) and the golden inputs, recomputes the
forward pass in float64 from the PyTorch model definitions (not from the ONNX graph's op
sequence), and propagates relevance with plain NumPy:

* epsilon rule, METHODS section 2 convention: for z_j = sum_i a_i w_ij + b_j,
  R_{i<-j} = R_j * (a_i w_ij + (delta * b_j + eps * s_j) / N) / (z_j + eps * s_j),
  s_j = sign(z_j) with sign(0) = +1, N = number of inputs of the layer;
* element-wise maps (input standardisation, ReLU) pass relevance through;
* LSTM (Arras et al. 2017): gates get nothing; R_c += R_h; c = f*c' + i*g is split by the epsilon
  rule with identity weights over its N = 2 addends (no bias); R_g flows through the cell
  candidate's pre-activation W_g x + R_g h' + b_g by the epsilon rule (N = inputs + hidden);
  the backward direction runs on the reversed sequence, and the relevance of its output at time p
  enters at reversed step T-1-p.

Start: the target's logit (target = the float64 model's predicted class).
Writes explain4j/golden/<name>.lrp.json for breast_cancer_mlp and synthetic_bilstm, two settings
each (eps 0.01 / delta 0, the clinical thesis's choice, and eps 0.001 / delta 1).
Run from the repository root with /usr/bin/python3 (Debian python3-numpy, python3-onnx).
"""
import json
import os

import numpy as np
import onnx
from onnx import numpy_helper

RES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources", "explain4j")
SETTINGS = [(0.01, 0.0), (0.001, 1.0)]


def weights(name):
    m = onnx.load(os.path.join(RES, "models", name, name + ".onnx"))
    return {t.name: numpy_helper.to_array(t).astype(np.float64) for t in m.graph.initializer}


def golden_inputs(name):
    with open(os.path.join(RES, "golden", name + ".golden.json")) as f:
        g = json.load(f)
    shape = tuple(g["input_shape"])
    return [np.array(s["x"], dtype=np.float32).astype(np.float64).reshape(shape) for s in g["samples"]]


def lrp_linear(a, w, b, r_out, eps, delta):
    """a [in], w [in, out], b [out] or None, r_out [out] -> r_in [in] (epsilon rule)."""
    b = np.zeros(w.shape[1]) if b is None else b
    z = a @ w + b
    s = np.where(z >= 0, 1.0, -1.0)
    den = z + eps * s
    n = a.shape[0]
    numer = a[:, None] * w + ((delta * b + eps * s) / n)[None, :]
    return (numer / den[None, :] * r_out[None, :]).sum(axis=1)


def start(y, target):
    r = np.zeros_like(y)
    r[target] = y[target]
    return r


# --------------------------------------------------------------------------- MLP

def mlp(x, p, eps, delta):
    z0 = (x - p["mean"]) / p["std"]
    a1 = np.maximum(z0 @ p["net.0.weight"].T + p["net.0.bias"], 0)
    a2 = np.maximum(a1 @ p["net.2.weight"].T + p["net.2.bias"], 0)
    y = a2 @ p["net.4.weight"].T + p["net.4.bias"]
    target = int(np.argmax(y))
    r = start(y, target)
    r = lrp_linear(a2, p["net.4.weight"].T, p["net.4.bias"], r, eps, delta)
    r = lrp_linear(a1, p["net.2.weight"].T, p["net.2.bias"], r, eps, delta)
    r = lrp_linear(z0, p["net.0.weight"].T, p["net.0.bias"], r, eps, delta)
    return y, target, r  # standardisation is element-wise: relevance of z0 is relevance of x


# --------------------------------------------------------------------------- BiLSTM

def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def lstm_direction(xs, w, rr, b, hidden):
    """xs [T, I] in processing order; ONNX gate blocks i, o, f, c. Returns per-step states."""
    wb, rb = b[:4 * hidden], b[4 * hidden:]
    h = np.zeros(hidden)
    c = np.zeros(hidden)
    out = {"i": [], "f": [], "g": [], "c": [], "h": [], "h_prev": [], "c_prev": []}
    for x in xs:
        pre = w @ x + rr @ h + wb + rb
        i = sigmoid(pre[0:hidden])
        o = sigmoid(pre[hidden:2 * hidden])
        f = sigmoid(pre[2 * hidden:3 * hidden])
        g = np.tanh(pre[3 * hidden:4 * hidden])
        out["h_prev"].append(h)
        out["c_prev"].append(c)
        c = f * c + i * g
        h = o * np.tanh(c)
        for k, v in (("i", i), ("f", f), ("g", g), ("c", c), ("h", h)):
            out[k].append(v)
    return out


def lstm_direction_lrp(xs, st, w, rr, b, hidden, rh_steps, eps, delta):
    """Arras rule back through one direction; rh_steps [T, H] relevance arriving at each h."""
    steps, inputs = xs.shape
    wg = np.concatenate([w[3 * hidden:4 * hidden], rr[3 * hidden:4 * hidden]], axis=1)  # [H, I + H]
    bg = b[3 * hidden:4 * hidden] + b[4 * hidden + 3 * hidden:4 * hidden + 4 * hidden]
    rx = np.zeros_like(xs)
    rh = np.zeros(hidden)
    rc = np.zeros(hidden)
    for t in range(steps - 1, -1, -1):
        rh = rh + rh_steps[t]
        rc = rc + rh
        fc = st["f"][t] * st["c_prev"][t]
        ig = st["i"][t] * st["g"][t]
        z = st["c"][t]
        s = np.where(z >= 0, 1.0, -1.0)
        den = z + eps * s
        rc_prev = (fc + eps * s / 2) / den * rc
        rg = (ig + eps * s / 2) / den * rc
        a = np.concatenate([xs[t], st["h_prev"][t]])
        r_in = lrp_linear(a, wg.T, bg, rg, eps, delta)
        rx[t] = r_in[:inputs]
        rh = r_in[inputs:]
        rc = rc_prev
    return rx


def bilstm(x, p, eps, delta):
    hidden = 8
    w, rr, b = p["onnx::LSTM_213"], p["onnx::LSTM_214"], p["onnx::LSTM_212"]
    steps = x.shape[0]
    fwd = lstm_direction(x, w[0], rr[0], b[0], hidden)
    xr = x[::-1]
    bwd = lstm_direction(xr, w[1], rr[1], b[1], hidden)
    # PyTorch: o[:, t, 8:] is the backward state at time t = after reversed step T-1-t
    h = np.concatenate([fwd["h"][steps - 1], bwd["h"][steps - 1 - 0]])
    y = p["fc.weight"] @ h + p["fc.bias"]
    target = int(np.argmax(y))
    rh = lrp_linear(h, p["fc.weight"].T, p["fc.bias"], start(y, target), eps, delta)
    rh_f = np.zeros((steps, hidden))
    rh_f[steps - 1] = rh[:hidden]
    rh_b = np.zeros((steps, hidden))
    rh_b[steps - 1 - 0] = rh[hidden:]  # output at time p = 0 enters at reversed step T-1-0
    rx_f = lstm_direction_lrp(x, fwd, w[0], rr[0], b[0], hidden, rh_f, eps, delta)
    rx_b = lstm_direction_lrp(xr, bwd, w[1], rr[1], b[1], hidden, rh_b, eps, delta)[::-1]
    return y, target, rx_f + rx_b


def write(name, fn):
    p = weights(name)
    xs = golden_inputs(name)
    settings = []
    for eps, delta in SETTINGS:
        samples = []
        for x in xs:
            y, target, r = fn(x, p, eps, delta)
            samples.append({"target": target, "logit": float(y[target]),
                            "relevance": [float(v) for v in r.reshape(-1)],
                            "relevance_sum": float(r.sum())})
            print("  %s eps=%g delta=%g target=%d logit=%.6f sum R=%.6f" % (
                name, eps, delta, target, y[target], r.sum()))
        settings.append({"epsilon": eps, "bias_factor": delta, "samples": samples})
    out = {"model": name, "method": "lrp", "rule": "epsilon", "output_init": "logit",
           "inputs": "the samples of " + name + ".golden.json, in order",
           "script": "models-onnx/python/lrp_reference.py", "settings": settings}
    path = os.path.join(RES, "golden", name + ".lrp.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    write("breast_cancer_mlp", mlp)
    write("synthetic_bilstm", bilstm)
