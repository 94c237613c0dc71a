/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.util.function.Function;

/**
 * What the JNI trampoline calls (bindings/swig/simulate.i): the caller's
 * listener, with what it throws kept to become the cause of the
 * {@link CanceledException} the call then throws.
 */
final class ProgressAdapter implements ProgressListener {
    private final ProgressListener listener;
    private RuntimeException thrown;

    private ProgressAdapter(ProgressListener listener) {
        this.listener = listener;
    }

    @Override
    public boolean progress(long done, long total) {
        try {
            return listener.progress(done, total);
        } catch (RuntimeException e) {
            thrown = e;
            return false;
        }
    }

    /** Runs {@code call} with an adapter of {@code listener} (null: none). */
    static <T> T run(ProgressListener listener, Function<ProgressListener, T> call) {
        ProgressAdapter adapter = listener == null ? null : new ProgressAdapter(listener);
        try {
            return call.apply(adapter);
        } catch (CanceledException e) {
            if (adapter != null && adapter.thrown != null && e.getCause() == null) {
                e.initCause(adapter.thrown);
            }
            throw e;
        }
    }
}
