/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** {@code LOYALTY_ENOMEM}: the C library could not allocate memory. */
public class NativeOutOfMemoryException extends LoyaltyException {
    private static final long serialVersionUID = 1L;

    public NativeOutOfMemoryException(String message) {
        super(-2, message);
    }
}
