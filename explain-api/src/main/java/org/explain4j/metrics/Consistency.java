package org.explain4j.metrics;

/**
 * Consistency, OpenBox's criterion for interpretations (METHODS §5): nearby inputs should get
 * similar explanations. Per input, the mean over its sampled neighbours of the cosine
 * similarity and of Spearman's rank correlation between the neighbour's attribution and the
 * input's. Both are 1 for a method that gives every point of the neighbourhood the same
 * explanation (the gradient of a linear model; OpenBox inside one linear region). Undefined
 * pairs (an all-zero or constant map) are left out of the mean; an input with none left gets NaN.
 */
public final class Consistency {
    private Consistency() {
    }

    /** Per input: mean cosine and mean Spearman ρ over its neighbours. */
    public record Result(double[] cosine, double[] spearman) {
    }

    public static Result of(Neighbourhood.Explained e) {
        float[] phi = e.original().values().data();
        float[] nb = e.values().data();
        int n = e.original().batchSize();
        int d = e.original().values().sampleSize();
        double[] cos = new double[n];
        double[] rho = new double[n];
        for (int i = 0; i < n; i++) {
            double cs = 0;
            double rs = 0;
            int cn = 0;
            int rn = 0;
            for (int k = 0; k < e.count(); k++) {
                int row = i * e.count() + k;
                double c = Similarity.cosine(phi, i * d, nb, row * d, d);
                double r = Similarity.spearman(phi, i * d, nb, row * d, d);
                if (!Double.isNaN(c)) {
                    cs += c;
                    cn++;
                }
                if (!Double.isNaN(r)) {
                    rs += r;
                    rn++;
                }
            }
            cos[i] = cn == 0 ? Double.NaN : cs / cn;
            rho[i] = rn == 0 ? Double.NaN : rs / rn;
        }
        return new Result(cos, rho);
    }
}
