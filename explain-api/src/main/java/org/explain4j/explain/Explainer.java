package org.explain4j.explain;

import org.explain4j.model.ExplainableModel;
import org.explain4j.tensor.FloatTensor;

/**
 * One explanation method. Implementations are immutable and configured by their builders;
 * {@code explain} may be called concurrently.
 */
public interface Explainer {

    /** The method's name as recorded in attributions and accepted by the CLI. */
    String method();

    /** Explains each sample of {@code inputs [N,...]} for its target. */
    Attribution explain(ExplainableModel model, FloatTensor inputs, Target target);
}
