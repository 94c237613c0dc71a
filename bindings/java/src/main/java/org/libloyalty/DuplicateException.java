/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** {@code LOYALTY_EDUPLICATE}: a name, id or key that must be unique already exists. */
public class DuplicateException extends LoyaltyException {
    private static final long serialVersionUID = 1L;

    public DuplicateException(String message) {
        super(-4, message);
    }
}
