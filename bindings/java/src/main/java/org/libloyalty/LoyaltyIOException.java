/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** {@code LOYALTY_EIO}: an operating-system I/O failure. */
public class LoyaltyIOException extends LoyaltyException {
    private static final long serialVersionUID = 1L;

    public LoyaltyIOException(String message) {
        super(-9, message);
    }
}
