/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.nio.charset.StandardCharsets;

/**
 * What the JNI trampoline calls for a {@link RewardStrategy}. It holds the
 * strategy (the calculator holds it through a JNI global reference until the
 * calculator is freed), never the calculator, so that the calculator can
 * still become unreachable.
 *
 * <p>A strategy's exception is kept per thread until the computation that
 * ran it fails with {@code LOYALTY_EUSER}; {@link #failure} then hands it
 * back to be rethrown.
 */
final class StrategyAdapter implements org.libloyalty.swig.NativeStrategy {
    private static final ThreadLocal<Throwable> PENDING = new ThreadLocal<>();

    private final String name;
    private final RewardStrategy strategy;

    StrategyAdapter(String name, RewardStrategy strategy) {
        this.name = name;
        this.strategy = strategy;
    }

    @Override
    public byte[] invoke(long input, long out) {
        StrategyInput in = new StrategyInput(new org.libloyalty.swig.StrategyInput(input, false));
        try {
            Fraction f = strategy.compute(in);
            if (f == null) {
                throw new NullPointerException("the custom strategy '" + name + "' returned null");
            }
            org.libloyalty.swig.LoyaltyJNI.setFraction(out, f.numerator(), f.denominator());
            return null;
        } catch (Throwable t) {
            PENDING.set(t);
            return String.valueOf(t).getBytes(StandardCharsets.UTF_8);
        } finally {
            in.end();
        }
    }

    @Override
    public void release() {
        try {
            strategy.destroy();
        } catch (Throwable t) {
            Thread th = Thread.currentThread();
            th.getUncaughtExceptionHandler().uncaughtException(th, t);
        }
    }

    /** Before a call that may run strategies: forget a failure nobody collected. */
    static void clear() {
        PENDING.remove();
    }

    /**
     * What to throw for {@code e}: when a strategy failed on this thread and
     * {@code e} says so, the strategy's own exception (carrying {@code e} as
     * suppressed), else {@code e}.
     */
    static RuntimeException failure(LoyaltyException e) {
        Throwable t = PENDING.get();
        PENDING.remove();
        if (t == null || e.code() != Status.EUSER.code()) {
            return e;
        }
        if (t instanceof RuntimeException) {
            t.addSuppressed(e);
            return (RuntimeException) t;
        }
        if (t instanceof Error) {
            t.addSuppressed(e);
            throw (Error) t;
        }
        return new StrategyException(e.getMessage(), t);
    }
}
