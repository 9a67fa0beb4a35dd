import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dev tool: checks the ECG reference models (ecg_resnet, ecg_perlead) with ONNX Runtime against
 * the float64 golden folder golden/&lt;name&gt;/ written by train_ecg.py (golden.json + .npy).
 *
 * <pre>
 * ORT=~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.29.0/onnxruntime-1.29.0.jar
 * java -cp $ORT models-onnx/python/CheckEcg.java [tolerance] [model ...]
 * </pre>
 * Compares, per golden sample: forward logits (batch of all samples and batch 1); through
 * {@code .grad.onnx}: ∂y_c/∂x (one-hot w) and Integrated Gradients Gauss-Legendre 64 (zero
 * baseline); through {@code .cam.grad.onnx}: the layer activation, Grad-CAM raw / ReLU / upsampled
 * (linear, align_corners=False) and, for ecg_perlead, the 12 per-lead maps, all computed here from
 * act and grad_act. Error = max |onnx − golden| / max |golden| ("rel"); also prints max abs.
 * Exit status 1 if any rel error exceeds the tolerance (default 1e-4).
 */
public class CheckEcg {
    static final Path RES = Path.of("models-onnx/src/main/resources/explain4j");
    static double worstRel = 0;

    public static void main(String[] args) throws Exception {
        double tol = 1e-4;
        List<String> names = new ArrayList<>();
        for (String a : args) {
            if (Character.isDigit(a.charAt(0))) tol = Double.parseDouble(a);
            else names.add(a);
        }
        if (names.isEmpty()) names = List.of("ecg_resnet", "ecg_perlead");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        boolean ok = true;
        for (String name : names) {
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
        Path gdir = RES.resolve("golden/" + name);
        Map<String, Object> golden = (Map<String, Object>) new Json(Files.readString(gdir.resolve("golden.json"))).value();
        Map<String, Object> side = (Map<String, Object>) new Json(
                Files.readString(RES.resolve("models/" + name + "/" + name + ".json"))).value();
        int batch = ((Number) ((Map<String, Object>) side.get("gradient")).get("batch")).intValue();
        Map<String, Object> lg = (Map<String, Object>) side.get("layer_gradient");
        boolean perLead = side.containsKey("lead_groups");
        long[] shape = {12, 2048};
        int d = 12 * 2048, nc = 6;
        List<Map<String, Object>> samples = (List<Map<String, Object>>) golden.get("samples");
        int k = samples.size();
        Path dir = RES.resolve("models/" + name);
        // the golden inputs are the rows of the float32 example .npy (golden.json "x_file")
        double[] ex = npy(dir.resolve((String) golden.get("x_file")));
        double[][] xs = new double[k][];
        for (int i = 0; i < k; i++) xs[i] = slice(ex, i * d, d);
        try (OrtSession fwd = env.createSession(dir.resolve(name + ".onnx").toString());
             OrtSession grad = env.createSession(dir.resolve(name + ".grad.onnx").toString());
             OrtSession cam = env.createSession(dir.resolve((String) lg.get("file")).toString())) {
            float[] xb = new float[k * d];
            for (int i = 0; i < k; i++) for (int j = 0; j < d; j++) xb[i * d + j] = (float) xs[i][j];
            float[] y = (float[]) run(env, fwd, Map.of("x", xb), new long[]{k, 12, 2048}, null, "y")[0];
            for (int i = 0; i < k; i++) compare(name + " fwd logits s" + i, toD(slice(y, i * nc, nc)), arr(samples.get(i).get("logits")));
            float[] y1 = (float[]) run(env, fwd, Map.of("x", slice(xb, 0, d)), new long[]{1, 12, 2048}, null, "y")[0];
            compare(name + " fwd logits batch1 s0", toD(y1), arr(samples.get(0).get("logits")));

            // gradient graph: rows 0..k-1 = sample i with w = one-hot(target_i)
            float[] gx = new float[batch * d];
            float[] gw = new float[batch * nc];
            for (int i = 0; i < k; i++) {
                System.arraycopy(xb, i * d, gx, i * d, d);
                gw[i * nc + target(samples.get(i))] = 1f;
            }
            Object[] out = run(env, grad, Map.of("x", gx, "w", gw), new long[]{batch, 12, 2048}, new long[]{batch, nc}, "y", "grad_x");
            for (int i = 0; i < k; i++) {
                compare(name + " grad-graph logits s" + i, toD(slice((float[]) out[0], i * nc, nc)), arr(samples.get(i).get("logits")));
                compare(name + " grad_logit s" + i, toD(slice((float[]) out[1], i * d, d)), npy(gdir.resolve(file(samples.get(i), "grad_logit"))));
            }
            double[][] gl = gaussLegendre(64);
            for (int i = 0; i < k; i++) {
                double[] acc = new double[d];
                for (int st = 0; st < 64; st += batch) {
                    float[] px = new float[batch * d];
                    float[] pw = new float[batch * nc];
                    for (int r = 0; r < batch && st + r < 64; r++) {
                        for (int j = 0; j < d; j++) px[r * d + j] = (float) (gl[0][st + r] * xs[i][j]);
                        pw[r * nc + target(samples.get(i))] = 1f;
                    }
                    float[] g = (float[]) run(env, grad, Map.of("x", px, "w", pw), new long[]{batch, 12, 2048}, new long[]{batch, nc}, "y", "grad_x")[1];
                    for (int r = 0; r < batch && st + r < 64; r++) {
                        for (int j = 0; j < d; j++) acc[j] += gl[1][st + r] * g[r * d + j];
                    }
                }
                for (int j = 0; j < d; j++) acc[j] *= xs[i][j];
                compare(name + " IG gausslegendre_64 s" + i, acc, npy(gdir.resolve(file(samples.get(i), "ig_gausslegendre_64"))));
            }

            // layer gradient graph: act, grad_act -> Grad-CAM
            Object[] co = run(env, cam, Map.of("x", gx, "w", gw), new long[]{batch, 12, 2048}, new long[]{batch, nc}, "y", "act", "grad_act");
            List<Object> ash = (List<Object>) golden.get("activation_shape");
            int kc = ((Number) ash.get(0)).intValue(), len = ((Number) ash.get(1)).intValue();
            for (int i = 0; i < k; i++) {
                Map<String, Object> s = samples.get(i);
                double[] a = toD(slice((float[]) co[1], i * kc * len, kc * len));
                double[] ga = toD(slice((float[]) co[2], i * kc * len, kc * len));
                compare(name + " cam-graph logits s" + i, toD(slice((float[]) co[0], i * nc, nc)), arr(s.get("logits")));
                compare(name + " act s" + i, a, npy(gdir.resolve(file(s, "act"))));
                double[] alpha = new double[kc];
                for (int c = 0; c < kc; c++) {
                    for (int t = 0; t < len; t++) alpha[c] += ga[c * len + t];
                    alpha[c] /= len;
                }
                double[] map = new double[len];
                double[] lead = new double[12 * len];
                for (int c = 0; c < kc; c++) {
                    for (int t = 0; t < len; t++) {
                        map[t] += alpha[c] * a[c * len + t];
                        if (perLead) lead[(c / (kc / 12)) * len + t] += alpha[c] * a[c * len + t];
                    }
                }
                compare(name + " gradcam_raw s" + i, map, npy(gdir.resolve(file(s, "gradcam_raw"))));
                double[] relu = map.clone();
                for (int t = 0; t < len; t++) relu[t] = Math.max(0, relu[t]);
                compare(name + " gradcam_relu s" + i, relu, npy(gdir.resolve(file(s, "gradcam_relu"))));
                compare(name + " gradcam_upsampled_raw s" + i, upsample(map, 2048), npy(gdir.resolve(file(s, "gradcam_upsampled_raw"))));
                if (perLead) compare(name + " gradcam_per_lead_raw s" + i, lead, npy(gdir.resolve(file(s, "gradcam_per_lead_raw"))));
            }
        }
    }

    /** PyTorch F.interpolate(mode="linear", align_corners=False). */
    static double[] upsample(double[] v, int n) {
        double[] r = new double[n];
        double scale = (double) v.length / n;
        for (int i = 0; i < n; i++) {
            double src = Math.max(0, (i + 0.5) * scale - 0.5);
            int i0 = Math.min((int) Math.floor(src), v.length - 1);
            int i1 = Math.min(i0 + 1, v.length - 1);
            double f = src - i0;
            r[i] = v[i0] * (1 - f) + v[i1] * f;
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    static String file(Map<String, Object> s, String key) {
        return (String) ((Map<String, Object>) s.get("files")).get(key);
    }

    static int target(Map<String, Object> s) {
        return ((Number) s.get("target")).intValue();
    }

    static Object[] run(OrtEnvironment env, OrtSession s, Map<String, float[]> in, long[] xShape, long[] wShape,
                        String... outs) throws Exception {
        Map<String, OnnxTensor> t = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, float[]> e : in.entrySet()) {
                long[] sh = e.getKey().equals("x") ? xShape : wShape;
                t.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()), sh));
            }
            try (OrtSession.Result r = s.run(t)) {
                Object[] res = new Object[outs.length];
                for (int i = 0; i < outs.length; i++) {
                    FloatBuffer fb = ((OnnxTensor) r.get(outs[i]).get()).getFloatBuffer();
                    float[] a = new float[fb.remaining()];
                    fb.get(a);
                    res[i] = a;
                }
                return res;
            }
        } finally {
            for (OnnxTensor x : t.values()) x.close();
        }
    }

    /** .npy v1.0 reader for little-endian float64 ('<f8') or float32 ('<f4'), C order. */
    static double[] npy(Path p) throws Exception {
        byte[] b = Files.readAllBytes(p);
        int hl = (b[8] & 0xff) | ((b[9] & 0xff) << 8);
        String h = new String(b, 10, hl, StandardCharsets.ISO_8859_1);
        ByteBuffer bb = ByteBuffer.wrap(b, 10 + hl, b.length - 10 - hl).order(ByteOrder.LITTLE_ENDIAN);
        if (h.contains("'<f8'")) {
            double[] r = new double[bb.remaining() / 8];
            bb.asDoubleBuffer().get(r);
            return r;
        }
        if (h.contains("'<f4'")) {
            float[] f = new float[bb.remaining() / 4];
            bb.asFloatBuffer().get(f);
            return toD(f);
        }
        throw new IllegalStateException(p + ": dtype not <f8/<f4: " + h);
    }

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
            r[1][i] = 1.0 / ((1 - t * t) * dp * dp);
        }
        return r;
    }

    static float[] slice(float[] a, int off, int len) {
        float[] r = new float[len];
        System.arraycopy(a, off, r, 0, len);
        return r;
    }

    static double[] slice(double[] a, int off, int len) {
        double[] r = new double[len];
        System.arraycopy(a, off, r, 0, len);
        return r;
    }

    static double[] toD(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    static double[] arr(Object o) {
        List<?> l = (List<?>) o;
        double[] r = new double[l.size()];
        for (int i = 0; i < r.length; i++) r[i] = ((Number) l.get(i)).doubleValue();
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
        System.out.printf("  %-42s abs %.3g rel %.3g (scale %.3g)%n", what, maxAbs, rel, scale);
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
                    i++;
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
