package org.explain4j.lrp;

/**
 * A linear layer given by its connections, output by output: pools, reductions, sums of
 * branches and the identity-weight split of an LSTM cell state. Output {@code j} reads inputs
 * {@code cols[k]} with weights {@code w[k]} for {@code k} in {@code [rowStart[j], rowStart[j+1])}.
 */
public final class SparseMap extends LinearMap {
    private final int[] rowStart;
    private final int[] cols;

    public SparseMap(int inSize, int outSize, int[] rowStart, int[] cols, double[] weights, double[] bias) {
        super(inSize, outSize, weights, bias);
        if (rowStart.length != outSize + 1 || cols.length != weights.length || rowStart[outSize] != cols.length) {
            throw new IllegalArgumentException("inconsistent sparse layer: " + outSize + " outputs, "
                    + rowStart.length + " row starts, " + cols.length + " columns, " + weights.length + " weights");
        }
        for (int c : cols) {
            if (c < 0 || c >= inSize) {
                throw new IllegalArgumentException("sparse layer column " + c + " outside [0," + inSize + ")");
            }
        }
        this.rowStart = rowStart;
        this.cols = cols;
    }

    /** Collects connections output by output. */
    public static final class Builder {
        private final int inSize;
        private final int outSize;
        private final int[] rowStart;
        private int[] cols = new int[16];
        private double[] weights = new double[16];
        private int size;
        private int row;

        public Builder(int inSize, int outSize) {
            this.inSize = inSize;
            this.outSize = outSize;
            this.rowStart = new int[outSize + 1];
        }

        /** Adds input {@code col} with weight {@code w} to output {@code j}; outputs must come in order. */
        public Builder add(int j, int col, double w) {
            if (j < row) {
                throw new IllegalArgumentException("outputs must be added in order");
            }
            while (row < j) {
                rowStart[++row] = size;
            }
            if (size == cols.length) {
                cols = java.util.Arrays.copyOf(cols, size * 2);
                weights = java.util.Arrays.copyOf(weights, size * 2);
            }
            cols[size] = col;
            weights[size] = w;
            size++;
            return this;
        }

        public SparseMap build(double[] bias) {
            while (row < outSize) {
                rowStart[++row] = size;
            }
            return new SparseMap(inSize, outSize, rowStart, java.util.Arrays.copyOf(cols, size),
                    java.util.Arrays.copyOf(weights, size), bias);
        }
    }

    @Override
    public void forward(double[] a, int aOff, double[] w, double[] z, int zOff) {
        for (int j = 0; j < rowStart.length - 1; j++) {
            double acc = 0;
            for (int k = rowStart[j]; k < rowStart[j + 1]; k++) {
                acc += w[k] * a[aOff + cols[k]];
            }
            z[zOff + j] += acc;
        }
    }

    @Override
    public void transpose(double[] s, int sOff, double[] w, double[] out, int outOff) {
        for (int j = 0; j < rowStart.length - 1; j++) {
            double sj = s[sOff + j];
            if (sj == 0) {
                continue;
            }
            for (int k = rowStart[j]; k < rowStart[j + 1]; k++) {
                out[outOff + cols[k]] += w[k] * sj;
            }
        }
    }
}
