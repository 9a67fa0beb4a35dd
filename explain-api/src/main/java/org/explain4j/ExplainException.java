package org.explain4j;

/**
 * A problem the user can fix: bad input, a missing or unreadable file, an unsupported model,
 * an unavailable device. The message is one line that names what is wrong and what would be
 * right; the CLI prints it as is and exits non-zero.
 */
public class ExplainException extends RuntimeException {
    public ExplainException(String message) {
        super(message);
    }

    public ExplainException(String message, Throwable cause) {
        super(message, cause);
    }
}
