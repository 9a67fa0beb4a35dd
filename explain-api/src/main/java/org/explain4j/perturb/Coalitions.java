package org.explain4j.perturb;

/**
 * Binary samples {@code z' ∈ {0,1}^d} of the interpretable space, one row per sample: which
 * features are on (keep the input's value) and which are off (take the baseline's). Rows are
 * bit sets, 64 features per word, so drawing, counting and walking the on or off features of a
 * row costs a few word operations rather than one per feature.
 */
public final class Coalitions {
    private final int rows;
    private final int features;
    private final int words;
    private final long lastWordMask;
    private final long[] bits;

    public Coalitions(int rows, int features) {
        if (rows < 0 || features < 1) {
            throw new IllegalArgumentException(rows + " rows of " + features + " features");
        }
        this.rows = rows;
        this.features = features;
        this.words = (features + 63) >>> 6;
        this.lastWordMask = (features & 63) == 0 ? -1L : (1L << (features & 63)) - 1;
        this.bits = new long[Math.multiplyExact(rows, words)];
    }

    /** Coalitions from 0/1 rows, for tests and callers with their own design. */
    public static Coalitions of(int[][] rows) {
        Coalitions z = new Coalitions(rows.length, rows.length == 0 ? 1 : rows[0].length);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != z.features) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " entries, expected " + z.features);
            }
            for (int j = 0; j < z.features; j++) {
                z.set(i, j, rows[i][j] != 0);
            }
        }
        return z;
    }

    public int rows() {
        return rows;
    }

    public int features() {
        return features;
    }

    public boolean get(int row, int feature) {
        return (bits[row * words + (feature >>> 6)] >>> feature & 1L) != 0;
    }

    public void set(int row, int feature, boolean value) {
        int w = row * words + (feature >>> 6);
        if (value) {
            bits[w] |= 1L << feature;
        } else {
            bits[w] &= ~(1L << feature);
        }
    }

    /** Sets every feature of {@code row} on or off. */
    public void fill(int row, boolean value) {
        for (int w = 0; w < words; w++) {
            bits[row * words + w] = value ? wordMask(w) : 0L;
        }
    }

    /** Number of features on in {@code row}. */
    public int activeCount(int row) {
        int k = 0;
        for (int w = 0, p = row * words; w < words; w++, p++) {
            k += Long.bitCount(bits[p]);
        }
        return k;
    }

    /** Writes the indices of the features on in {@code row} into {@code out}, increasing; returns how many. */
    int active(int row, int[] out) {
        int k = 0;
        for (int w = 0, p = row * words; w < words; w++, p++) {
            long b = bits[p];
            while (b != 0) {
                out[k++] = (w << 6) + Long.numberOfTrailingZeros(b);
                b &= b - 1;
            }
        }
        return k;
    }

    /** Words per row. */
    int words() {
        return words;
    }

    /** Word {@code w} of {@code row}: features {@code 64w .. 64w+63}, bit set = on. */
    long word(int row, int w) {
        return bits[row * words + w];
    }

    /** Sets word {@code w} of {@code row}; bits beyond the last feature are cleared. */
    void setWord(int row, int w, long value) {
        bits[row * words + w] = value & wordMask(w);
    }

    /** The bits of word {@code w} that are features. */
    long wordMask(int w) {
        return w == words - 1 ? lastWordMask : -1L;
    }

    /** The rows as a dense 0/1 matrix (tests and small checks). */
    public double[][] toMatrix() {
        double[][] m = new double[rows][features];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < features; j++) {
                m[i][j] = get(i, j) ? 1 : 0;
            }
        }
        return m;
    }
}
