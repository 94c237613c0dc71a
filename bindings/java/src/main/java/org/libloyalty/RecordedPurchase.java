/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/**
 * One purchase of {@link Program#recordPurchases}: its receipt, or why it was refused.
 *
 * @param purchase the purchase
 * @param receipt its receipt (the caller closes it), null when refused
 * @param error what {@link Program#recordPurchase} threw for it, null when recorded
 */
public record RecordedPurchase(Purchase purchase, Receipt receipt, RuntimeException error) {
    /** True when the purchase was recorded (or replayed). */
    public boolean recorded() {
        return error == null;
    }
}
