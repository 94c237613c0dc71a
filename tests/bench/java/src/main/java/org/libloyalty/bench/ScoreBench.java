/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty.bench;

import java.util.List;
import org.libloyalty.CustomerColumns;

/** Placeholder until Calculator.scoreColumns lands. */
final class ScoreBench {
    private ScoreBench() {
    }

    static List<String> checkAll(Workload w, Workload.ProgramSpec spec, CustomerColumns customers) {
        return List.of();
    }
}
