import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dev tool: checks the exported reference models with ONNX Runtime against the float64 golden
 * files written by the Python side (nothing else; no dependency but the ORT jar).
 *
 * <pre>
 * ORT=~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.29.0/onnxruntime-1.29.0.jar
 * java -cp $ORT models-onnx/python/CheckOnnx.java [tolerance] [model ...]
 * </pre>
 * Run from the repository root; without model names it checks every name in models/index.txt.
 * For each model and golden sample it compares
 * <ul>
 * <li>forward {@code <name>.onnx}: logits (all samples in one batch, and the first alone);</li>
 * <li>gradient {@code <name>.grad.onnx} (fixed batch B): logits, ∂logit_c/∂x (w = one-hot c),
 * ∂softmax_c/∂x (w_j = p_c (δ_cj − p_j) with the golden probabilities), and Integrated Gradients
 * riemann_middle_50 and gausslegendre_64 of the predicted logit, evaluated through the graph.</li>
 * </ul>
 * Error = max |onnx − golden| / max |golden| per compared vector ("rel"), and max |onnx − golden|
 * ("abs"). Exit status 1 if any rel error exceeds the tolerance (default 1e-4).
 */
public class CheckOnnx {
    static final Path RES = Path.of("models-onnx/src/main/resources/explain4j");
    static double worstRel = 0;

