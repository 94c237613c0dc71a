/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A program's ledger, or one customer's part of it: an {@link Iterable} of
 * {@link LedgerEntry} in the order of record. The ledger is append-only, so
 * an iterator walks the entries that existed when it was created; entries
 * written meanwhile are left for the next one. Reading a closed program's
 * ledger throws {@link IllegalStateException}.
 *
 * <pre>{@code
 * for (LedgerEntry e : program.ledger(customerId)) {
 *     System.out.println(e.kind() + " " + e.points());
 * }
 * }</pre>
 */
public final class Ledger implements Iterable<LedgerEntry> {
    private final Program program;
    private final UUID customer;

    Ledger(Program program, UUID customer) {
        this.program = program;
        this.customer = customer;
    }

    /** The customer whose entries these are; null for the whole ledger. */
    public UUID customer() {
        return customer;
    }

    /** The number of entries now. */
    public int size() {
        return (int) program.readLong(p -> customer == null ? p.entryCount() : p.customerEntryCount(customer));
    }

    /**
     * The i-th entry (0-based; in the whole ledger its seq is i + 1).
     *
     * @throws OutOfRangeException when i is out of range
     */
    public LedgerEntry get(int i) {
        if (i < 0) {
            throw new OutOfRangeException("ledger index " + i + " is negative");
        }
        return LedgerEntry.of(program.read(p -> customer == null ? p.entryAt(i) : p.customerEntryAt(customer, i)));
    }

    @Override
    public Iterator<LedgerEntry> iterator() {
        int n = size();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public LedgerEntry next() {
                if (next >= n) {
                    throw new NoSuchElementException();
                }
                return get(next++);
            }
        };
    }

    public Stream<LedgerEntry> stream() {
        return StreamSupport.stream(spliterator(), false);
    }

    /** Every entry now, as a list. */
    public List<LedgerEntry> toList() {
        List<LedgerEntry> out = new ArrayList<>();
        forEach(out::add);
        return out;
    }

    @Override
    public String toString() {
        return "Ledger[" + (customer == null ? "all customers" : "customer " + customer) + ", " + size() + " entries]";
    }
}
