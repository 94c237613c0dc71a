/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.Instant;

/**
 * Cumulative figures of one side of a simulation at the end of a period (C:
 * {@code loyalty_simulation_period}), for charts.
 *
 * @param end the period boundary (or the simulation's end)
 * @param issued points issued so far
 * @param redeemed points redeemed so far
 * @param expired points expired so far
 * @param liability outstanding points at that moment
 */
public record SimulationPeriod(Instant end, long issued, long redeemed, long expired, long liability) {}
