package org.explain4j.djl;

import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void scratch() {
        for (String name : java.util.List.of("synthetic_cnn1d", "breast_cancer_mlp", "synthetic_bilstm")) {
            Golden g = Golden.load(name);
            FloatTensor x = g.tiled(64);
            FloatTensor w = BackendAgreementTest.oneHot(64, g.classes(), 0);
            try (DjlModel m = DjlModel.openTorchScript(TorchScriptSources.beside(ReferenceModels.source(name)));
                 DjlModel o = DjlModel.openOnnx(ReferenceModels.source(name))) {
                StringBuilder sb = new StringBuilder(name + " pt vjp ms:");
                for (int k = 0; k < 12; k++) {
                    long t = System.nanoTime();
                    m.vjp(x, w);
                    sb.append(String.format(" %.1f", (System.nanoTime() - t) / 1e6));
                }
                sb.append(" | pt fwd ms:");
                for (int k = 0; k < 6; k++) {
                    long t = System.nanoTime();
                    m.forward(x);
                    sb.append(String.format(" %.1f", (System.nanoTime() - t) / 1e6));
                }
                sb.append(" | djl-ort vjp ms:");
                for (int k = 0; k < 6; k++) {
                    long t = System.nanoTime();
                    o.vjp(x, w);
                    sb.append(String.format(" %.1f", (System.nanoTime() - t) / 1e6));
                }
                System.out.println(sb);
            }
        }
    }
}
