/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/**
 * {@code LOYALTY_EUSER}: a custom strategy failed.
 *
 * <p>When a Java {@link RewardStrategy} throws an unchecked exception, the
 * computation rethrows that exception itself (with this one attached as
 * suppressed); a checked exception comes back as the cause of this one.
 */
public class StrategyException extends LoyaltyException {
    private static final long serialVersionUID = 1L;

    public StrategyException(String message, Throwable cause) {
        super(-10, message, cause);
    }
}
