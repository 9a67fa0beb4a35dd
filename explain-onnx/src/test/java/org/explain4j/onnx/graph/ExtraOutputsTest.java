package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import org.explain4j.ExplainException;
import org.explain4j.models.ReferenceModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtraOutputsTest {

    @Test
    void exposesFloatAndIntegerIntermediatesAtAnyBatchSize() {
        byte[] bytes = ReferenceModels.source("synthetic_bilstm").readModel();
        ModelProto model = OnnxGraph.parseModel(bytes, "bilstm");
        ModelProto exposed = ExtraOutputs.withOutputs(model,
                List.of("/lstm/Shape_output_0", "/lstm/LSTM_output_1", "y"));
        assertEquals(List.of("y", "/lstm/Shape_output_0", "/lstm/LSTM_output_1"), OnnxGraph.of(exposed).outputNames());
        assertArrayEquals(bytes, ReferenceModels.source("synthetic_bilstm").readModel(), "source untouched");
        try (OrtRun run = new OrtRun(exposed)) {
            for (int batch : new int[] {1, 3}) {
                var out = run.run(Map.of("x", OrtRun.Arr.ofFloat(new double[batch * 24 * 4], batch, 24, 4)));
                assertEquals(OnnxJavaType.INT64, out.get("/lstm/Shape_output_0").type());
                assertArrayEquals(new double[] {batch, 24, 4}, out.get("/lstm/Shape_output_0").data());
                assertArrayEquals(new long[] {2, batch, 8}, out.get("/lstm/LSTM_output_1").shape());
            }
        }
    }

    @Test
    void unknownNamesAreRefused() {
        ModelProto model = OnnxGraph.parseModel(ReferenceModels.source("breast_cancer_mlp").readModel(), "mlp");
        ExplainException e = assertThrows(ExplainException.class,
                () -> ExtraOutputs.withOutputs(model, List.of("no_such_tensor")));
        assertTrue(e.getMessage().startsWith("'no_such_tensor' is not a tensor of the model"), e.getMessage());
    }
}