    public static void main(String[] args) throws Exception {
        double tol = 1e-4;
        List<String> names = new ArrayList<>();
        for (String a : args) {
            if (Character.isDigit(a.charAt(0))) tol = Double.parseDouble(a);
            else names.add(a);
        }
        if (names.isEmpty()) {
            for (String l : Files.readAllLines(RES.resolve("models/index.txt"))) {
                if (!l.isBlank()) names.add(l.trim());
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        boolean ok = true;
        for (String name : names) {
            if (Files.isDirectory(RES.resolve("golden/" + name))) {
                // the ECG models keep their golden values in a folder of .npy files
                System.out.println(name + ": skipped (golden folder; checked by CheckEcg.java)");
                continue;
            }
            worstRel = 0;
            check(env, name);
            System.out.printf("%s: worst rel err %.3g%n", name, worstRel);
            ok &= worstRel <= tol;
        }
        System.out.println(ok ? "OK (tolerance " + tol + ")" : "FAILED (tolerance " + tol + ")");
        System.exit(ok ? 0 : 1);
    }

    @SuppressWarnings("unchecked")
    static void check(OrtEnvironment env, String name) throws Exception {
        Map<String, Object> golden = (Map<String, Object>) new Json(
                Files.readString(RES.resolve("golden/" + name + ".golden.json"))).value();
        Map<String, Object> side = (Map<String, Object>) new Json(
                Files.readString(RES.resolve("models/" + name + "/" + name + ".json"))).value();
        Map<String, Object> gspec = (Map<String, Object>) side.get("gradient");
        int batch = ((Number) gspec.get("batch")).intValue();
        List<Object> shapeL = (List<Object>) golden.get("input_shape");
        long[] sampleShape = shapeL.stream().mapToLong(o -> ((Number) o).longValue()).toArray();
        int d = 1;
        for (long s : sampleShape) d *= (int) s;
        int nc = ((Number) golden.get("classes")).intValue();
        List<Map<String, Object>> samples = (List<Map<String, Object>>) golden.get("samples");
        int k = samples.size();

        Path dir = RES.resolve("models/" + name);
        try (OrtSession fwd = env.createSession(dir.resolve(name + ".onnx").toString());
             OrtSession grad = env.createSession(dir.resolve((String) gspec.get("file")).toString())) {
            // forward: all K samples in one batch
            float[] xs = new float[k * d];
            for (int i = 0; i < k; i++) {
                double[] x = arr(samples.get(i).get("x"));
                for (int j = 0; j < d; j++) xs[i * d + j] = (float) x[j];
            }
            float[] y = runFwd(env, fwd, xs, k, sampleShape);
            for (int i = 0; i < k; i++) {
                compare(name + " fwd logits s" + i, slice(y, i * nc, nc), arr(samples.get(i).get("logits")));
            }
            // dynamic batch: the first sample alone (batch 1)
            compare(name + " fwd logits batch1 s0", runFwd(env, fwd, slice(xs, 0, d), 1, sampleShape),
                    arr(samples.get(0).get("logits")));
            // gradient graph
            for (int i = 0; i < k; i++) {
                Map<String, Object> s = samples.get(i);
                double[] x = arr(s.get("x"));
                double[] probs = arr(s.get("probs"));
                List<Object> gl = (List<Object>) s.get("grad_logit");
                List<Object> gp = (List<Object>) s.get("grad_prob");
                // rows 0..nc-1: one-hot cotangents; rows nc..2nc-1: softmax cotangents
                float[] xb = new float[batch * d];
                float[] wb = new float[batch * nc];
                for (int r = 0; r < batch; r++) {
                    for (int j = 0; j < d; j++) xb[r * d + j] = (float) x[j];
                }
                for (int c = 0; c < nc; c++) {
                    wb[c * nc + c] = 1f;
                    for (int j = 0; j < nc; j++) {
                        wb[(nc + c) * nc + j] = (float) (probs[c] * ((c == j ? 1 : 0) - probs[j]));
                    }
                }
                float[][] out = runGrad(env, grad, xb, wb, batch, sampleShape, nc);
                compare(name + " grad-graph logits s" + i, slice(out[0], 0, nc), arr(s.get("logits")));
                for (int c = 0; c < nc; c++) {
                    compare(name + " grad_logit s" + i + " c" + c, slice(out[1], c * d, d), arr(gl.get(c)));
                    compare(name + " grad_prob  s" + i + " c" + c, slice(out[1], (nc + c) * d, d), arr(gp.get(c)));
                }
                Map<String, Object> ig = (Map<String, Object>) s.get("ig");
                int target = ((Number) ig.get("target")).intValue();
                compare(name + " IG riemann_middle_50 s" + i,
                        ig(env, grad, x, target, middle(50), batch, sampleShape, nc),
                        arr(ig.get("riemann_middle_50")));
                compare(name + " IG gausslegendre_64 s" + i,
                        ig(env, grad, x, target, gaussLegendre(64), batch, sampleShape, nc),
                        arr(ig.get("gausslegendre_64")));
            }
        }
    }

    /** IG with zero baseline through the gradient graph; nodes[0] = alphas, nodes[1] = weights. */
    static double[] ig(OrtEnvironment env, OrtSession grad, double[] x, int target, double[][] nodes,
                       int batch, long[] shape, int nc) throws Exception {
        int d = x.length;
        double[] acc = new double[d];
        int n = nodes[0].length;
        for (int start = 0; start < n; start += batch) {
            float[] xb = new float[batch * d];
            float[] wb = new float[batch * nc];
            for (int r = 0; r < batch && start + r < n; r++) {
                for (int j = 0; j < d; j++) xb[r * d + j] = (float) (nodes[0][start + r] * x[j]);
                wb[r * nc + target] = 1f;
            }
            float[] g = runGrad(env, grad, xb, wb, batch, shape, nc)[1];
            for (int r = 0; r < batch && start + r < n; r++) {
                for (int j = 0; j < d; j++) acc[j] += nodes[1][start + r] * g[r * d + j];
            }
        }
        for (int j = 0; j < d; j++) acc[j] *= x[j];
        return acc;
    }

    static double[][] middle(int n) {
        double[][] r = new double[2][n];
        for (int k = 0; k < n; k++) {
            r[0][k] = (k + 0.5) / n;
            r[1][k] = 1.0 / n;
        }
        return r;
    }

    /** Gauss-Legendre on [0,1] (Newton on P_n), as numpy leggauss mapped by (t+1)/2, w/2. */
    static double[][] gaussLegendre(int n) {
        double[][] r = new double[2][n];
        for (int i = 0; i < n; i++) {
            double t = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int it = 0; it < 100; it++) {
                double p0 = 1, p1 = t;
                for (int k = 2; k <= n; k++) {
                    double p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                dp = n * (t * p1 - p0) / (t * t - 1);
                double dt = p1 / dp;
                t -= dt;
                if (Math.abs(dt) < 1e-16) break;
            }
            r[0][i] = (t + 1) / 2;
            r[1][i] = 1.0 / ((1 - t * t) * dp * dp);   // = 2/((1-t^2)P'^2) / 2
        }
        return r;
    }

    static float[] runFwd(OrtEnvironment env, OrtSession s, float[] x, int n, long[] shape) throws Exception {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), prepend(n, shape));
             OrtSession.Result r = s.run(Map.of("x", t))) {
            return flat((OnnxTensor) r.get("y").get());
        }
    }

    static float[][] runGrad(OrtEnvironment env, OrtSession s, float[] x, float[] w, int b, long[] shape, int nc)
            throws Exception {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try (OnnxTensor tx = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), prepend(b, shape));
             OnnxTensor tw = OnnxTensor.createTensor(env, FloatBuffer.wrap(w), new long[]{b, nc})) {
            in.put("x", tx);
            in.put("w", tw);
            try (OrtSession.Result r = s.run(in)) {
                return new float[][]{flat((OnnxTensor) r.get("y").get()), flat((OnnxTensor) r.get("grad_x").get())};
            }
        }
    }

    static float[] flat(OnnxTensor t) {
        FloatBuffer fb = t.getFloatBuffer();
        float[] a = new float[fb.remaining()];
        fb.get(a);
        return a;
    }

    static long[] prepend(long n, long[] shape) {
        long[] s = new long[shape.length + 1];
        s[0] = n;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    static float[] slice(float[] a, int off, int len) {
        float[] r = new float[len];
        System.arraycopy(a, off, r, 0, len);
        return r;
    }

    static double[] arr(Object o) {
        List<?> l = (List<?>) o;
        double[] r = new double[l.size()];
        for (int i = 0; i < r.length; i++) r[i] = ((Number) l.get(i)).doubleValue();
        return r;
    }

    static void compare(String what, float[] got, double[] want) {
        compare(what, toDouble(got), want);
    }

    static double[] toDouble(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    static void compare(String what, double[] got, double[] want) {
        if (got.length != want.length) throw new IllegalStateException(what + ": length " + got.length + " vs " + want.length);
        double maxAbs = 0, scale = 0;
        for (int i = 0; i < got.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(got[i] - want[i]));
            scale = Math.max(scale, Math.abs(want[i]));
        }
        double rel = scale == 0 ? maxAbs : maxAbs / scale;
        worstRel = Math.max(worstRel, rel);
        if (System.getenv("CHECK_VERBOSE") != null) {
            System.out.printf("  %-40s abs %.3g rel %.3g (scale %.3g)%n", what, maxAbs, rel, scale);
        }
    }

    /** Minimal JSON reader: objects -> LinkedHashMap, arrays -> ArrayList, numbers -> Double. */
    static final class Json {
        final String s;
        int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    ws();
                    String k = str();
                    ws();
                    i++; // ':'
                    m.put(k, value());
                    ws();
                    if (s.charAt(i++) == '}') return m;
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i++) == ']') return l;
                }
            }
            if (c == '"') return str();
            if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            int st = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            return Double.parseDouble(s.substring(st, i));
        }

        String str() {
            StringBuilder b = new StringBuilder();
            i++;
            while (s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
            i++;
            return b.toString();
        }

        void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }
    }
}
