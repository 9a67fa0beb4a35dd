"""Shared helpers for the explain4j reference models (PyTorch 1.13, ONNX 1.12, NumPy).

What is here
------------
* ``setup(seed)``: seeds + 2 CPU threads + deterministic algorithms.
* ``export_forward``: the forward ONNX graph (input ``x`` with a dynamic batch dim, output ``y``).
* ``build_grad_module`` / ``export_grad``: a *gradient graph* with a fixed batch ``B``: inputs
  ``x`` [B,...] and ``w`` [B,C] (cotangent), outputs ``y`` [B,C] (logits) and
  ``grad_x`` = d(sum(w*y))/dx, i.e. the per-sample vector-Jacobian product ``w . dy/dx``.
  It is obtained by tracing ``torch.autograd.grad`` with
  ``torch.fx.experimental.proxy_tensor.make_fx`` and a decomposition table that rewrites
  every ``*_backward`` aten op into forward ops that ``torch.onnx.export`` can handle
  (``GRAD_DECOMPOSITIONS``; see the custom ones below for conv, max-pool, select, slice and
  eval-mode batch norm).
* ``export_torchscript``: ``torch.jit.trace`` of the forward model.
* ``golden``: float64 reference values (logits, softmax, gradients of logits and
  probabilities, Integrated Gradients) computed with plain PyTorch autograd.
* ``write_sidecar`` and ``save_npy``.

Integrated Gradients (exactly as Captum defines it)
---------------------------------------------------
    attr = (x - x') * sum_k s_k * grad S(x' + alpha_k (x - x'))
with S the target *logit* and x' = 0 (zero baseline), and these nodes/weights:
* ``gausslegendre_n``:     (t, v) = numpy.polynomial.legendre.leggauss(n);
                           alpha = (t + 1) / 2,  s = v / 2
* ``riemann_trapezoid_n``: alpha = linspace(0, 1, n);  s_k = 1/(n-1), with s_0 and s_{n-1} halved
* ``riemann_middle_n``:    alpha_k = (k + 0.5) / n;    s_k = 1/n
* ``riemann_left_n`` / ``riemann_right_n`` (not in the golden files): alpha_k = k/n resp. (k+1)/n,
  s_k = 1/n.
"""
import json
import os
import random
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from torch._decomp import get_decompositions
from torch.fx.experimental.proxy_tensor import make_fx

aten = torch.ops.aten

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RES_DIR = os.path.join(REPO_ROOT, "models-onnx", "src", "main", "resources", "explain4j")
MODELS_DIR = os.path.join(RES_DIR, "models")
GOLDEN_DIR = os.path.join(RES_DIR, "golden")
DATA_DIR = os.path.join(RES_DIR, "data")

# known, harmless exporter noise (results are verified with ONNX Runtime by CheckOnnx.java)
for _msg in ("It is recommended that constant folding be turned off",
             "The shape inference of prim::Constant type is missing",
             "Constant folding - Only steps=1 can be constant folded",
             "Exporting a model to ONNX with a batch_size other than 1"):
    warnings.filterwarnings("ignore", message=_msg)

OPSET = 14
GRAD_BATCH = 32


def setup(seed=0):
    """Seed everything, 2 threads, deterministic kernels."""
    torch.set_num_threads(2)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def model_dir(name):
    d = os.path.join(MODELS_DIR, name)
    os.makedirs(d, exist_ok=True)
    return d


def rel(path):
    """Path relative to the repository root (for the sidecar)."""
    return os.path.relpath(path, REPO_ROOT)


# --------------------------------------------------------------------------------------------
# Decompositions of backward ops into ONNX-exportable forward ops
# --------------------------------------------------------------------------------------------

