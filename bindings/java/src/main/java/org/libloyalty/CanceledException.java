/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** {@code LOYALTY_ECANCELED}: a progress listener asked long work (replay, import, simulation) to stop; nothing was changed. */
public class CanceledException extends LoyaltyException {
    private static final long serialVersionUID = 1L;

    public CanceledException(String message) {
        super(-13, message);
    }
}
