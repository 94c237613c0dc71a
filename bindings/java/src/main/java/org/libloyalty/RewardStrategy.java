/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/**
 * A custom strategy written in Java, registered with
 * {@link Calculator#addCustom(String, StrategyRole, RewardStrategy)}: it takes
 * part in the pipeline like a built-in one.
 *
 * <pre>{@code
 * calculator.addCustom("staff", StrategyRole.MULTIPLIER, in ->
 *         in.customer().hasTag("staff") ? in.basePoints().multiply(Fraction.of(1, 10)) : Fraction.ZERO);
 * }</pre>
 *
 * <p>It is called from C, on the thread that computes (or records a
 * purchase), possibly on many threads at once: it must be thread-safe. What
 * it is given is valid only during the call. It must not change the
 * calculator, customer or purchase being computed, nor call the program that
 * is running it (both throw). A strategy that throws fails the calculation
 * ({@code LOYALTY_EUSER}): the call that computed throws that same exception
 * (a checked one arrives as the cause of a {@link StrategyException}), and
 * nothing was recorded.
 */
@FunctionalInterface
public interface RewardStrategy {
    /**
     * This strategy's exact contribution: base points for a BASE strategy,
     * the extra points of a MULTIPLIER, flat points for a BONUS. May be
     * negative; never null.
     */
    Fraction compute(StrategyInput input) throws Exception;

    /**
     * The calculator holding this strategy was freed (closed, collected, or
     * freed with its program): called exactly once, also at once when
     * {@code addCustom} fails. Release what the strategy holds here. The
     * default does nothing.
     */
    default void destroy() {}
}
