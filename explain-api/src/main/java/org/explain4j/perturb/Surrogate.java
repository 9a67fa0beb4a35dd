package org.explain4j.perturb;

import org.explain4j.ExplainException;

import java.util.List;

/**
 * The interpretable model LIME fits to the model's scores over the binary samples, minimising
 * {@code Σ π(z)(f(z) − g(z'))²}. All fits run in double on the weighted Gram matrix of the
 * samples, solved by Cholesky (see {@link Cholesky}); the intercept is never penalised.
 */
public sealed interface Surrogate {

    /** lime's default regressor: {@code Ridge(alpha=1)} with sample weights, on all features. */
    double DEFAULT_RIDGE_ALPHA = 1.0;

    /** Weighted ridge on all features: {@code + α‖β‖²}; α = 0 is plain weighted least squares. */
    static Surrogate ridge(double alpha) {
        return new Ridge(alpha);
    }

    /** Weighted least squares on all features (ridge with α = 0). */
    static Surrogate leastSquares() {
        return new Ridge(0);
    }

    /**
     * K-Lasso (Ribeiro et al. 2016, lime's {@code feature_selection='lasso_path'}): the Lasso path
     * of the weighted, centred problem computed by LARS; the K features are the support of the
     * last path point (smallest penalty) with at most K non-zero weights; then weighted least
     * squares on those features only.
     */
    static Surrogate kLasso(int k) {
        return new KLasso(k);
    }

    /**
     * Fits the surrogate.
     *
     * @throws ExplainException when the fit is undetermined (a feature never varies over the
     *                          samples and no ridge holds it), or K exceeds the feature count
     */
    SurrogateFit fit(Coalitions z, double[] y, double[] weights, List<String> featureNames);

    /** A short description for attribution parameters. */
    String describe();

    /** Checks the surrogate fits {@code d} features, before any model call. */
    default void check(int d) {
    }

    record Ridge(double alpha) implements Surrogate {
        public Ridge {
            if (!(alpha >= 0) || Double.isInfinite(alpha)) {
                throw new ExplainException("ridge alpha must be a finite number >= 0; got " + alpha);
            }
        }

        @Override
        public SurrogateFit fit(Coalitions z, double[] y, double[] weights, List<String> featureNames) {
            WeightedGram g = WeightedGram.of(z, y, weights);
            return WeightedLinearFit.fit(g, z, y, weights, WeightedGram.all(z.features()), alpha, featureNames);
        }

        @Override
        public String describe() {
            return alpha == 0 ? "weighted_least_squares" : "ridge(alpha=" + alpha + ")";
        }
    }

    record KLasso(int k) implements Surrogate {
        public KLasso {
            if (k < 1) {
                throw new ExplainException("K-Lasso needs K >= 1 features; got " + k);
            }
        }

        @Override
        public void check(int d) {
            if (k > d) {
                throw new ExplainException("K-Lasso asks for K = " + k + " features but the representation has only "
                        + d + "; give K <= " + d);
            }
        }

        @Override
        public SurrogateFit fit(Coalitions z, double[] y, double[] weights, List<String> featureNames) {
            int d = z.features();
            check(d);
            WeightedGram g = WeightedGram.of(z, y, weights);
            int[] all = WeightedGram.all(d);
            int[] selected = k == d ? all
                    : LassoLarsPath.support(LassoLarsPath.compute(g.centeredGram(all), g.centeredCross(all), d), k);
            return WeightedLinearFit.fit(g, z, y, weights, selected, 0, featureNames);
        }

        @Override
        public String describe() {
            return "k_lasso(k=" + k + ")";
        }
    }
}
