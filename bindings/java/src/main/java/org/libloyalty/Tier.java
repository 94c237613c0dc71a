/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.util.List;

/**
 * A tier of a program.
 *
 * @param name "gold"
 * @param threshold the tier metric (spend in minor units, or points) from which a customer holds it
 * @param benefits the names of its benefits ("free_delivery")
 */
public record Tier(String name, long threshold, List<String> benefits) {
    public Tier {
        benefits = List.copyOf(benefits);
    }
}
