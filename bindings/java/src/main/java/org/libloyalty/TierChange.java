/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.util.UUID;

/**
 * A customer whose tier at the end of a simulation differs between the two
 * programs (C: {@code loyalty_simulation_tier_change}).
 *
 * @param customerId the customer
 * @param externalRef their external reference, "" when none
 * @param baseTier the tier under the base program, "" for none
 * @param alternativeTier the tier under the alternative, "" for none
 */
public record TierChange(UUID customerId, String externalRef, String baseTier, String alternativeTier) {}
