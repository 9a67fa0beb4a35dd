package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds a perturbation explainer from a method name and string options, as a command line
 * gives them (keys without dashes; {@code batch_size} and {@code --batch-size} read alike). An
 * option the method does not take is an error.
 *
 * <table>
 *   <caption>Methods and their options</caption>
 *   <tr><th>method (aliases)</th><th>options</th></tr>
 *   <tr><td>{@code lime}</td><td>samples, kernel (cosine | l2), kernel-width, features (K-Lasso K),
 *       alpha (ridge), sampler (uniform | uniform-count | fixed:N)</td></tr>
 *   <tr><td>{@code kernelshap} ({@code kernel_shap}, {@code shap})</td><td>samples</td></tr>
 *   <tr><td>{@code occlusion}</td><td>window (e.g. 1,7,7), strides</td></tr>
 *   <tr><td>{@code feature_ablation} ({@code ablation})</td><td>–</td></tr>
 * </table>
 * All take score, baseline (zero | mean: per-cell mean of the background | a number), batch-size,
 * seed and threads.
 */
public final class PerturbationExplainers {
    private PerturbationExplainers() {
    }

    private static final Map<String, String> ALIASES = Map.of(
            "kernel_shap", KernelShapExplainer.METHOD, "shap", KernelShapExplainer.METHOD,
            "ablation", FeatureAblationExplainer.METHOD);

    /** The methods {@link #byName} knows, by their recorded names. */
    public static List<String> methods() {
        return List.of(LimeExplainer.METHOD, KernelShapExplainer.METHOD, OcclusionExplainer.METHOD,
                FeatureAblationExplainer.METHOD);
    }

    /** The aliases {@link #byName} accepts besides the recorded names. */
    public static List<String> aliases() {
        return ALIASES.keySet().stream().sorted().toList();
    }

    /** Whether {@code method} (or an alias) names a perturbation method. */
    public static boolean knows(String method) {
        return methods().contains(normalise(method));
    }

    /**
     * @param background samples {@code [M,...]} for {@code baseline=mean}; may be null otherwise
     * @throws ExplainException for an unknown method, an option the method does not take, or a
     *                          bad value
     */
    public static PerturbationExplainer byName(String method, Map<String, String> options, FloatTensor background) {
        String m = normalise(method);
        Options o = new Options(m, options);
        PerturbationExplainer e = switch (m) {
            case LimeExplainer.METHOD -> {
                LimeExplainer.Builder b = common(LimeExplainer.builder(), o, background)
                        .samples(o.integer("samples", LimeExplainer.DEFAULT_SAMPLES));
                if (o.has("kernel") || o.has("kernel-width")) {
                    SimilarityKernel.Distance d = o.has("kernel") ? SimilarityKernel.parseDistance(o.get("kernel"))
                            : SimilarityKernel.Distance.COSINE;
                    double width = o.decimal("kernel-width", d == SimilarityKernel.Distance.COSINE
                            ? SimilarityKernel.DEFAULT_WIDTH : 1.0);
                    b.kernel(new SimilarityKernel(d, width));
                }
                if (o.has("features") && o.has("alpha")) {
                    throw new ExplainException("lime: give --features (K-Lasso) or --alpha (ridge), not both");
                }
                if (o.has("features")) {
                    b.surrogate(Surrogate.kLasso(o.integer("features", 1)));
                } else if (o.has("alpha")) {
                    b.surrogate(Surrogate.ridge(o.decimal("alpha", Surrogate.DEFAULT_RIDGE_ALPHA)));
                }
                if (o.has("sampler")) {
                    b.sampler(sampler(o.get("sampler")));
                }
                yield b.build();
            }
            case KernelShapExplainer.METHOD -> {
                KernelShapExplainer.Builder b = common(KernelShapExplainer.builder(), o, background);
                if (o.has("samples")) {
                    b.samples(o.integer("samples", 1));
                }
                yield b.build();
            }
            case OcclusionExplainer.METHOD -> {
                OcclusionExplainer.Builder b = common(OcclusionExplainer.builder(), o, background);
                if (o.has("window")) {
                    b.window(ints(o.get("window"), "window"));
                }
                if (o.has("strides")) {
                    b.strides(ints(o.get("strides"), "strides"));
                }
                yield b.build();
            }
            case FeatureAblationExplainer.METHOD -> common(FeatureAblationExplainer.builder(), o, background).build();
            default -> throw new ExplainException("unknown perturbation method '" + method + "'; known: "
                    + String.join(", ", methods()) + " (aliases: " + String.join(", ", ALIASES.keySet().stream().sorted().toList()) + ")");
        };
        o.rejectUnused();
        return e;
    }

