package org.explain4j.lrp;

import java.util.Arrays;

/**
 * A convolution of one sample with 1 to 3 spatial axes: input {@code [C, D...]}, weights
 * {@code [M, C/groups, K...]} (row-major, as ONNX and PyTorch store them), output
 * {@code [M, O...]}; strides, zero padding at the start of each axis and dilations. Taps that
 * fall into the padding are not connections (they do not count in {@link #fanIn()}).
 */
public final class ConvMap extends LinearMap {
    private final int channels;
    private final int outChannels;
    private final int groups;
    private final int[] in = new int[3];
    private final int[] kernel = new int[3];
    private final int[] out = new int[3];
    private final int[] stride = new int[3];
    private final int[] pad = new int[3];
    private final int[] dilation = new int[3];
    /** Per axis and kernel offset, the outputs whose tap lands inside the input: [lo, hi). */
    private final int[][] lo = new int[3][];
    private final int[][] hi = new int[3][];

    /**
     * @param inSpatial   input spatial sizes (1 to 3 axes)
     * @param outSpatial  output spatial sizes, as the runtime computed them
     * @param padsBegin   zero padding before each spatial axis (padding after the end follows from the sizes)
     * @param channelBias per output channel, or {@code null}
     */
    public ConvMap(int channels, int outChannels, int groups, int[] inSpatial, int[] kernelSpatial,
                   int[] outSpatial, int[] strides, int[] padsBegin, int[] dilations, double[] weights,
                   double[] channelBias) {
        super(channels * product(inSpatial), outChannels * product(outSpatial), weights,
                expand(channelBias, outChannels, product(outSpatial)));
        int r = inSpatial.length;
        if (r < 1 || r > 3 || kernelSpatial.length != r || outSpatial.length != r || strides.length != r
                || padsBegin.length != r || dilations.length != r) {
            throw new IllegalArgumentException("convolution with " + r + " spatial axes; 1 to 3 with matching"
                    + " kernel, output, strides, pads and dilations are supported");
        }
        if (groups < 1 || channels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(groups + " groups do not divide " + channels + " input and "
                    + outChannels + " output channels");
        }
        if (weights.length != (long) outChannels * (channels / groups) * product(kernelSpatial)) {
            throw new IllegalArgumentException("convolution weights hold " + weights.length + " values, expected "
                    + outChannels + " x " + channels / groups + " x " + Arrays.toString(kernelSpatial));
        }
        this.channels = channels;
        this.outChannels = outChannels;
        this.groups = groups;
        int shift = 3 - r;
        Arrays.fill(in, 1);
        Arrays.fill(kernel, 1);
        Arrays.fill(out, 1);
        Arrays.fill(stride, 1);
        Arrays.fill(dilation, 1);
        for (int d = 0; d < r; d++) {
            in[d + shift] = inSpatial[d];
            kernel[d + shift] = kernelSpatial[d];
            out[d + shift] = outSpatial[d];
            stride[d + shift] = strides[d];
            pad[d + shift] = padsBegin[d];
            dilation[d + shift] = dilations[d];
        }
        for (int d = 0; d < 3; d++) {
            lo[d] = new int[kernel[d]];
            hi[d] = new int[kernel[d]];
            for (int k = 0; k < kernel[d]; k++) {
                int offset = k * dilation[d] - pad[d]; // input index = o * stride + offset
                int first = -Math.floorDiv(offset, stride[d]); // ceil(-offset / stride)
                int last = Math.floorDiv(in[d] - 1 - offset, stride[d]);
                lo[d][k] = Math.max(0, first);
                hi[d][k] = Math.max(lo[d][k], Math.min(out[d], last + 1));
            }
        }
    }

