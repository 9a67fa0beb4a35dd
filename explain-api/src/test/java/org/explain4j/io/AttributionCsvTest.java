package org.explain4j.io;

import org.explain4j.explain.Attribution;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelInfo;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AttributionCsvTest {
    @Test
    void featureRowsHaveNamedColumns() throws Exception {
        ModelInfo info = Fixtures.model("m", new long[]{-1, 3}, 2, InputLayout.FEATURES,
                List.of("mean radius", "a,b", "c"), List.of("malignant", "benign"));
        Attribution a = Fixtures.attribution(info, new long[]{2, 3}, new float[]{1, -2, 0.5f, 0, 3, -1e-6f},
                new int[]{0, 1});
        StringWriter w = new StringWriter();
        AttributionCsv.write(w, a, info.description(), new int[]{10, 11});
        assertEquals("""
                row,target,target_name,mean radius,"a,b",c
                10,0,malignant,1.0,-2.0,0.5
                11,1,benign,0.0,3.0,-1.0E-6
                """, w.toString());
    }

    @Test
    void timeByFeatureSamplesGetOneLinePerStep() throws Exception {
        ModelInfo info = Fixtures.model("seq", new long[]{-1, 2, 2}, 2, InputLayout.TIME_FEATURES,
                List.of("hr", "bp"), List.of());
        Attribution a = Fixtures.attribution(info, new long[]{1, 2, 2}, new float[]{1, 2, 3, 4}, new int[]{1});
        StringWriter w = new StringWriter();
        AttributionCsv.write(w, a, info.description(), null);
        assertEquals("""
                row,target,target_name,time,hr,bp
                0,1,class 1,0,1.0,2.0
                0,1,class 1,1,3.0,4.0
                """, w.toString());
    }

    @Test
    void channelByTimeSamplesGetOneLinePerChannel() throws Exception {
        ModelInfo info = Fixtures.model("ecg", new long[]{-1, 2, 3}, 2, InputLayout.CHANNELS_TIME,
                List.of("I", "II"), List.of("a", "b"));
        Attribution a = Fixtures.attribution(info, new long[]{1, 2, 3}, new float[]{1, 2, 3, 4, 5, 6}, new int[]{0});
        StringWriter w = new StringWriter();
        AttributionCsv.write(w, a, info.description(), null);
        assertEquals("""
                row,target,target_name,channel,t0,t1,t2
                0,0,a,I,1.0,2.0,3.0
                0,0,a,II,4.0,5.0,6.0
                """, w.toString());
    }
}
