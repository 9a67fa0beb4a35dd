package org.explain4j.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArrowAttributionFileTest {
    @TempDir
    Path tmp;

    private static final ModelInfo SEQ = Fixtures.model("seq", new long[]{-1, 3, 2}, 2, InputLayout.TIME_FEATURES,
            List.of("hr", "bp"), List.of("alive", "dead"));

    private static Attribution sample() {
        float[] v = new float[2 * 3 * 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i - 5) * 0.25f;
        }
        return Fixtures.attribution(SEQ, new long[]{2, 3, 2}, v, new int[]{1, 0});
    }

    @Test
    void roundTripsEverything() throws Exception {
        Attribution a = sample();
        Path f = tmp.resolve("attribution.arrow");
        ArrowAttributionFile.write(f, a, SEQ, new int[]{4, 9});
        ArrowAttributionFile.Contents c = ArrowAttributionFile.read(f);
        Attribution b = c.attribution();
        assertArrayEquals(a.values().shape(), b.values().shape());
        assertArrayEquals(a.values().data(), b.values().data());
        assertArrayEquals(a.inputs().data(), b.inputs().data());
        assertArrayEquals(a.outputs().shape(), b.outputs().shape());
        assertArrayEquals(a.outputs().data(), b.outputs().data());
        assertArrayEquals(a.targets(), b.targets());
        assertArrayEquals(new int[]{4, 9}, c.rows());
        assertEquals(a.method(), b.method());
        assertEquals(a.score(), b.score());
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.writeValueAsString(a.parameters()), json.writeValueAsString(b.parameters()));
        assertArrayEquals(a.diagnostics().get("completeness_gap"), b.diagnostics().get("completeness_gap"));
        assertEquals(a.provenance(), b.provenance());
        assertEquals("[2,3,2]", c.metadata().get("shape"));
        assertEquals("time_features", c.metadata().get("layout"));
        assertEquals("[\"hr\",\"bp\"]", c.metadata().get("feature_names"));
        assertEquals("abc123", c.metadata().get("model_checksum"));
    }

    @Test
    void itsInputsFeedANewRun() throws Exception {
        Attribution a = sample();
        Path f = tmp.resolve("attribution.arrow");
        ArrowAttributionFile.write(f, a, SEQ, null);
        InputData d = InputFiles.read(f, SEQ.input(), "seq", RowSelection.parse("1"));
        assertArrayEquals(a.inputs().sampleData(1), d.tensor().data());
        TensorInfo other = new TensorInfo("x", new long[]{-1, 6}, "float32");
        String m = assertThrows(ExplainException.class, () -> InputFiles.read(f, other, "flat", RowSelection.all())).getMessage();
        assertTrue(m.contains("shape [2,3,2]") && m.contains("expects [N,6]"), m);
    }

    @Test
    void refusesFilesThatAreNotArrow() throws Exception {
        Path f = Files.writeString(tmp.resolve("fake.arrow"), "definitely not arrow");
        String m = assertThrows(ExplainException.class, () -> ArrowAttributionFile.read(f)).getMessage();
        assertTrue(m.contains("not a readable Arrow IPC file"), m);
    }
}