def _conv_backward(grad_output, input, weight, bias_sizes, stride, padding, dilation,
                   transposed, output_padding, groups, output_mask):
    """Input gradient of a (non-transposed) convolution as a transposed convolution.

    Parameters must not require gradients (output_mask[1] and [2] False)."""
    if transposed:
        raise NotImplementedError("convolution_backward of a transposed convolution")
    if output_mask[1] or output_mask[2]:
        raise NotImplementedError("weight/bias gradients: call requires_grad_(False) on the model")
    if not output_mask[0]:
        return (None, None, None)
    nd = input.dim() - 2
    k = weight.shape[2:]
    out_pad = []
    for i in range(nd):
        l_in, l_out = input.shape[2 + i], grad_output.shape[2 + i]
        full = (l_out - 1) * stride[i] - 2 * padding[i] + dilation[i] * (k[i] - 1) + 1
        out_pad.append(l_in - full)
    gi = aten.convolution(grad_output, weight, None, stride, padding, dilation, True,
                          out_pad, groups)
    return (gi, None, None)


def _max_pool2d_backward(grad_output, self, kernel_size, stride, padding, dilation, ceil_mode,
                         indices):
    """Max-pool input gradient for NON-overlapping windows (kernel == stride, no padding,
    dilation 1, floor mode). The arg-max is recomputed from the input with ``argmax`` (first
    maximum wins, as in PyTorch and ONNX ArgMax), so the ONNX graph needs no MaxPool indices."""
    kh, kw = (kernel_size * 2)[:2] if len(kernel_size) == 1 else kernel_size
    st = stride if len(stride) else kernel_size
    sh, sw = (st * 2)[:2] if len(st) == 1 else st
    pads = list(padding) * (2 if len(padding) == 1 else 1)
    dils = list(dilation) * (2 if len(dilation) == 1 else 1)
    if (kh, kw) != (sh, sw) or any(pads) or any(d != 1 for d in dils) or ceil_mode:
        raise NotImplementedError("max_pool backward only for kernel == stride, no padding/"
                                  "dilation/ceil_mode")
    n, c, h, w = self.shape
    ho, wo = grad_output.shape[2], grad_output.shape[3]
    xs = self[:, :, :ho * kh, :wo * kw].reshape(n, c, ho, kh, wo, kw)
    xs = xs.permute(0, 1, 2, 4, 3, 5).reshape(n, c, ho, wo, kh * kw)
    arg = torch.argmax(xs, dim=-1, keepdim=True)
    hit = arg == torch.arange(kh * kw, device=self.device)
    go = grad_output.unsqueeze(-1)
    g = torch.where(hit, go, go.new_zeros(()))
    g = g.reshape(n, c, ho, wo, kh, kw).permute(0, 1, 2, 4, 3, 5).reshape(n, c, ho * kh, wo * kw)
    if ho * kh != h or wo * kw != w:
        g = F.pad(g, (0, w - wo * kw, 0, h - ho * kh))
    return g


def _select_backward(grad_output, input_sizes, dim, index):
    dim = dim % len(input_sizes)
    size = input_sizes[dim]
    index = index % size
    g = grad_output.unsqueeze(dim)
    pad = [0, 0] * (len(input_sizes) - 1 - dim) + [index, size - index - 1]
    return F.pad(g, pad)


def _slice_backward(grad_output, input_sizes, dim, start, end, step):
    dim = dim % len(input_sizes)
    size = input_sizes[dim]
    if step != 1:
        raise NotImplementedError("slice_backward with step != 1")
    start = start + size if start < 0 else start
    end = end + size if end < 0 else end
    start, end = max(0, min(start, size)), max(0, min(end, size))
    pad = [0, 0] * (len(input_sizes) - 1 - dim) + [start, size - end]
    return F.pad(grad_output, pad)


def _bn_shape(t, x):
    return t.reshape([1, -1] + [1] * (x.dim() - 2))


def _native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    if training:
        raise NotImplementedError("batch norm in training mode: call model.eval()")
    inv = torch.rsqrt(running_var + eps)
    out = (input - _bn_shape(running_mean, input)) * _bn_shape(inv, input)
    if weight is not None:
        out = out * _bn_shape(weight, input)
    if bias is not None:
        out = out + _bn_shape(bias, input)
    empty = input.new_zeros((0,))
    return out, empty, empty


def _native_batch_norm_backward(grad_out, input, weight, running_mean, running_var, save_mean,
                                save_invstd, train, eps, output_mask):
    if train:
        raise NotImplementedError("batch norm backward in training mode")
    scale = torch.rsqrt(running_var + eps)
    if weight is not None:
        scale = scale * weight
    return (grad_out * _bn_shape(scale, input), None, None)


