package org.explain4j.explain;

import org.explain4j.ExplainException;
import org.explain4j.explain.cam.Deconvnet;
import org.explain4j.explain.cam.GradCam;
import org.explain4j.explain.cam.GuidedBackprop;
import org.explain4j.explain.cam.GuidedGradCam;
import org.explain4j.explain.gradient.GradientTimesInput;
import org.explain4j.explain.gradient.IntegratedGradients;
import org.explain4j.explain.gradient.IntegrationRule;
import org.explain4j.explain.gradient.Saliency;
import org.explain4j.explain.gradient.SmoothGrad;
import org.explain4j.model.Score;
import org.explain4j.perturb.PerturbationExplainers;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds an explainer from a method name and string options, as the command line gives them.
 *
 * <p>Option keys are the long flag names without dashes ({@code steps}, {@code batch-size};
 * {@code batch_size} and {@code --batch-size} are read alike); flags without a value
 * ({@code absolute}, {@code signed}, {@code squared}, {@code multiply-by-input}) take an empty
 * string or {@code true}/{@code false}. An option the method does not take is an error, so a
 * mistyped flag never goes unnoticed.
 *
 * <table>
 *   <caption>Methods and their options</caption>
 *   <tr><th>method (aliases)</th><th>options</th></tr>
 *   <tr><td>{@code saliency}</td><td>score, absolute | signed</td></tr>
 *   <tr><td>{@code gradxinput} ({@code gradient_x_input}, {@code inputxgradient})</td><td>score</td></tr>
 *   <tr><td>{@code integrated_gradients} ({@code ig})</td>
 *       <td>score, steps, rule, baseline (zero | mean: per-feature mean of the background), batch-size</td></tr>
 *   <tr><td>{@code smoothgrad}</td><td>score, samples, noise, seed, batch-size, squared, multiply-by-input</td></tr>
 *   <tr><td>{@code gradcam}</td><td>layer, score, relu (true/false) | no-relu, cam-scale (none | global | per-lead)
 *       | min-max-scale (= global), lead-groups</td></tr>
 *   <tr><td>{@code guided_backprop} ({@code guidedbackprop}), {@code deconvnet}</td><td>score</td></tr>
 *   <tr><td>{@code guided_gradcam}</td><td>as gradcam</td></tr>
 *   <tr><td>{@code lime}, {@code kernelshap}, {@code occlusion}, {@code feature_ablation} (and their aliases)</td>
 *       <td>as {@link PerturbationExplainers#byName}, which builds them</td></tr>
 * </table>
 *
 * <p>LRP is not here: it reads the ONNX graph, so it lives in explain-onnx
 * ({@code org.explain4j.onnx.lrp.LrpExplainer.fromOptions}).
 */
public final class Explainers {
    private Explainers() {
    }

    private static final Map<String, String> ALIASES = Map.of(
            "guidedbackprop", GuidedBackprop.METHOD,
            "guidedgradcam", GuidedGradCam.METHOD,
            "ig", IntegratedGradients.METHOD,
            "gradient_x_input", GradientTimesInput.METHOD,
            "inputxgradient", GradientTimesInput.METHOD);

    /** The methods {@link #byName} knows, by their recorded names: the gradient family, then the perturbation family. */
    public static List<String> methods() {
        List<String> all = new ArrayList<>(gradientMethods());
        all.addAll(PerturbationExplainers.methods());
        return List.copyOf(all);
    }

    /** The gradient-family methods (they need a model with a gradient graph). */
    public static List<String> gradientMethods() {
        return List.of(Saliency.METHOD, GradientTimesInput.METHOD, IntegratedGradients.METHOD, SmoothGrad.METHOD,
                GradCam.METHOD, GuidedBackprop.METHOD, Deconvnet.METHOD, GuidedGradCam.METHOD);
    }

    /** Whether {@link #byName} knows {@code method} (a recorded name or an alias). */
    public static boolean knows(String method) {
        return gradientMethods().contains(normalise(method)) || PerturbationExplainers.knows(method);
    }

    /** Aliases of both families, sorted, for messages. */
    public static List<String> aliases() {
        List<String> all = new ArrayList<>(ALIASES.keySet());
        all.addAll(PerturbationExplainers.aliases());
        return all.stream().sorted().toList();
    }

    /** {@link #byName(String, Map, FloatTensor)} without a background data set. */
    public static Explainer byName(String method, Map<String, String> options) {
        return byName(method, options, null);
    }

    /**
     * @param background samples {@code [M,...]} for {@code baseline=mean}; may be null otherwise
     * @throws ExplainException for an unknown method, an option the method does not take, or a
     *                          bad option value
     */
    public static Explainer byName(String method, Map<String, String> options, FloatTensor background) {
        if (PerturbationExplainers.knows(method)) {
            return PerturbationExplainers.byName(method, options, background);
        }
        String m = normalise(method);
        Options o = new Options(m, options);
        Explainer e = switch (m) {
            case Saliency.METHOD -> {
                boolean absolute = o.flag("absolute", true);
                boolean signed = o.flag("signed", false);
                if (o.has("absolute") && o.has("signed") && absolute == signed) {
                    throw new ExplainException("saliency: give either --absolute or --signed, not both");
                }
                yield Saliency.builder().score(o.score()).absolute(o.has("signed") ? !signed : absolute).build();
            }
            case GradientTimesInput.METHOD -> GradientTimesInput.builder().score(o.score()).build();
            case IntegratedGradients.METHOD -> IntegratedGradients.builder()
                    .score(o.score())
                    .steps(o.integer("steps", IntegratedGradients.DEFAULT_STEPS))
                    .rule(o.has("rule") ? IntegrationRule.parse(o.get("rule")) : IntegrationRule.GAUSS_LEGENDRE)
                    .baseline(baseline(o, background))
                    .batchSize(o.integer("batch-size", IntegratedGradients.DEFAULT_BATCH_SIZE))
                    .build();
            case SmoothGrad.METHOD -> SmoothGrad.builder()
                    .score(o.score())
                    .samples(o.integer("samples", SmoothGrad.DEFAULT_SAMPLES))
                    .noiseLevel(o.decimal("noise", SmoothGrad.DEFAULT_NOISE_LEVEL))
                    .seed(o.along("seed", SmoothGrad.DEFAULT_SEED))
                    .batchSize(o.integer("batch-size", SmoothGrad.DEFAULT_BATCH_SIZE))
                    .squared(o.flag("squared", false))
                    .multiplyByInput(o.flag("multiply-by-input", false))
                    .build();
            case GradCam.METHOD -> gradCam(o);
            case GuidedBackprop.METHOD -> new GuidedBackprop(o.score());
            case Deconvnet.METHOD -> new Deconvnet(o.score());
            case GuidedGradCam.METHOD -> new GuidedGradCam(gradCam(o));
            default -> throw new ExplainException("unknown method '" + method + "'; known methods: "
                    + String.join(", ", methods()) + " (aliases: " + String.join(", ", aliases()) + ")"
                    + (m.equals("lrp") ? "; lrp reads the ONNX graph: build it with LrpExplainer (explain-onnx)" : ""));
        };
        o.rejectUnused();
        return e;
    }

    /** Grad-CAM from its options (also the map of guided Grad-CAM). */
    private static GradCam gradCam(Options o) {
        if (!o.has("layer")) {
            throw new ExplainException(o.method + " needs --layer <tensor name>: the conv layer whose feature maps "
                    + "weight the map (see the model's tensors with `explain4j models` or an ONNX viewer)");
        }
        boolean relu = !o.flag("no-relu", false);
        if (o.has("relu")) {
            boolean given = o.flag("relu", true);
            if (o.has("no-relu") && given != relu) {
                throw new ExplainException(o.method + ": --relu " + o.get("relu") + " contradicts --no-relu");
            }
            relu = given;
        }
        GradCam.Scale scale = GradCam.Scale.NONE;
        if (o.has("min-max-scale") && o.flag("min-max-scale", false)) {
            scale = GradCam.Scale.GLOBAL;
        }
        String scaleKey = o.has("cam-scale") ? "cam-scale" : o.has("scale") ? "scale" : null;
        if (scaleKey != null) {
            GradCam.Scale given = GradCam.Scale.parse(o.get(scaleKey));
            if (o.has("min-max-scale") && o.flag("min-max-scale", false) && given == GradCam.Scale.NONE) {
                throw new ExplainException(o.method + ": --min-max-scale contradicts --" + scaleKey + " none");
            }
            scale = given;
        }
        int groups = o.has("lead-groups") ? o.integer("lead-groups", 0) : 0;
        return GradCam.builder(o.get("layer")).score(o.score()).relu(relu).scale(scale).leadGroups(groups).build();
    }

    private static String normalise(String method) {
        String m = method.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return ALIASES.getOrDefault(m, m);
    }

    private static Baseline baseline(Options o, FloatTensor background) {
        String b = o.has("baseline") ? o.get("baseline").trim().toLowerCase(Locale.ROOT) : "zero";
        return switch (b) {
            case "zero" -> Baseline.zero();
            case "mean" -> {
                if (background == null) {
                    throw new ExplainException("baseline 'mean' needs a background data set to average; give one,"
                            + " or use --baseline zero");
                }
                yield Baseline.meanOf(background);
            }
            default -> throw new ExplainException("unknown baseline '" + o.get("baseline") + "'; expected zero or mean");
        };
    }

    /** Options by normalised key, remembering which were read. */
    private static final class Options {
        private final String method;
        private final Map<String, String> values = new LinkedHashMap<>();
        private final Set<String> used = new LinkedHashSet<>();

        Options(String method, Map<String, String> raw) {
            this.method = method;
            if (raw != null) {
                raw.forEach((k, v) -> {
                    String key = k.trim().toLowerCase(Locale.ROOT).replaceFirst("^-+", "").replace('_', '-');
                    values.put(key, v == null ? "" : v.trim());
                });
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

        Score score() {
            return has("score") ? Score.parse(get("score")) : null;
        }

        boolean flag(String key, boolean absent) {
            if (!has(key)) {
                return absent;
            }
            return switch (get(key).toLowerCase(Locale.ROOT)) {
                case "", "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new ExplainException("--" + key + " takes no value or true/false; got '" + get(key) + "'");
            };
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
