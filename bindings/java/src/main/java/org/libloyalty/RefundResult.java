/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/**
 * What a refund did (C: {@code loyalty_refund_result}).
 *
 * @param clawedBack points taken back in all
 * @param fromPending of which still pending
 * @param debtAdded of which became debt (refund policy DEBT)
 * @param refundedTotal minor units refunded on that purchase so far
 * @param entrySeq the REFUND ledger entry
 */
public record RefundResult(long clawedBack, long fromPending, long debtAdded, long refundedTotal, long entrySeq) {
    static RefundResult of(org.libloyalty.swig.RefundResult r) {
        try (r) {
            return new RefundResult(r.clawedBack(), r.fromPending(), r.debtAdded(), r.refundedTotal(), r.entrySeq());
        }
    }
}
