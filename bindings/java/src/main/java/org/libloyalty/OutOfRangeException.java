/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** {@code LOYALTY_ERANGE}: a value out of its range (a cap reached, out of stock), or an arithmetic overflow. */
public class OutOfRangeException extends LoyaltyException {
    private static final long serialVersionUID = 1L;

    public OutOfRangeException(String message) {
        super(-7, message);
    }
}
