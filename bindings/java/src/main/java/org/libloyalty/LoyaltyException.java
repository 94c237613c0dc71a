/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.nio.charset.StandardCharsets;

/**
 * A libloyalty call failed: the C status and the C message
 * ({@code loyalty_last_error()}), which names the argument, field or
 * parameter at fault.
 *
 * <p>Every {@code LOYALTY_E*} status has a subclass: {@link InvalidArgumentException},
 * {@link NativeOutOfMemoryException}, {@link NotFoundException},
 * {@link DuplicateException}, {@link ConflictException},
 * {@link InsufficientPointsException}, {@link OutOfRangeException},
 * {@link CorruptDataException}, {@link LoyaltyIOException},
 * {@link StrategyException}, {@link CurrencyException} and
 * {@link StateException}. A custom strategy that throws makes the call that
 * ran it throw <em>that</em> exception again instead (with this one, carrying
 * the C message, attached as suppressed).
 */
public class LoyaltyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;

    /**
     * @param code the C status, a negative {@code LOYALTY_E*} value
     * @param message the C message
     */
    public LoyaltyException(int code, String message) {
        super(message);
        this.code = code;
    }

    LoyaltyException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The C status, a negative {@code LOYALTY_E*} value (e.g. -3). */
    public int code() {
        return code;
    }

    /** The status as an enum, or null for a code this version does not know. */
    public Status status() {
        return Status.of(code);
    }

    @Override
    public String toString() {
        Status s = status();
        return getClass().getName() + " (" + (s != null ? s.cName() : "status " + code) + "): " + getMessage();
    }

    /** The exception for a status: called by the JNI library when a call fails. */
    static LoyaltyException fromStatus(int code, byte[] utf8Message) {
        return fromStatus(code, new String(utf8Message, StandardCharsets.UTF_8));
    }

    /** The exception of the class that stands for {@code code}. */
    public static LoyaltyException fromStatus(int code, String message) {
        switch (code) {
            case -1: return new InvalidArgumentException(message);
            case -2: return new NativeOutOfMemoryException(message);
            case -3: return new NotFoundException(message);
            case -4: return new DuplicateException(message);
            case -5: return new ConflictException(message);
            case -6: return new InsufficientPointsException(message);
            case -7: return new OutOfRangeException(message);
            case -8: return new CorruptDataException(message);
            case -9: return new LoyaltyIOException(message);
            case -10: return new StrategyException(message, null);
            case -11: return new CurrencyException(message);
            case -12: return new StateException(message);
            case -13: return new CanceledException(message);
            default: return new LoyaltyException(code, message);
        }
    }
}