GRAD_DECOMPOSITIONS = get_decompositions([
    aten.threshold_backward, aten.sigmoid_backward, aten.tanh_backward,
    aten._softmax_backward_data, aten._log_softmax_backward_data, aten.gelu_backward,
    aten.hardtanh_backward, aten.leaky_relu_backward, aten.elu_backward, aten.silu_backward,
    aten._reshape_alias, aten._unsafe_view,
])
GRAD_DECOMPOSITIONS.update({
    aten.convolution_backward.default: _conv_backward,
    aten.max_pool2d_with_indices_backward.default: _max_pool2d_backward,
    aten.select_backward.default: _select_backward,
    aten.slice_backward.default: _slice_backward,
    aten.native_batch_norm.default: _native_batch_norm,
    aten.native_batch_norm_backward.default: _native_batch_norm_backward,
})


def build_grad_module(model, x, w, decompositions=None):
    """Trace ``(x, w) -> (y, grad_x)`` into an aten-level ``torch.fx.GraphModule``.

    ``model`` must be in eval mode; its parameters are set to ``requires_grad_(False)``.
    ``x`` and ``w`` are example tensors fixing shapes and dtype (float32 for export, float64 for
    verification). ``decompositions`` extends/overrides ``GRAD_DECOMPOSITIONS``."""
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    table = dict(GRAD_DECOMPOSITIONS)
    if decompositions:
        table.update(decompositions)

    def f(x, w):
        x = x.detach().requires_grad_(True)
        with torch.enable_grad():
            y = model(x)
            (g,) = torch.autograd.grad((y * w).sum(), x)
        return y.detach(), g

    gm = make_fx(f, decomposition_table=table)(x, w)
    leftover = sorted({str(n.target) for n in gm.graph.nodes
                       if n.op == "call_function" and "backward" in str(n.target)})
    if leftover:
        raise RuntimeError("backward ops left in the gradient graph (add decompositions): %s"
                           % leftover)
    return gm


def autograd_vjp(model, x, w):
    """Reference: y and d(sum(w*y))/dx with plain autograd."""
    x = x.detach().clone().requires_grad_(True)
    y = model(x)
    (g,) = torch.autograd.grad((y * w).sum(), x)
    return y.detach(), g.detach()


def verify_grad_module_float64(model, example_x, n_classes, batch=GRAD_BATCH, seed=123,
                               decompositions=None, tol=1e-8):
    """Trace the gradient module of a float64 copy of ``model`` and compare it with autograd.
    Returns the max relative error (max |a-b| / max |b|) of (y, grad_x)."""
    import copy
    m64 = copy.deepcopy(model).double().eval()
    gen = torch.Generator().manual_seed(seed)
    x = example_x.double()
    w = torch.randn(batch, n_classes, generator=gen, dtype=torch.float64)
    gm = build_grad_module(m64, x, w, decompositions)
    y1, g1 = gm(x, w)
    y0, g0 = autograd_vjp(m64, x, w)
    ey = ((y1 - y0).abs().max() / y0.abs().max()).item()
    eg = ((g1 - g0).abs().max() / g0.abs().max()).item()
    print("  float64 traced grad module vs autograd: rel err y=%.3g grad_x=%.3g" % (ey, eg))
    if max(ey, eg) > tol:
        raise RuntimeError("traced gradient module disagrees with autograd")
    return ey, eg


def export_forward(model, example_x, path, opset=OPSET):
    """Forward ONNX: input 'x' (dynamic batch 'N'), output 'y'. BatchNormalization nodes are
    kept (TrainingMode.PRESERVE on an eval model) rather than folded into convolutions."""
    model.eval()
    with torch.no_grad():
        torch.onnx.export(model, (example_x,), path, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "N"}, "y": {0: "N"}}, opset_version=opset,
                          do_constant_folding=True, training=torch.onnx.TrainingMode.PRESERVE)
    return _check_onnx(path)


