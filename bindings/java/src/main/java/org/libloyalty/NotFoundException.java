/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** {@code LOYALTY_ENOTFOUND}: an unknown id, key, name or strategy kind. */
public class NotFoundException extends LoyaltyException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(-3, message);
    }
}
