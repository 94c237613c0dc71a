/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/**
 * Engagement actions of one kind in a period (C: a row of
 * {@code loyalty_metrics_action_*}).
 *
 * @param count how many were recorded
 * @param points the points they credited
 */
public record ActionCount(long count, long points) {
}
