package org.explain4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.explain4j.ExplainException;
import org.explain4j.tensor.FloatTensor;

/** Copies between explain4j's {@link FloatTensor} and DJL's {@link NDArray}. */
final class NDArrays {
    private NDArrays() {
    }

    static NDArray of(NDManager manager, FloatTensor t) {
        return manager.create(t.data(), new Shape(t.shape()));
    }

    static FloatTensor toTensor(NDArray a, String what) {
        if (a.getDataType() != DataType.FLOAT32) {
            throw new ExplainException(what + " is " + a.getDataType() + ", not float32; explain4j explains float32 outputs");
        }
        return new FloatTensor(a.getShape().getShape(), a.toFloatArray());
    }
}
