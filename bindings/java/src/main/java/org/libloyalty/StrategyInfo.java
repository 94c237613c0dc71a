/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.util.Optional;

/**
 * One strategy of a calculator's pipeline.
 *
 * @param name its name in the calculator
 * @param kind "base_rate", ..., or "custom"
 * @param role base, multiplier or bonus
 * @param params the canonical parameter text ("points=1 per=100"): adding a
 *     strategy of the same kind with it rebuilds the same strategy; empty for
 *     custom strategies
 */
public record StrategyInfo(String name, String kind, StrategyRole role, Optional<String> params) {}
