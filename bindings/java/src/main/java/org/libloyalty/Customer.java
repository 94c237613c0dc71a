/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.Instant;
import java.time.MonthDay;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A customer: identity, profile, tier and balances (C: {@code loyalty_customer}).
 *
 * <p>Standalone customers are what a {@link Calculator} computes for, and
 * the profile given to {@link Program#enroll}; a program hands out
 * snapshots ({@link Program#customer(UUID)}): copies that do not change when
 * the program does. Balances are maintained by the program.
 *
 * <p>Reads may come from many threads; a change waits until no other thread
 * reads the customer. Close it when done (try-with-resources), or let the
 * garbage collector free it.
 *
 * <pre>{@code
 * try (Customer ana = Customer.builder(id).name("Ana Lima").birthday(9, 14).build()) {
 *     Receipt r = calculator.compute(ana, purchase);
 * }
 * }</pre>
 */
public final class Customer extends NativeHandle<org.libloyalty.swig.Customer> {
    /** A customer with a fresh random id; every other field empty. */
    public Customer() {
        this((UUID) null);
    }

    /**
     * A customer with the given id (null: a fresh random one).
     *
     * @throws InvalidArgumentException for the nil id
     */
    public Customer(UUID id) {
        super(new org.libloyalty.swig.Customer(id));
    }

    /** Owns {@code raw} (a new customer from C). */
    static Customer wrap(org.libloyalty.swig.Customer raw) {
        return new Customer(raw, false);
    }

    private Customer(org.libloyalty.swig.Customer borrowed, boolean view) {
        super(borrowed, view);
    }

    /** A read-only view of a customer C lends for the duration of a call. */
    static Customer view(org.libloyalty.swig.Customer borrowed) {
        return new Customer(borrowed, true);
    }

    /** A builder for a new customer with a fresh random id. */
    public static Builder builder() {
        return new Builder(null);
    }

    /** A builder for a new customer with the given id. */
    public static Builder builder(UUID id) {
        return new Builder(id);
    }

    /** A deep copy, independent of this one. */
    public Customer copy() {
        return wrap(read(c -> c.clone()));
    }

    // ---- identity and profile --------------------------------------------------

    public UUID id() {
        return read(c -> c.id());
    }

    /** The host's own reference ("crm-000123"), "" when none. */
    public String externalRef() {
        return read(c -> c.externalRef());
    }

    /** Display name, "" when none. */
    public String name() {
        return read(c -> c.name());
    }

    /** E-mail address, "" when none. */
    public String email() {
        return read(c -> c.email());
    }

    /** The birthday, if known. */
    public Optional<MonthDay> birthday() {
        return read(c -> {
            int month = c.birthdayMonth();
            int day = c.birthdayDay();
            return month == 0 ? Optional.empty() : Optional.of(MonthDay.of(month, day));
        });
    }

    /** When the customer joined (the program sets it at enrolment). */
    public Instant joinedAt() {
        return Instant.ofEpochMilli(readLong(c -> c.joinedAt()));
    }

    /** The tier's name ("gold"), if any. */
    public Optional<String> tier() {
        String t = read(c -> c.tier());
        return t == null || t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    /** The tags, in insertion order (a copy). */
    public List<String> tags() {
        return read(c -> {
            int n = (int) c.tagCount();
            List<String> tags = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                tags.add(c.tag(i));
            }
            return Collections.unmodifiableList(tags);
        });
    }

    public boolean hasTag(String tag) {
        return readInt(c -> c.hasTag(tag)) != 0;
    }

    // ---- balances (maintained by the program) ------------------------------------

    /** Points that can be spent now. */
    public long available() {
        return readLong(c -> c.available());
    }

    /** Points earned but held (a return window), not yet available. */
    public long pending() {
        return readLong(c -> c.pending());
    }

    /** Every point ever earned, net of clawbacks. */
    public long lifetimeEarned() {
        return readLong(c -> c.lifetimeEarned());
    }

    /** Every point ever spent on rewards and donations, net of cancellations. */
    public long lifetimeRedeemed() {
        return readLong(c -> c.lifetimeRedeemed());
    }

    /** Every point that ever expired. */
    public long lifetimeExpired() {
        return readLong(c -> c.lifetimeExpired());
    }

    // ---- changes ---------------------------------------------------------------------

    /** Sets the external reference (null or "" clears it). */
    public void setExternalRef(String ref) {
        write(c -> c.setExternalRef(ref));
    }

    /** Sets the display name (null or "" clears it). */
    public void setName(String name) {
        write(c -> c.setName(name));
    }

    /** Sets the e-mail address (null or "" clears it). */
    public void setEmail(String email) {
        write(c -> c.setEmail(email));
    }

    /** Sets the birthday; 29 February is accepted. */
    public void setBirthday(int month, int day) {
        write(c -> c.setBirthday(month, day));
    }

    /** Sets the birthday, or clears it when null. */
    public void setBirthday(MonthDay birthday) {
        if (birthday == null) {
            setBirthday(0, 0);
        } else {
            setBirthday(birthday.getMonthValue(), birthday.getDayOfMonth());
        }
    }

    public void setJoinedAt(Instant at) {
        long ms = at.toEpochMilli();
        write(c -> c.setJoinedAt(ms));
    }

    /** Sets the tier by name, or none for null or "". */
    public void setTier(String tier) {
        write(c -> c.setTier(tier));
    }

    /** Adds a tag; {@link DuplicateException} when present. */
    public void addTag(String tag) {
        write(c -> c.addTag(tag));
    }

    /** Removes a tag; {@link NotFoundException} when absent. */
    public void removeTag(String tag) {
        write(c -> c.removeTag(tag));
    }

    // ---- plumbing ----------------------------------------------------------------------

    @Override
    public String toString() {
        if (isClosed()) {
            return closedString();
        }
        return read(c -> {
            StringBuilder s = new StringBuilder("Customer[id=").append(c.id());
            String name = c.name();
            if (name != null && !name.isEmpty()) {
                s.append(", name=").append(name);
            }
            String tier = c.tier();
            if (tier != null && !tier.isEmpty()) {
                s.append(", tier=").append(tier);
            }
            s.append(", available=").append(c.available()).append(", pending=").append(c.pending());
            return s.append(']').toString();
        });
    }

    /** Builds a {@link Customer} (a profile to enrol, or a customer to compute for). */
    public static final class Builder {
        private final UUID id;
        private String externalRef;
        private String name;
        private String email;
        private int birthMonth;
        private int birthDay;
        private Instant joinedAt;
        private String tier;
        private final List<String> tags = new ArrayList<>();

        private Builder(UUID id) {
            this.id = id;
        }

        public Builder externalRef(String ref) {
            this.externalRef = ref;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder email(String email) {
            this.email = email;
            return this;
        }

        public Builder birthday(int month, int day) {
            this.birthMonth = month;
            this.birthDay = day;
            return this;
        }

        public Builder birthday(MonthDay birthday) {
            return birthday(birthday.getMonthValue(), birthday.getDayOfMonth());
        }

        public Builder joinedAt(Instant at) {
            this.joinedAt = at;
            return this;
        }

        public Builder tier(String tier) {
            this.tier = tier;
            return this;
        }

        public Builder tag(String tag) {
            tags.add(tag);
            return this;
        }

        /** The customer; every field is checked by the C library (and the first bad one throws). */
        public Customer build() {
            Customer c = new Customer(id);
            try {
                if (externalRef != null) {
                    c.setExternalRef(externalRef);
                }
                if (name != null) {
                    c.setName(name);
                }
                if (email != null) {
                    c.setEmail(email);
                }
                if (birthMonth != 0 || birthDay != 0) {
                    c.setBirthday(birthMonth, birthDay);
                }
                if (joinedAt != null) {
                    c.setJoinedAt(joinedAt);
                }
                if (tier != null) {
                    c.setTier(tier);
                }
                for (String tag : tags) {
                    c.addTag(tag);
                }
                return c;
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
        }
    }
}
