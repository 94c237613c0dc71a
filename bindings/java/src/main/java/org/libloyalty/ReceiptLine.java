/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/**
 * One strategy's part of a receipt (C: {@code loyalty_receipt_line}).
 *
 * @param strategy the strategy's name in the calculator
 * @param kind its kind ("base_rate", ..., "custom")
 * @param role base, multiplier or bonus
 * @param applied false when the strategy's conditions did not hold
 * @param points its exact contribution (0 when not applied)
 * @param detail why: "1 per 100 on 2599 eligible", "outside window"
 */
public record ReceiptLine(String strategy, String kind, StrategyRole role, boolean applied, Fraction points,
        String detail) {}
