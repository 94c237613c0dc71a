/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** {@code LOYALTY_EINVAL}: an invalid argument (null, empty, malformed, out of its syntax). */
public class InvalidArgumentException extends LoyaltyException {
    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message) {
        super(-1, message);
    }
}
