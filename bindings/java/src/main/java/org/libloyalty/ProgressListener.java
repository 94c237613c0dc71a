/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/**
 * Progress of long work (reading a history, a simulation; C:
 * {@code loyalty_progress_fn}): called on the thread that made the call, with
 * the units done so far and the total (0 when unknown), at the start, every
 * few thousand units and at the end.
 *
 * <p>Return {@code true} to go on, {@code false} to stop: the call then throws
 * {@link CanceledException} and produces nothing. A listener that throws a
 * {@link RuntimeException} stops the work the same way; the
 * {@code CanceledException} carries it as its cause. The listener must not
 * call the object being worked on.
 */
@FunctionalInterface
public interface ProgressListener {
    boolean progress(long done, long total);
}