    private static String normalise(String method) {
        String m = method.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return ALIASES.getOrDefault(m, m);
    }

    private static <B extends PerturbationExplainer.Builder<B>> B common(B b, Options o, FloatTensor background) {
        b.batchSize(o.integer("batch-size", PerturbationExplainer.DEFAULT_BATCH_SIZE))
                .seed(o.along("seed", PerturbationExplainer.DEFAULT_SEED))
                .threads(o.integer("threads", 1));
        if (o.has("score")) {
            b.score(Score.parse(o.get("score")));
        }
        if (o.has("baseline")) {
            String v = o.get("baseline").trim().toLowerCase(Locale.ROOT);
            if (v.equals("zero")) {
                b.baseline(PerturbationBaseline.zero());
            } else if (v.equals("mean")) {
                if (background == null) {
                    throw new ExplainException("baseline 'mean' needs a background data set to average; give one, or use"
                            + " --baseline zero");
                }
                b.baseline(PerturbationBaseline.cellMean(background));
            } else {
                try {
                    b.baseline(PerturbationBaseline.constant(Float.parseFloat(v)));
                } catch (NumberFormatException e) {
                    throw new ExplainException("unknown baseline '" + o.get("baseline") + "'; expected zero, mean or a number");
                }
            }
        }
        return b;
    }

    static CoalitionSampler sampler(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("uniform")) {
            return CoalitionSampler.uniform(0.5);
        }
        if (t.equals("uniform-count") || t.equals("uniform_count")) {
            return CoalitionSampler.uniformCount();
        }
        if (t.startsWith("fixed:")) {
            try {
                return CoalitionSampler.fixedCount(Integer.parseInt(t.substring(6)));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new ExplainException("unknown sampler '" + text + "'; expected uniform, uniform-count or fixed:N");
    }

    private static int[] ints(String text, String what) {
        String[] parts = text.split(",");
        int[] out = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                out[i] = Integer.parseInt(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new ExplainException("--" + what + " takes whole numbers separated by commas, e.g. 1,7,7; got '" + text + "'");
        }
        return out;
    }

    /** Options by normalised key, remembering which were read. */
    private static final class Options {
        private final String method;
        private final Map<String, String> values = new LinkedHashMap<>();
        private final Set<String> used = new LinkedHashSet<>();

        Options(String method, Map<String, String> raw) {
            this.method = method;
            if (raw != null) {
                raw.forEach((k, v) -> values.put(k.trim().toLowerCase(Locale.ROOT).replaceFirst("^-+", "").replace('_', '-'),
                        v == null ? "" : v.trim()));
            }
        }

        boolean has(String key) {
            used.add(key);
            return values.containsKey(key);
        }

        String get(String key) {
            used.add(key);
            return values.get(key);
        }

        int integer(String key, int absent) {
            if (!has(key)) {
                return absent;
            }
            try {
                int v = Integer.parseInt(get(key));
                if (v < 1) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new ExplainException("--" + key + " must be a positive whole number; got '" + get(key) + "'");
            }
        }

        long along(String key, long absent) {
            if (!has(key)) {
                return absent;
            }
            try {
                return Long.parseLong(get(key));
            } catch (NumberFormatException e) {
                throw new ExplainException("--" + key + " must be a whole number; got '" + get(key) + "'");
            }
        }

        double decimal(String key, double absent) {
            if (!has(key)) {
                return absent;
            }
            try {
                double v = Double.parseDouble(get(key));
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new ExplainException("--" + key + " must be a finite number >= 0; got '" + get(key) + "'");
            }
        }

        void rejectUnused() {
            List<String> extra = new ArrayList<>();
            for (String k : values.keySet()) {
                if (!used.contains(k)) {
                    extra.add("--" + k);
                }
            }
            if (!extra.isEmpty()) {
                throw new ExplainException("method " + method + " does not take " + String.join(", ", extra)
                        + "; it takes " + String.join(", ", used.stream().map(u -> "--" + u).toList()));
            }
        }
    }
}
