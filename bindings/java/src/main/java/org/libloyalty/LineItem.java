/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/**
 * One line of a purchase (C: {@code loyalty_line_item}).
 *
 * @param sku the product's SKU
 * @param productType "electronics", "groceries", "gift_card", ...
 * @param quantity more than 0
 * @param unitPrice minor units of the purchase's currency, 0 or more
 * @param lineTotal quantity times unit price (overflow-checked by the C library)
 */
public record LineItem(String sku, String productType, long quantity, long unitPrice, long lineTotal) {}
