package org.explain4j.metrics;

/**
 * One metric of one method, averaged over the samples where it is defined.
 *
 * @param name   key, as in the CSV header ({@code deletion_auc})
 * @param label  for people ({@code deletion AUC})
 * @param better which way is better
 * @param mean   mean over the finite per-sample values (NaN when there are none)
 * @param std    their sample standard deviation (NaN below 2 values)
 * @param count  how many samples had a finite value
 */
public record MetricSummary(String name, String label, Better better, double mean, double std, int count) {

    public enum Better {
        LOWER("↓"), HIGHER("↑"), NEITHER("");

        private final String arrow;

        Better(String arrow) {
            this.arrow = arrow;
        }

        public String arrow() {
            return arrow;
        }
    }

    /** Mean and spread of the finite values of {@code perSample}, in double (Welford). */
    public static MetricSummary of(String name, String label, Better better, double[] perSample) {
        long n = 0;
        double mean = 0;
        double m2 = 0;
        for (double v : perSample) {
            if (Double.isFinite(v)) {
                n++;
                double d = v - mean;
                mean += d / n;
                m2 += d * (v - mean);
            }
        }
        return new MetricSummary(name, label, better, n == 0 ? Double.NaN : mean,
                n < 2 ? Double.NaN : Math.sqrt(m2 / (n - 1)), (int) n);
    }
}
