/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** {@code LOYALTY_ECONFLICT}: an idempotency key reused with a different request. */
public class ConflictException extends LoyaltyException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(-5, message);
    }
}
