/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty.swig;

/**
 * What the JNI trampoline of a custom strategy calls (bindings/java/java.i).
 * Internal: implemented by the public layer's adapter around a
 * {@code org.libloyalty.RewardStrategy}.
 */
public interface NativeStrategy {
    /**
     * Computes one contribution.
     *
     * @param input the address of the {@code loyalty_strategy_input}, valid during the call
     * @param out the address of the {@code loyalty_fraction} to fill through
     *     {@link LoyaltyJNI#setFraction}
     * @return null on success, else the UTF-8 message of the failure (the
     *     computation then fails with {@code LOYALTY_EUSER})
     */
    byte[] invoke(long input, long out);

    /** The calculator is done with this strategy: called exactly once, then the reference is dropped. */
    void release();
}
