package org.explain4j.models.ecg;

/**
 * One signal line of a WFDB header ({@code .hea}).
 *
 * @param fileName     the signal file holding it ({@code 100.dat})
 * @param format       storage format (16 or 212 are read)
 * @param byteOffset   bytes to skip at the start of the file ({@code 16+24} in the header)
 * @param gain         ADC units per physical unit (200 when the header gives 0 or nothing)
 * @param baseline     ADC value of physical zero (the ADC zero when the header gives none)
 * @param units        physical units as written ({@code mV} when the header gives none)
 * @param adcResolution bits, 0 when not given
 * @param adcZero      ADC value of the middle of the input range
 * @param initialValue the first sample, as the header records it
 * @param checksum     16-bit sum of all samples, as the header records it
 * @param hasChecksum  whether the header gives the checksum
 * @param blockSize    0 for ordinary files
 * @param description  the lead name ({@code MLII}, {@code V5}, {@code i})
 */
public record WfdbSignalSpec(String fileName, int format, long byteOffset, double gain, int baseline, String units,
                             int adcResolution, int adcZero, int initialValue, int checksum, boolean hasChecksum,
                             int blockSize, String description) {
}
