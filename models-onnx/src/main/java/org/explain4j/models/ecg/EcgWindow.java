package org.explain4j.models.ecg;

import org.explain4j.tensor.FloatTensor;

import java.util.List;

/**
 * A window of a record resampled for a model.
 *
 * @param tensor       {@code [1, leads, length]}
 * @param leads        the model's lead names, in tensor order
 * @param sourceLeads  for each model lead, the record lead it was taken from ({@code ""} when missing)
 * @param missingLeads model leads the record lacks; their rows are zeros
 * @param startSeconds where the window starts in the record
 * @param samplingHz   the model's rate
 * @param units        units of the values
 */
public record EcgWindow(FloatTensor tensor, List<String> leads, List<String> sourceLeads, List<String> missingLeads,
                        double startSeconds, double samplingHz, String units) {
    public EcgWindow {
        leads = List.copyOf(leads);
        sourceLeads = List.copyOf(sourceLeads);
        missingLeads = List.copyOf(missingLeads);
    }
}