    private static int product(int[] dims) {
        int p = 1;
        for (int d : dims) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    private static double[] expand(double[] channelBias, int channels, int spatial) {
        if (channelBias == null) {
            return null;
        }
        if (channelBias.length != channels) {
            throw new IllegalArgumentException("convolution bias has " + channelBias.length + " values for "
                    + channels + " output channels");
        }
        double[] b = new double[channels * spatial];
        for (int m = 0; m < channels; m++) {
            Arrays.fill(b, m * spatial, (m + 1) * spatial, channelBias[m]);
        }
        return b;
    }

    @Override
    public void forward(double[] a, int aOff, double[] w, double[] z, int zOff) {
        run(a, aOff, w, z, zOff, true);
    }

    @Override
    public void transpose(double[] s, int sOff, double[] w, double[] result, int outOff) {
        int nonZero = 0;
        int size = outSize();
        for (int j = 0; j < size; j++) {
            if (s[sOff + j] != 0) {
                nonZero++;
            }
        }
        // below a max-pool or a dead ReLU most outputs carry nothing: scatter only the others
        if (nonZero * 4 < size) {
            scatter(s, sOff, w, result, outOff);
        } else {
            run(result, outOff, w, s, sOff, false);
        }
    }

    /** The transposed product output by output, skipping outputs whose value is zero. */
    private void scatter(double[] s, int sOff, double[] w, double[] a, int aOff) {
        int cpg = channels / groups;
        int mpg = outChannels / groups;
        int inSpatial = in[0] * in[1] * in[2];
        int outSpatial = out[0] * out[1] * out[2];
        int kernelSize = kernel[0] * kernel[1] * kernel[2];
        for (int m = 0; m < outChannels; m++) {
            int group = m / mpg;
            int sBase = sOff + m * outSpatial;
            for (int o = 0; o < outSpatial; o++) {
                double sv = s[sBase + o];
                if (sv == 0) {
                    continue;
                }
                int o2 = o % out[2];
                int o1 = (o / out[2]) % out[1];
                int o0 = o / (out[2] * out[1]);
                for (int cl = 0; cl < cpg; cl++) {
                    int aBase = aOff + (group * cpg + cl) * inSpatial;
                    int widx = (m * cpg + cl) * kernelSize;
                    for (int k0 = 0; k0 < kernel[0]; k0++) {
                        int i0 = o0 * stride[0] + k0 * dilation[0] - pad[0];
                        if (i0 < 0 || i0 >= in[0]) {
                            widx += kernel[1] * kernel[2];
                            continue;
                        }
                        for (int k1 = 0; k1 < kernel[1]; k1++) {
                            int i1 = o1 * stride[1] + k1 * dilation[1] - pad[1];
                            if (i1 < 0 || i1 >= in[1]) {
                                widx += kernel[2];
                                continue;
                            }
                            int row = aBase + (i0 * in[1] + i1) * in[2];
                            for (int k2 = 0; k2 < kernel[2]; k2++, widx++) {
                                int i2 = o2 * stride[2] + k2 * dilation[2] - pad[2];
                                if (i2 >= 0 && i2 < in[2]) {
                                    a[row + i2] += w[widx] * sv;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The connection pattern does not depend on the output channel within a group: the shares
     * of a group's output channels are summed first, then spread once per input channel.
     */
    @Override
    public void transposeConnections(double[] s, int sOff, double[] result, int outOff) {
        int cpg = channels / groups;
        int mpg = outChannels / groups;
        int inSpatial = in[0] * in[1] * in[2];
        int outSpatial = out[0] * out[1] * out[2];
        double[] sum = new double[outSpatial];
        for (int g = 0; g < groups; g++) {
            java.util.Arrays.fill(sum, 0);
            for (int m = g * mpg; m < (g + 1) * mpg; m++) {
                int base = sOff + m * outSpatial;
                for (int o = 0; o < outSpatial; o++) {
                    sum[o] += s[base + o];
                }
            }
            for (int cl = 0; cl < cpg; cl++) {
                spread(sum, result, outOff + (g * cpg + cl) * inSpatial);
            }
        }
    }

    /** Adds each output position's value to every input its kernel window covers (one channel). */
    private void spread(double[] z, double[] a, int aBase) {
        for (int k0 = 0; k0 < kernel[0]; k0++) {
            for (int k1 = 0; k1 < kernel[1]; k1++) {
                for (int k2 = 0; k2 < kernel[2]; k2++) {
                    int off2 = k2 * dilation[2] - pad[2];
                    for (int o0 = lo[0][k0]; o0 < hi[0][k0]; o0++) {
                        int i0 = o0 * stride[0] + k0 * dilation[0] - pad[0];
                        for (int o1 = lo[1][k1]; o1 < hi[1][k1]; o1++) {
                            int i1 = o1 * stride[1] + k1 * dilation[1] - pad[1];
                            int zRow = (o0 * out[1] + o1) * out[2];
                            int aRow = aBase + (i0 * in[1] + i1) * in[2] + off2;
                            for (int o2 = lo[2][k2]; o2 < hi[2][k2]; o2++) {
                                a[aRow + o2 * stride[2]] += z[zRow + o2];
                            }
                        }
                    }
                }
            }
        }
    }

    /** One loop nest for both directions: forward adds {@code w·a} into {@code z}; transposed adds {@code w·z} into {@code a}. */
    private void run(double[] a, int aOff, double[] w, double[] z, int zOff, boolean forward) {
        int cpg = channels / groups;
        int mpg = outChannels / groups;
        int inSpatial = in[0] * in[1] * in[2];
        int outSpatial = out[0] * out[1] * out[2];
        int widx = 0;
        for (int m = 0; m < outChannels; m++) {
            int group = m / mpg;
            int zBase = zOff + m * outSpatial;
            for (int cl = 0; cl < cpg; cl++) {
                int aBase = aOff + (group * cpg + cl) * inSpatial;
                for (int k0 = 0; k0 < kernel[0]; k0++) {
                    for (int k1 = 0; k1 < kernel[1]; k1++) {
                        for (int k2 = 0; k2 < kernel[2]; k2++) {
                            double wv = w[widx++];
                            if (wv == 0) {
                                continue;
                            }
                            int off2 = k2 * dilation[2] - pad[2];
                            int lo2 = lo[2][k2];
                            int hi2 = hi[2][k2];
                            for (int o0 = lo[0][k0]; o0 < hi[0][k0]; o0++) {
                                int i0 = o0 * stride[0] + k0 * dilation[0] - pad[0];
                                for (int o1 = lo[1][k1]; o1 < hi[1][k1]; o1++) {
                                    int i1 = o1 * stride[1] + k1 * dilation[1] - pad[1];
                                    int zRow = zBase + (o0 * out[1] + o1) * out[2];
                                    int aRow = aBase + (i0 * in[1] + i1) * in[2] + off2;
                                    int st = stride[2];
                                    if (st == 1) { // unit stride: contiguous on both sides, the JIT vectorises it
                                        if (forward) {
                                            for (int o2 = lo2; o2 < hi2; o2++) {
                                                z[zRow + o2] += wv * a[aRow + o2];
                                            }
                                        } else {
                                            for (int o2 = lo2; o2 < hi2; o2++) {
                                                a[aRow + o2] += wv * z[zRow + o2];
                                            }
                                        }
                                    } else if (forward) {
                                        for (int o2 = lo2; o2 < hi2; o2++) {
                                            z[zRow + o2] += wv * a[aRow + o2 * st];
                                        }
                                    } else {
                                        for (int o2 = lo2; o2 < hi2; o2++) {
                                            a[aRow + o2 * st] += wv * z[zRow + o2];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
