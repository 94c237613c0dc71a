/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** {@code LOYALTY_ECURRENCY}: an unknown currency, or amounts in different currencies. */
public class CurrencyException extends LoyaltyException {
    private static final long serialVersionUID = 1L;

    public CurrencyException(String message) {
        super(-11, message);
    }
}
