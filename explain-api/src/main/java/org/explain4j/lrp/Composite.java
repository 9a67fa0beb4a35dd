package org.explain4j.lrp;

import org.explain4j.ExplainException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which {@link Rule} applies to which layer. A layer is matched, most specific first, by
 * <ol>
 *   <li>the name of one of its nodes ({@code node:/conv1/Conv=gamma});</li>
 *   <li>being a first layer: a dense or convolutional layer that reads the input with no other
 *       weighted layer in between ({@code first=flat});</li>
 *   <li>its op type ({@code Conv=zplus}, ONNX spelling);</li>
 *   <li>its kind ({@code conv=zplus}, see {@link LayerKind});</li>
 *   <li>the default rule.</li>
 * </ol>
 * Element-wise activations, pooling by maximum and shape operations have no choice: they pass
 * relevance through, or to the winner.
 *
 * <p>Named presets ({@link #preset}) cover the usual choices; {@link #parse} reads a preset name or
 * a list such as {@code "epsilon-plus, first=flat, node:/fc/Gemm=epsilon(0.1)"}.
 */
public final class Composite {

    /** Kinds of layer a rule is chosen for. */
    public enum LayerKind {
        /** Fully connected: Gemm, MatMul. */
        DENSE,
        /** Convolution. */
        CONV,
        /** Averaging and summing pools and reductions: AveragePool, GlobalAveragePool, ReduceMean, ReduceSum. */
        POOL,
        /** Sums of computed tensors: Add/Sub/Sum of two or more branches (residual connections). */
        SUM,
        /** Recurrent cells (LSTM): the rule for the cell-state split and the cell candidate's input. */
        RECURRENT;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The presets {@link #preset} knows, with what they do. */
    public static final Map<String, String> PRESETS;

    static {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("epsilon", "the epsilon rule everywhere");
        p.put("epsilon-plus", "zplus on convolutions, epsilon elsewhere");
        p.put("epsilon-plus-flat", "epsilon-plus with the flat rule on the first layer");
        p.put("epsilon-alpha2-beta1", "alpha2beta1 on convolutions, epsilon elsewhere");
        p.put("epsilon-alpha2-beta1-flat", "epsilon-alpha2-beta1 with the flat rule on the first layer");
        p.put("epsilon-gamma", "gamma(0.25) on convolutions, epsilon elsewhere");
        p.put("epsilon-w2", "epsilon everywhere, w2 on the first layer");
        p.put("zplus", "zplus (alpha1beta0) everywhere");
        PRESETS = java.util.Collections.unmodifiableMap(p);
    }

    private final String name;
    private final Rule defaultRule;
    private final Map<LayerKind, Rule> byKind;
    private final Map<String, Rule> byOpType;
    private final Map<String, Rule> byNodeName;
    private final Rule firstLayer;

    private Composite(String name, Rule defaultRule, Map<LayerKind, Rule> byKind, Map<String, Rule> byOpType,
                      Map<String, Rule> byNodeName, Rule firstLayer) {
        this.name = name;
        this.defaultRule = Objects.requireNonNull(defaultRule, "default rule");
        this.byKind = Map.copyOf(byKind);
        this.byOpType = Map.copyOf(byOpType);
        this.byNodeName = Map.copyOf(byNodeName);
        this.firstLayer = firstLayer;
    }

    /** One rule everywhere. */
    public static Composite uniform(Rule rule) {
        return builder(rule).name(rule.text()).build();
    }

    public static Builder builder(Rule defaultRule) {
        return new Builder(defaultRule);
    }

    /**
     * A named preset; its ε rules use {@code epsilon}.
     *
     * @throws ExplainException listing the presets for an unknown name
     */
    public static Composite preset(String presetName, double epsilon) {
        String key = presetName.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        Rule eps = Rule.epsilon(epsilon);
        Builder b = builder(eps).name(key);
        switch (key) {
            case "epsilon" -> {
            }
            case "epsilon-plus" -> b.kind(LayerKind.CONV, Rule.zPlus());
            case "epsilon-plus-flat" -> b.kind(LayerKind.CONV, Rule.zPlus()).firstLayer(Rule.flat());
            case "epsilon-alpha2-beta1" -> b.kind(LayerKind.CONV, Rule.alphaBeta(2, 1));
            case "epsilon-alpha2-beta1-flat" -> b.kind(LayerKind.CONV, Rule.alphaBeta(2, 1)).firstLayer(Rule.flat());
            case "epsilon-gamma" -> b.kind(LayerKind.CONV, Rule.gamma(Rule.DEFAULT_GAMMA));
            case "epsilon-w2" -> b.firstLayer(Rule.wSquare());
            case "zplus" -> b.defaultRule(Rule.zPlus());
            default -> throw new ExplainException("unknown LRP composite '" + presetName + "'; presets: "
                    + String.join(", ", PRESETS.keySet()) + ", or a list such as 'epsilon, conv=zplus, first=flat'");
        }
        return b.build();
    }

    /**
     * Reads a preset name, or a comma- or semicolon-separated list of entries: a preset name
     * (the base, at most one, first), {@code default=RULE}, {@code first=RULE},
     * {@code dense|conv|pool|sum|recurrent=RULE}, {@code OpType=RULE} (ONNX spelling, e.g.
     * {@code Conv}) and {@code node:NAME=RULE}. Rules are read by {@link Rule#parse}.
     */
    public static Composite parse(String spec, double epsilon) {
        String s = spec.trim();
        if (s.isEmpty()) {
            throw new ExplainException("empty LRP composite; give a preset (" + String.join(", ", PRESETS.keySet())
                    + ") or a list such as 'epsilon, conv=zplus, first=flat'");
        }
        List<String> entries = new ArrayList<>();
        // split on , or ; outside parentheses (rules such as alphabeta(2,1) hold commas)
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            if ((c == ',' || c == ';') && depth == 0) {
                entries.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        entries.add(cur.toString().trim());
        entries.removeIf(String::isEmpty);
        Builder b;
        int start = 0;
        if (!entries.get(0).contains("=")) {
            Composite base = preset(entries.get(0), epsilon);
            b = base.toBuilder();
            start = 1;
        } else {
            b = builder(Rule.epsilon(epsilon));
        }
        if (entries.size() == 1 && start == 1) {
            return b.build();
        }
        b.name(s);
        for (int i = start; i < entries.size(); i++) {
            String e = entries.get(i);
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new ExplainException("LRP composite entry '" + e + "' is not KEY=RULE (a preset name may only"
                        + " come first); keys: default, first, dense, conv, pool, sum, recurrent, an ONNX op type,"
                        + " node:NAME");
            }
            String key = e.substring(0, eq).trim();
            Rule rule = Rule.parse(e.substring(eq + 1), epsilon);
            String lower = key.toLowerCase(Locale.ROOT);
            if (lower.equals("default")) {
                b.defaultRule(rule);
            } else if (lower.equals("first")) {
                b.firstLayer(rule);
            } else if (key.startsWith("node:")) {
                b.node(key.substring("node:".length()), rule);
            } else if (key.equals(lower) && kindOf(lower) != null) {
                b.kind(kindOf(lower), rule);
            } else if (Character.isUpperCase(key.charAt(0))) {
                b.opType(key, rule);
            } else {
                throw new ExplainException("unknown LRP composite key '" + key + "'; keys: default, first, dense, conv,"
                        + " pool, sum, recurrent, an ONNX op type (e.g. Conv), node:NAME");
            }
        }
        return b.build();
    }

    private static LayerKind kindOf(String key) {
        for (LayerKind k : LayerKind.values()) {
            if (k.key().equals(key)) {
                return k;
            }
        }
        return null;
    }

    /**
     * The rule for a layer.
     *
     * @param nodeNames  the names of the layer's nodes (several when nodes were fused, e.g. MatMul + Add)
     * @param firstLayer whether it is a dense or convolutional layer with no weighted layer before it
     */
    public Rule ruleFor(LayerKind kind, String opType, Collection<String> nodeNames, boolean firstLayer) {
        for (String n : nodeNames) {
            Rule r = byNodeName.get(n);
            if (r != null) {
                return r;
            }
        }
        if (firstLayer && this.firstLayer != null && (kind == LayerKind.DENSE || kind == LayerKind.CONV)) {
            return this.firstLayer;
        }
        Rule r = byOpType.get(opType);
        if (r != null) {
            return r;
        }
        r = byKind.get(kind);
        return r != null ? r : defaultRule;
    }

    /** A copy whose ε rules all use {@code epsilon} (the command line's {@code --lrp-epsilon}). */
    public Composite withEpsilon(double epsilon) {
        Map<LayerKind, Rule> k = new LinkedHashMap<>();
        byKind.forEach((key, r) -> k.put(key, r.withEpsilon(epsilon)));
        Map<String, Rule> o = new LinkedHashMap<>();
        byOpType.forEach((key, r) -> o.put(key, r.withEpsilon(epsilon)));
        Map<String, Rule> n = new LinkedHashMap<>();
        byNodeName.forEach((key, r) -> n.put(key, r.withEpsilon(epsilon)));
        return new Composite(name, defaultRule.withEpsilon(epsilon), k, o, n,
                firstLayer == null ? null : firstLayer.withEpsilon(epsilon));
    }

    public String name() {
        return name;
    }

    /** Every entry as {@link #parse} reads it, e.g. {@code default=epsilon(0.01), conv=zplus, first=flat}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add("default=" + defaultRule.text());
        if (firstLayer != null) {
            parts.add("first=" + firstLayer.text());
        }
        byKind.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> parts.add(e.getKey().key() + "=" + e.getValue().text()));
        byOpType.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> parts.add(e.getKey() + "=" + e.getValue().text()));
        byNodeName.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> parts.add("node:" + e.getKey() + "=" + e.getValue().text()));
        return String.join(", ", parts);
    }

    @Override
    public String toString() {
        return "Composite[" + name + ": " + describe() + "]";
    }

    Builder toBuilder() {
        Builder b = new Builder(defaultRule).name(name);
        b.byKind.putAll(byKind);
        b.byOpType.putAll(byOpType);
        b.byNodeName.putAll(byNodeName);
        b.firstLayer = firstLayer;
        return b;
    }

    public static final class Builder {
        private String name = "custom";
        private Rule defaultRule;
        private final Map<LayerKind, Rule> byKind = new LinkedHashMap<>();
        private final Map<String, Rule> byOpType = new LinkedHashMap<>();
        private final Map<String, Rule> byNodeName = new LinkedHashMap<>();
        private Rule firstLayer;

        private Builder(Rule defaultRule) {
            this.defaultRule = Objects.requireNonNull(defaultRule, "default rule");
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder defaultRule(Rule rule) {
            this.defaultRule = Objects.requireNonNull(rule);
            return this;
        }

        public Builder kind(LayerKind kind, Rule rule) {
            byKind.put(kind, Objects.requireNonNull(rule));
            return this;
        }

        /** A rule for an ONNX op type, e.g. {@code Conv}. */
        public Builder opType(String opType, Rule rule) {
            byOpType.put(opType, Objects.requireNonNull(rule));
            return this;
        }

        public Builder node(String nodeName, Rule rule) {
            byNodeName.put(nodeName, Objects.requireNonNull(rule));
            return this;
        }

        /** The rule for dense and convolutional layers that read the input with no weighted layer between. */
        public Builder firstLayer(Rule rule) {
            this.firstLayer = rule;
            return this;
        }

        public Composite build() {
            return new Composite(name, defaultRule, byKind, byOpType, byNodeName, firstLayer);
        }
    }
}
