/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty.bench;

/** The JMH settings every benchmark shares (short: the whole Java bench takes about 2-3 minutes). */
final class Settings {
    static final int FORKS = 1;
    static final int WARMUP_ITERATIONS = 2;
    static final int WARMUP_SECONDS = 1;
    static final int MEASUREMENT_ITERATIONS = 3;
    static final int MEASUREMENT_SECONDS = 2;

    private Settings() {
    }
}
