package org.explain4j.explain;

import org.explain4j.model.ModelInfo;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * How an attribution was made, beyond the method's own parameters.
 *
 * @param gradientSource the gradient graph the model's {@code vjp} ran (see
 *                       {@link ModelInfo#gradientSource()}); empty when none is known
 */
public record Provenance(String modelName, String modelChecksum, String backend, String device,
                         OptionalLong seed, Instant created, String explain4jVersion, String gradientSource) {

    public Provenance {
        gradientSource = gradientSource == null ? "" : gradientSource;
    }

    /** Provenance without a gradient source. */
    public Provenance(String modelName, String modelChecksum, String backend, String device,
                      OptionalLong seed, Instant created, String explain4jVersion) {
        this(modelName, modelChecksum, backend, device, seed, created, explain4jVersion, "");
    }

    public static Provenance of(ModelInfo info, OptionalLong seed) {
        String version = Provenance.class.getPackage().getImplementationVersion();
        return new Provenance(info.name(), info.checksum(), info.backend(), info.device(), seed,
                Instant.now(), version == null ? "dev" : version, info.gradientSource());
    }
}
