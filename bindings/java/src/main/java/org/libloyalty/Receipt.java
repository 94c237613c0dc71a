/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The points a purchase earns, explained (C: {@code loyalty_receipt}): the
 * rounded total, the exact total, the rounding applied and one line per
 * strategy. Immutable and independent of the calculator, customer, purchase
 * and program it came from; readable from any number of threads.
 *
 * <p>A receipt from {@link Program#recordPurchase} also says what the program
 * did: the points credited (after caps), how long they are held, and the
 * ledger entry.
 */
public final class Receipt extends NativeHandle<org.libloyalty.swig.Receipt> {
    Receipt(org.libloyalty.swig.Receipt raw) {
        super(raw);
    }

    /** A deep copy. */
    public Receipt copy() {
        return new Receipt(read(r -> r.clone()));
    }

    /** The points earned: the exact total rounded once. */
    public long points() {
        return readLong(r -> r.points());
    }

    /** The exact total before rounding. */
    public Fraction exactPoints() {
        return Fraction.ofPair(read(r -> r.exactPoints()));
    }

    /** The exact base points (the sum of the base lines). */
    public Fraction basePoints() {
        return Fraction.ofPair(read(r -> r.basePoints()));
    }

    /** points - exact: what rounding added (positive) or removed (negative). */
    public Fraction roundingAdjustment() {
        return Fraction.ofPair(read(r -> r.roundingAdjustment()));
    }

    public Rounding rounding() {
        return Rounding.of(readInt(r -> r.rounding()));
    }

    /** The purchase total, in minor units. */
    public long spend() {
        return readLong(r -> r.spend());
    }

    /** The part of the total that earns points, in minor units. */
    public long eligibleSpend() {
        return readLong(r -> r.eligibleSpend());
    }

    public String purchaseKey() {
        return read(r -> r.purchaseKey());
    }

    public String currency() {
        return read(r -> r.currency());
    }

    public UUID customerId() {
        return read(r -> r.customerId());
    }

    /** One line per strategy of the calculator, in pipeline order. */
    public List<ReceiptLine> lines() {
        return read(r -> {
            int n = (int) r.lineCount();
            List<ReceiptLine> lines = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                lines.add(new ReceiptLine(r.lineStrategy(i), r.lineKind(i), StrategyRole.of(r.lineRole(i)),
                        r.lineApplied(i) != 0, Fraction.ofPair(r.linePoints(i)), r.lineDetail(i)));
            }
            return Collections.unmodifiableList(lines);
        });
    }

    // ---- what a program did (recordPurchase) ------------------------------------------

    /** True when a program recorded the purchase (the fields below are then filled). */
    public boolean recorded() {
        return readInt(r -> r.recorded()) != 0;
    }

    /** The points credited to the customer: {@link #points()} less what caps removed. */
    public long credited() {
        return readLong(r -> r.credited());
    }

    /** The points the program's earning caps removed. */
    public long capped() {
        return readLong(r -> r.capped());
    }

    /** When the credited points become available, if they are held. */
    public Optional<Instant> pendingUntil() {
        long t = readLong(r -> r.pendingUntil());
        return t == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(t));
    }

    /** The seq of the EARN ledger entry; 0 when nothing was credited or not recorded. */
    public long entrySeq() {
        return readLong(r -> r.entrySeq());
    }

    /** The readable multi-line text (C: {@code loyalty_receipt_format}). */
    public String format() {
        return read(r -> r.format());
    }

    @Override
    public String toString() {
        if (isClosed()) {
            return closedString();
        }
        return read(r -> "Receipt[purchase=" + r.purchaseKey() + ", points=" + r.points() + ", exact="
                + Fraction.ofPair(r.exactPoints()) + ", spend=" + r.spend() + " " + r.currency() + "]");
    }
}
