/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** {@code LOYALTY_ECORRUPT}: malformed or corrupt encoded data. */
public class CorruptDataException extends LoyaltyException {
    private static final long serialVersionUID = 1L;

    public CorruptDataException(String message) {
        super(-8, message);
    }
}
