/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** {@code LOYALTY_ESTATE}: the object is in a state that forbids the call (a program with customers cannot take new tiers; a calculator owned by a program is immutable; a reward outside its validity; a handle being read by a computation on this thread). */
public class StateException extends LoyaltyException {
    private static final long serialVersionUID = 1L;

    public StateException(String message) {
        super(-12, message);
    }
}
