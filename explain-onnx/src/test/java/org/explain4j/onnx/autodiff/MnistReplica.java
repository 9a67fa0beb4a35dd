package org.explain4j.onnx.autodiff;

import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.Tensors;

/**
 * Test helper: the CNTK MNIST network (mnist-cntk.onnx) re-implemented in plain Java double
 * precision from the model's own weights: Conv 5×5 SAME → ReLU → MaxPool 2×2/2 → Conv 5×5 SAME →
 * ReLU → MaxPool 3×3/3 → flatten → Gemm. Lets central differences run in double with a tiny step
 * (no float rounding noise, no kink within the step), as an independent reference for the
 * gradient graph that ONNX Runtime runs in float. Its logits are checked against ONNX Runtime's.
 */
final class MnistReplica {

    private final double[] w1;
    private final double[] b1;
    private final double[] w2;
    private final double[] b2;
    private final double[] fc;
    private final double[] fcBias;

    MnistReplica(OnnxGraph g) {
        w1 = Tensors.toDoubles(g.initializer("Parameter5").orElseThrow());
        b1 = Tensors.toDoubles(g.initializer("23").orElseThrow());
        w2 = Tensors.toDoubles(g.initializer("Parameter87").orElseThrow());
        b2 = Tensors.toDoubles(g.initializer("24").orElseThrow());
        fc = Tensors.toDoubles(g.initializer("Parameter193_reshape1").orElseThrow());
        fcBias = Tensors.toDoubles(g.initializer("Parameter194").orElseThrow());
    }

    /** Logits of one 28×28 image. */
    double[] logits(double[] image) {
        return tail(conv2(image));
    }

    /** The second convolution's output [16,14,14] (the Grad-CAM feature map, before its ReLU). */
    double[] conv2(double[] image) {
        double[] a = relu(conv(image, 1, 28, w1, b1, 8));
        double[] p = maxPool(a, 8, 28, 2);
        return conv(p, 8, 14, w2, b2, 16);
    }

    /** From the second convolution's output to the logits. */
    double[] tail(double[] conv2) {
        double[] p = maxPool(relu(conv2), 16, 14, 3);
        double[] y = new double[10];
        for (int j = 0; j < 10; j++) {
            double s = fcBias[j];
            for (int i = 0; i < 256; i++) {
                s += p[i] * fc[i * 10 + j];
            }
            y[j] = s;
        }
        return y;
    }

    /** 5×5 convolution, stride 1, zero padding 2 on each side (SAME_UPPER for an odd kernel). */
    private static double[] conv(double[] x, int cin, int size, double[] w, double[] b, int cout) {
        double[] y = new double[cout * size * size];
        for (int o = 0; o < cout; o++) {
            for (int r = 0; r < size; r++) {
                for (int c = 0; c < size; c++) {
                    double s = b[o];
                    for (int i = 0; i < cin; i++) {
                        for (int kr = 0; kr < 5; kr++) {
                            int rr = r + kr - 2;
                            if (rr < 0 || rr >= size) {
                                continue;
                            }
                            for (int kc = 0; kc < 5; kc++) {
                                int cc = c + kc - 2;
                                if (cc >= 0 && cc < size) {
                                    s += x[(i * size + rr) * size + cc] * w[((o * cin + i) * 5 + kr) * 5 + kc];
                                }
                            }
                        }
                    }
                    y[(o * size + r) * size + c] = s;
                }
            }
        }
        return y;
    }

    private static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(0, x[i]);
        }
        return y;
    }

    /** k×k max pooling with stride k and no padding (floor). */
    private static double[] maxPool(double[] x, int channels, int size, int k) {
        int out = (size - k) / k + 1;
        double[] y = new double[channels * out * out];
        for (int ch = 0; ch < channels; ch++) {
            for (int r = 0; r < out; r++) {
                for (int c = 0; c < out; c++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++) {
                            m = Math.max(m, x[(ch * size + r * k + i) * size + c * k + j]);
                        }
                    }
                    y[(ch * out + r) * out + c] = m;
                }
            }
        }
        return y;
    }
}