def export_grad(model, example_x, n_classes, path, batch=GRAD_BATCH, opset=OPSET,
                decompositions=None):
    """Gradient ONNX with fixed batch: inputs 'x' [B,...], 'w' [B,C]; outputs 'y', 'grad_x'.
    ``example_x`` must have batch ``batch`` (float32)."""
    assert example_x.shape[0] == batch
    verify_grad_module_float64(model, example_x, n_classes, batch, decompositions=decompositions)
    x = example_x.float()
    w = torch.randn(batch, n_classes, generator=torch.Generator().manual_seed(7))
    gm = build_grad_module(model.float().eval(), x, w, decompositions)
    y1, g1 = gm(x, w)
    y0, g0 = autograd_vjp(model, x, w)
    print("  float32 traced grad module vs autograd: max abs err y=%.3g grad_x=%.3g"
          % ((y1 - y0).abs().max().item(), (g1 - g0).abs().max().item()))
    torch.onnx.export(gm, (x, w), path, input_names=["x", "w"], output_names=["y", "grad_x"],
                      opset_version=opset, do_constant_folding=True)
    return _check_onnx(path)


def _check_onnx(path):
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = sorted({n.op_type for n in m.graph.node})
    print("  %s: %d bytes, %d nodes, ops=%s" % (os.path.basename(path), os.path.getsize(path),
                                                 len(m.graph.node), ops))
    return ops


def export_torchscript(model, example_x, path, max_bytes=1 << 20):
    model.eval()
    with torch.no_grad():
        ts = torch.jit.trace(model, example_x)
    ts.save(path)
    size = os.path.getsize(path)
    if size > max_bytes:
        os.remove(path)
        print("  TorchScript %s is %d bytes > %d: skipped" % (path, size, max_bytes))
        return None
    print("  %s: %d bytes" % (os.path.basename(path), size))
    return os.path.basename(path)


# --------------------------------------------------------------------------------------------
# Golden values (float64, plain autograd)
# --------------------------------------------------------------------------------------------

def ig_nodes(method, n):
    """(alphas, weights) for the IG quadrature rules (see module docstring)."""
    if method == "gausslegendre":
        t, v = np.polynomial.legendre.leggauss(n)
        return (t + 1.0) / 2.0, v / 2.0
    if method == "riemann_trapezoid":
        a = np.linspace(0.0, 1.0, n)
        s = np.full(n, 1.0 / (n - 1))
        s[0] *= 0.5
        s[-1] *= 0.5
        return a, s
    if method == "riemann_middle":
        return (np.arange(n) + 0.5) / n, np.full(n, 1.0 / n)
    if method == "riemann_left":
        return np.arange(n) / n, np.full(n, 1.0 / n)
    if method == "riemann_right":
        return (np.arange(n) + 1.0) / n, np.full(n, 1.0 / n)
    raise ValueError(method)


def integrated_gradients(model, x, target, method, n, baseline=None):
    """IG of logit ``target`` for ONE sample ``x`` (no batch dim), all n points in one batch."""
    if baseline is None:
        baseline = torch.zeros_like(x)
    alphas, weights = ig_nodes(method, n)
    a = torch.tensor(alphas, dtype=x.dtype).reshape([-1] + [1] * x.dim())
    pts = (baseline.unsqueeze(0) + a * (x - baseline).unsqueeze(0)).detach().requires_grad_(True)
    y = model(pts)
    (g,) = torch.autograd.grad(y[:, target].sum(), pts)
    wts = torch.tensor(weights, dtype=x.dtype).reshape([-1] + [1] * x.dim())
    return ((x - baseline) * (wts * g).sum(0)).detach()


