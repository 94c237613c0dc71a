/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/**
 * What a maintenance sweep did (C: {@code loyalty_maintenance_report}).
 *
 * @param matured pending points that became available
 * @param expired points that expired
 * @param tierChanges downgrades (and re-evaluations) applied
 * @param entries ledger entries written
 */
public record MaintenanceReport(long matured, long expired, long tierChanges, long entries) {
    static MaintenanceReport of(org.libloyalty.swig.MaintenanceReport r) {
        try (r) {
            return new MaintenanceReport(r.matured(), r.expired(), r.tierChanges(), r.entries());
        }
    }
}
