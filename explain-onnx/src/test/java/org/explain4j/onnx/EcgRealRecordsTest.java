package org.explain4j.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.model.ModelDescription;
import org.explain4j.models.ReferenceModels;
import org.explain4j.models.ecg.EcgRecords;
import org.explain4j.models.ecg.EcgResampler;
import org.explain4j.models.ecg.EcgWindow;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The real records end to end: the Java WFDB reader and resampler, then each ECG model in ONNX
 * Runtime, against an independent Python pipeline ({@code train_ecg.py}'s own WFDB decoding,
 * {@code np}-style linear resampling to 200 Hz and the float32 PyTorch model;
 * {@code explain4j/ecg/real_records_predictions.json}). Record 100 has only MLII and V5: both
 * sides map MLII to lead II and leave the other ten leads zero.
 */
class EcgRealRecordsTest {

    @ParameterizedTest
    @ValueSource(strings = {"100", "s0010_re", "00001_lr"})
    void javaReaderAndModelsReproduceThePythonPredictions(String record) throws IOException {
        JsonNode entry = null;
        for (JsonNode e : json("explain4j/ecg/real_records_predictions.json").get("records")) {
            if (e.get("record").asText().equals(record)) {
                entry = e;
            }
        }
        assertNotNull(entry, record + " in real_records_predictions.json");
        for (String name : List.of("ecg_resnet", "ecg_perlead")) {
            try (OrtModel m = OrtModel.open(ReferenceModels.source(name), OrtOptions.defaults().withIntraOpThreads(1))) {
                ModelDescription d = m.info().description();
                EcgWindow w = EcgResampler.window(EcgRecords.bundled(record), d.featureNames(),
                        d.samplingRateHz().orElseThrow(), 2048, 0, d.units().orElse("mV"));
                List<String> matched = new ArrayList<>();
                for (int i = 0; i < w.leads().size(); i++) {
                    if (!w.sourceLeads().get(i).isEmpty()) {
                        matched.add(w.leads().get(i));
                    }
                }
                List<String> want = new ArrayList<>();
                entry.get("leads_matched").forEach(l -> want.add(l.asText()));
                assertEquals(want, matched, record + ": the leads both pipelines found");
                FloatTensor logits = m.forward(w.tensor());
                JsonNode ref = entry.get("models").get(name).get("logits");
                for (int c = 0; c < 6; c++) {
                    double r = ref.get(c).asDouble();
                    // float32 on both sides, different resampling arithmetic: 1e-4 of the logit's size
                    assertEquals(r, logits.get(c), 1e-4 * Math.max(1, Math.abs(r)), record + " " + name + " class " + c);
                }
            }
        }
    }

    private static JsonNode json(String resource) throws IOException {
        try (InputStream in = ReferenceModels.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            return new ObjectMapper().readTree(in);
        }
    }
}
