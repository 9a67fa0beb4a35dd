package org.explain4j.onnx;

import org.explain4j.ExplainException;

/**
 * How {@link OrtModel} sets up ONNX Runtime.
 *
 * @param device         where to run; {@link Device#CPU} by default
 * @param intraOpThreads threads per operator; 0 lets ONNX Runtime choose (one per core)
 * @param gradientBatch  samples per gradient-graph run when the graph leaves its batch open;
 *                       0 takes the sidecar's value (32 without one). A graph exported with a
 *                       fixed batch must be run at that batch, so a different value is an error.
 */
public record OrtOptions(Device device, int intraOpThreads, int gradientBatch) {

    public OrtOptions {
        if (device == null) {
            throw new ExplainException("device must be given (cpu, cuda, cuda:N or auto)");
        }
        if (intraOpThreads < 0) {
            throw new ExplainException("intra-op threads must be 0 (ONNX Runtime's choice) or more, got " + intraOpThreads);
        }
        if (gradientBatch < 0) {
            throw new ExplainException("gradient batch must be 0 (from the graph) or more, got " + gradientBatch);
        }
    }

    /** CPU, ONNX Runtime's thread count, the gradient batch from the graph. */
    public static OrtOptions defaults() {
        return new OrtOptions(Device.CPU, 0, 0);
    }

    public OrtOptions withDevice(Device d) {
        return new OrtOptions(d, intraOpThreads, gradientBatch);
    }

    /** The device as users write it: {@code cpu}, {@code cuda}, {@code cuda:N}, {@code auto}. */
    public OrtOptions withDevice(String d) {
        return withDevice(Device.parse(d));
    }

    public OrtOptions withIntraOpThreads(int threads) {
        return new OrtOptions(device, threads, gradientBatch);
    }

    public OrtOptions withGradientBatch(int batch) {
        return new OrtOptions(device, intraOpThreads, batch);
    }
}