def _flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def golden(model, name, xs, path):
    """Write ``golden/<name>.golden.json`` for samples ``xs`` [K,...] with a float64 copy of
    ``model`` and plain autograd."""
    import copy
    m = copy.deepcopy(model).double().eval()
    for p in m.parameters():
        p.requires_grad_(False)
    xs = torch.as_tensor(np.asarray(xs), dtype=torch.float64)
    samples = []
    for x in xs:
        xb = x.unsqueeze(0).clone().requires_grad_(True)
        logits = m(xb)[0]
        probs = torch.softmax(logits, 0)
        c_n = logits.shape[0]
        gl, gp = [], []
        for c in range(c_n):
            (g,) = torch.autograd.grad(logits[c], xb, retain_graph=True)
            gl.append(_flat(g[0]))
            (g,) = torch.autograd.grad(probs[c], xb, retain_graph=True)
            gp.append(_flat(g[0]))
        pred = int(torch.argmax(logits).item())
        with torch.no_grad():
            l0 = m(torch.zeros_like(xb))[0, pred].item()
        ig = {"target": pred, "baseline": "zero"}
        for meth, n in (("gausslegendre", 64), ("riemann_trapezoid", 64), ("riemann_middle", 50)):
            ig["%s_%d" % (meth, n)] = _flat(integrated_gradients(m, x, pred, meth, n))
        ig["logit_at_x"] = float(logits[pred].item())
        ig["logit_at_baseline"] = float(l0)
        samples.append({"x": _flat(x), "logits": _flat(logits), "probs": _flat(probs),
                        "predicted": pred, "grad_logit": gl, "grad_prob": gp, "ig": ig})
        gap = sum(ig["gausslegendre_64"]) - (ig["logit_at_x"] - ig["logit_at_baseline"])
        print("  golden sample: predicted=%d logits=%s IG-GL64 completeness gap=%.3g"
              % (pred, np.round(_flat(logits), 4).tolist(), gap))
    doc = {"model": name, "input_shape": list(xs.shape[1:]), "classes": int(c_n),
           "samples": samples}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f)
        f.write("\n")
    print("  %s: %d bytes" % (os.path.basename(path), os.path.getsize(path)))


# --------------------------------------------------------------------------------------------
# Sidecar and small files
# --------------------------------------------------------------------------------------------

def write_sidecar(name, description, input_shape, layout, feature_names, class_names,
                  torchscript, script, data, seed, metrics, license, activation="softmax",
                  score="logit", batch=GRAD_BATCH):
    doc = {
        "name": name,
        "description": description,
        "input": {"name": "x", "shape": [-1] + list(input_shape), "layout": layout,
                  "feature_names": list(feature_names)},
        "output": {"name": "y", "activation": activation, "class_names": list(class_names)},
        "score": score,
        "gradient": {"file": name + ".grad.onnx", "batch": batch, "input": "x",
                     "cotangent": "w", "output": "y", "grad": "grad_x"},
        "torchscript": torchscript,
        "training": {"script": script, "data": data, "seed": seed, "metrics": metrics},
        "license": license,
    }
    path = os.path.join(model_dir(name), name + ".json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    return path


def save_npy(path, arr):
    """NumPy .npy v1.0, little-endian float32, C order."""
    arr = np.ascontiguousarray(np.asarray(arr, dtype="<f4"))
    np.lib.format.write_array(open(path, "wb"), arr, version=(1, 0))


def update_index():
    names = sorted(d for d in os.listdir(MODELS_DIR)
                   if os.path.isfile(os.path.join(MODELS_DIR, d, d + ".json")))
    with open(os.path.join(MODELS_DIR, "index.txt"), "w") as f:
        f.write("".join(n + "\n" for n in names))


def auroc(scores, labels):
    """AUROC via the Mann-Whitney U statistic (ties count 1/2)."""
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels).astype(bool)
    pos, neg = scores[labels], scores[~labels]
    gt = (pos[:, None] > neg[None, :]).sum()
    eq = (pos[:, None] == neg[None, :]).sum()
    return float((gt + 0.5 * eq) / (len(pos) * len(neg)))


def all_exports(model, name, example_x, n_classes, ts=True, decompositions=None):
    """Forward ONNX + gradient ONNX + TorchScript into models/<name>/. ``example_x``: [B,...]
    float32 with B = GRAD_BATCH. Returns (forward ops, grad ops, torchscript file or None)."""
    d = model_dir(name)
    model.eval()
    fwd_ops = export_forward(model, example_x[:2], os.path.join(d, name + ".onnx"))
    grad_ops = export_grad(model, example_x, n_classes, os.path.join(d, name + ".grad.onnx"),
                           decompositions=decompositions)
    pt = export_torchscript(model, example_x[:2], os.path.join(d, name + ".pt")) if ts else None
    return fwd_ops, grad_ops, pt
