package org.explain4j.onnx.lrp;

import java.util.Arrays;

/** Shapes as a map key, for layers built once per shape met at run time. */
final class ShapeKey {
    private final long[][] shapes;
    private final int hash;

    ShapeKey(long[]... shapes) {
        this.shapes = shapes;
        this.hash = Arrays.deepHashCode(shapes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShapeKey k && Arrays.deepEquals(shapes, k.shapes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
