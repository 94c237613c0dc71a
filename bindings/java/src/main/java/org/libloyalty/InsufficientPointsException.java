/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** {@code LOYALTY_EINSUFFICIENT}: not enough points for the operation (nothing changed). */
public class InsufficientPointsException extends LoyaltyException {
    private static final long serialVersionUID = 1L;

    public InsufficientPointsException(String message) {
        super(-6, message);
    }
}
