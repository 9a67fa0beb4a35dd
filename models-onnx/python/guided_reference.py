"""Independent PyTorch float64 reference for guided backpropagation, deconvnet, Grad-CAM and
guided Grad-CAM (METHODS section 3) on synthetic_cnn1d.

Model: the Cnn1d class of train_cnn1d_synthetic.py with the weights of the committed TorchScript
copy (models/synthetic_cnn1d/synthetic_cnn1d.pt, its state_dict), in float64 and eval mode; its
logits are checked against the golden file's. Samples: the 5 golden samples; target: the
golden "predicted" class, score: its logit.

ReLU rules (Captum semantics, a hook on every ReLU's backward):
* guided backprop: grad_in = relu(grad_out) * (input > 0)
* deconvnet:       grad_in = relu(grad_out)
Grad-CAM on the output of the ReLU after conv3 (ONNX tensor /Relu_2_output_0, [16, 32]):
alpha_k = mean_t dy/dA_kt (true gradient), map = relu(sum_k alpha_k A_k) (also without the relu),
upsampled with F.interpolate(mode="linear", align_corners=False) to 128; guided Grad-CAM =
guided backprop * upsampled relu map (broadcast over the 3 input channels).

Writes golden/synthetic_cnn1d.guided.json. Run from anywhere with /usr/bin/python3.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train_cnn1d_synthetic as cnn  # noqa: E402

RES = os.path.join(HERE, "..", "src", "main", "resources", "explain4j")
NAME = "synthetic_cnn1d"
LAYER = "/Relu_2_output_0"


class _Relu(torch.autograd.Function):
    rule = "gradient"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if _Relu.rule == "guided":
            return g.clamp(min=0) * (x > 0).to(g.dtype)
        if _Relu.rule == "deconvnet":
            return g.clamp(min=0)
        return g * (x > 0).to(g.dtype)


class _TorchWithRelu:
    """The torch module as Cnn1d.forward sees it, with torch.relu replaced by _Relu."""

    def __getattr__(self, name):
        return _Relu.apply if name == "relu" else getattr(torch, name)


def model():
    m = cnn.Cnn1d()
    ts = torch.jit.load(os.path.join(RES, "models", NAME, NAME + ".pt"), map_location="cpu")
    m.load_state_dict(ts.state_dict())
    m = m.double().eval()
    for p in m.parameters():
        p.requires_grad_(False)
    cnn.torch = _TorchWithRelu()  # Cnn1d.forward calls torch.relu through the module's global
    return m


def rule_gradient(m, x, target, rule):
    _Relu.rule = rule
    xb = x.unsqueeze(0).clone().requires_grad_(True)
    (g,) = torch.autograd.grad(m(xb)[0, target], xb)
    _Relu.rule = "gradient"
    return g[0]


def gradcam(m, x, target, relu):
    """The conv3 ReLU output A [16,32] and dy/dA by a forward that stops there and continues."""
    xb = x.unsqueeze(0)
    h = torch.relu(m.bn1(m.conv1(xb)))
    h = m.pool(torch.relu(m.conv2(h)))
    a = torch.relu(m.conv3(h)).detach().requires_grad_(True)
    y = m.fc(a.mean(dim=2))
    (g,) = torch.autograd.grad(y[0, target], a)
    alpha = g.mean(dim=2, keepdim=True)
    cam = (alpha * a).sum(dim=1, keepdim=True)
    if relu:
        cam = cam.clamp(min=0)
    up = F.interpolate(cam, size=x.shape[-1], mode="linear", align_corners=False)
    return cam[0, 0].detach(), up[0, 0].detach()


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def main():
    m = model()
    with open(os.path.join(RES, "golden", NAME + ".golden.json")) as f:
        golden = json.load(f)
    shape = tuple(golden["input_shape"])
    out = []
    for s in golden["samples"]:
        x = torch.tensor(np.array(s["x"], dtype=np.float32).astype(np.float64).reshape(shape))
        target = s["predicted"]
        with torch.no_grad():
            logits = m(x.unsqueeze(0))[0]
        diff = float(np.max(np.abs(logits.numpy() - np.array(s["logits"]))))
        assert diff < 1e-9, "model does not reproduce the golden logits: %g" % diff
        plain = rule_gradient(m, x, target, "gradient")
        gdiff = float(np.max(np.abs(plain.numpy().reshape(-1) - np.array(s["grad_logit"][target]))))
        assert gdiff < 1e-9, "true gradient differs from the golden one: %g" % gdiff
        guided = rule_gradient(m, x, target, "guided")
        deconv = rule_gradient(m, x, target, "deconvnet")
        cam_raw, up_raw = gradcam(m, x, target, False)
        cam, up = gradcam(m, x, target, True)
        out.append({"target": target, "guided_backprop": flat(guided), "deconvnet": flat(deconv),
                    "gradcam_layer": flat(cam), "gradcam_layer_raw": flat(cam_raw),
                    "gradcam_upsampled": flat(up), "gradcam_upsampled_raw": flat(up_raw),
                    "guided_gradcam": flat(guided * up.unsqueeze(0))})
        print("  sample target %d: |guided| max %.4g, |deconvnet| max %.4g, cam max %.4g"
              % (target, guided.abs().max(), deconv.abs().max(), cam.max()))
    doc = {"model": NAME, "input_shape": list(shape), "score": "logit", "target": "golden predicted class",
           "layer": LAYER, "layer_shape": [16, 32],
           "script": "models-onnx/python/guided_reference.py",
           "samples": out}
    path = os.path.join(RES, "golden", NAME + ".guided.json")
    with open(path, "w") as f:
        json.dump(doc, f)
        f.write("\n")
    print("wrote %s (%d bytes)" % (os.path.relpath(path), os.path.getsize(path)))


if __name__ == "__main__":
    main()
