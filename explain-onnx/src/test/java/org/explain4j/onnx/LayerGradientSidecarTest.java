package org.explain4j.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.explain4j.ExplainException;
import org.explain4j.model.ModelSource;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sidecar's {@code layer_gradient} entry: used for its layer only, and a missing file is a clear error. */
class LayerGradientSidecarTest {

    @Test
    void missingLayerGradientFileIsNamedAndOtherLayersStillBuildInJava(@TempDir Path dir) throws IOException {
        String name = "synthetic_cnn1d";
        for (String ext : new String[] {".onnx", ".grad.onnx"}) {
            try (InputStream in = ReferenceModels.class.getClassLoader()
                    .getResourceAsStream("explain4j/models/" + name + "/" + name + ext)) {
                Files.copy(in, dir.resolve(name + ext));
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode sidecar;
        try (InputStream in = ReferenceModels.class.getClassLoader()
                .getResourceAsStream("explain4j/models/" + name + "/" + name + ".json")) {
            sidecar = (ObjectNode) json.readTree(in);
        }
        ObjectNode lg = sidecar.putObject("layer_gradient");
        lg.put("file", name + ".cam.grad.onnx").put("batch", 32).put("input", "x").put("cotangent", "w")
                .put("output", "y").put("layer", "/Relu_2_output_0").put("activation", "act").put("grad", "grad_act");
        json.writeValue(dir.resolve(name + ".json").toFile(), sidecar);

        FloatTensor x = GoldenSamples.load(name).inputs();
        FloatTensor w = FloatTensor.zeros(x.batchSize(), 3);
        try (OrtModel m = OrtModel.open(ModelSource.fromPath(dir.resolve(name + ".onnx")))) {
            ExplainException e = assertThrows(ExplainException.class, () -> m.layerVjp(x, w, "/Relu_2_output_0"));
            assertTrue(e.getMessage().startsWith("model sidecar of 'synthetic_cnn1d' names the layer-gradient graph "
                    + dir.resolve(name + ".cam.grad.onnx") + ", which is not there"), e.getMessage());
            assertEquals(OrtModel.BUILT_GRADIENT_SOURCE, m.layerGradientSource("/Relu_1_output_0"));
        }
    }
}
