/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Function;

/**
 * A loyalty program: the rules (a calculator, tiers, rewards, engagement
 * actions, partners, policies), the customers and the ledger (C:
 * {@code loyalty_program}). Every change goes through it.
 *
 * <ul>
 *   <li>Every change takes an <b>idempotency key</b>: the same key with the
 *       same request returns the first result again and changes nothing;
 *       with another request it throws {@link ConflictException}.
 *   <li>Every change takes the <b>time</b> it happens at: the library never
 *       reads a clock.
 *   <li>Every change is <b>atomic</b>: balances, tiers and the ledger change
 *       together, or the call throws and nothing changed.
 *   <li>A program is <b>thread-safe</b>: share one between all your threads.
 *       The C library serialises its operations with one mutex.
 * </ul>
 *
 * <p>Definitions (tiers, actions, partners) come before the first
 * enrolment; rewards may be added at any time. Customers handed out
 * ({@link #enroll}, {@link #customer(UUID)}) are snapshots the caller owns.
 * {@link #close()} frees the program with its calculator, customers and
 * ledger; it waits for calls in flight, and every call after it throws
 * {@link IllegalStateException}. See docs/PROGRAM.md for the rules.
 */
public final class Program extends NativeHandle<org.libloyalty.swig.Program> {
    private final Calculator calculator;
    private final RecoveryInfo recovery;

    /** A program with the default options around {@code calculator}, which it takes over. */
    public Program(Calculator calculator) {
        this(calculator, ProgramOptions.defaults());
    }

    /**
     * An in-memory program around {@code calculator}, whose currency,
     * rounding and UTC offset become the program's. On success the program
     * takes the calculator over: it becomes immutable and is freed with the
     * program. On failure the caller keeps it.
     *
     * @throws InvalidArgumentException for an option that is negative or inconsistent (the message names it)
     * @throws StateException when the calculator already belongs to a program
     */
    public Program(Calculator calculator, ProgramOptions options) {
        this(transfer(calculator, c -> {
            try (org.libloyalty.swig.ProgramOptions o = Objects.requireNonNull(options, "options").toNative()) {
                return new org.libloyalty.swig.Program(c, o);
            }
        }), calculator, null);
    }

    private Program(org.libloyalty.swig.Program raw, Calculator calculator, RecoveryInfo recovery) {
        super(raw);
        this.calculator = calculator;
        this.recovery = recovery;
        calculator.setOwner(this);
    }

    /**
     * Opens the durable program stored in {@code dir} with the default
     * journal options and its stored program options, creating it with the
     * default program options when the directory holds none. See {@link #open(Path, Calculator, ProgramOptions, JournalOptions)}.
     */
    public static Program open(Path dir, Calculator calculator) {
        try {
            return open(dir, calculator, null, JournalOptions.defaults());
        } catch (InvalidArgumentException e) {
            // a new directory needs options (C: "holds no program and no options were
            // given"); the calculator is still ours after a failure, so try once more
            return open(dir, calculator, ProgramOptions.defaults(), JournalOptions.defaults());
        }
    }

    /**
     * Opens the durable program stored in {@code dir}: every change is
     * written to its journal before the call returns, and reopening replays
     * it (docs/DURABILITY.md). A new directory gets a new program made from
     * {@code calculator} and {@code options} (null: the defaults). An existing
     * one must be given the same calculator (options, exclusions, strategies;
     * custom strategies by name and role) and the same options, or null:
     * otherwise {@link ConflictException}, and the caller keeps the
     * calculator. {@link #recovery()} tells what opening found.
     *
     * @throws LoyaltyIOException when a file cannot be read or written (the message names it)
     * @throws CorruptDataException for a corrupt snapshot, or corruption before the end of the journal
     *     (the message gives the offset) unless {@link JournalOptions#salvage()}
     * @throws StateException when another process has the directory open
     */
    public static Program open(Path dir, Calculator calculator, ProgramOptions options, JournalOptions journal) {
        return open(dir, calculator, options, journal, null);
    }

    /**
     * As {@link #open(Path, Calculator, ProgramOptions, JournalOptions)},
     * reporting the records loaded of total to {@code listener} (null: none)
     * on this thread; returning false (or throwing) cancels the open with
     * {@link CanceledException}: the directory is left as it was and the
     * caller keeps the calculator.
     */
    public static Program open(Path dir, Calculator calculator, ProgramOptions options, JournalOptions journal,
            ProgressListener listener) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(journal, "journal");
        long[] report = new long[5];
        org.libloyalty.swig.Program raw = transfer(calculator, c -> {
            try (org.libloyalty.swig.ProgramOptions o = options == null ? null : options.toNative()) {
                return ProgressAdapter.run(listener, l -> org.libloyalty.swig.Loyalty.loyaltyJavaProgramOpen(
                        dir.toString(), c, o, journal.sync().code(), journal.batchMs(), journal.batchRecords(),
                        journal.salvage() ? 1 : 0, journal.snapshotBytes(), l, report));
            }
        });
        return new Program(raw, calculator, RecoveryInfo.of(report));
    }

    /**
     * Loads a file written by {@link #exportTo(Path)} into a new in-memory
     * program around {@code calculator}, which must match the exported one.
     *
     * @throws LoyaltyIOException, CorruptDataException, ConflictException
     */
    public static Program importFrom(Path file, Calculator calculator) {
        return importFrom(file, calculator, null);
    }

    /**
     * As {@link #importFrom(Path, Calculator)}, reporting the records loaded
     * of total to {@code listener} (null: none); returning false (or
     * throwing) cancels with {@link CanceledException} and the caller keeps
     * the calculator.
     */
    public static Program importFrom(Path file, Calculator calculator, ProgressListener listener) {
        Objects.requireNonNull(file, "file");
        org.libloyalty.swig.Program raw = transfer(calculator, c -> ProgressAdapter.run(listener,
                l -> org.libloyalty.swig.Loyalty.loyaltyJavaProgramImport(file.toString(), c, l)));
        return new Program(raw, calculator, null);
    }

    /** Hands {@code calculator} over to the program {@code make} creates (taken on success only). */
    private static org.libloyalty.swig.Program transfer(Calculator calculator,
            Function<org.libloyalty.swig.Calculator, org.libloyalty.swig.Program> make) {
        Objects.requireNonNull(calculator, "calculator");
        org.libloyalty.swig.Calculator c = calculator.lockForTransfer();
        try {
            org.libloyalty.swig.Program p = make.apply(c);
            calculator.disown(); // taken on success only (swig/common.i, taken_on_success)
            return p;
        } finally {
            calculator.unlockWrite();
        }
    }

    /** What opening the directory found; empty for a program that is not durable. */
    public Optional<RecoveryInfo> recovery() {
        return Optional.ofNullable(recovery);
    }

    /**
     * Writes a snapshot of the whole state and restarts the journal (compaction).
     *
     * @throws StateException when the program is not durable
     * @throws LoyaltyIOException when writing fails
     */
    public void snapshot() {
        run(org.libloyalty.swig.Loyalty::loyaltyJavaProgramSnapshot);
    }

    /** Writes the whole state and ledger to one file (any program, durable or not). */
    public void exportTo(Path file) {
        String path = file.toString();
        run(p -> org.libloyalty.swig.Loyalty.loyaltyJavaProgramExport(p, path));
    }

    /** The program's calculator (the one it was created with): immutable, usable while the program is open. */
    public Calculator calculator() {
        lockRead();
        unlockRead();
        return calculator;
    }

    public ProgramOptions options() {
        return ProgramOptions.of(read(p -> p.options()));
    }

    // ---- definitions ---------------------------------------------------------------

    /**
     * Adds a tier. Thresholds must increase strictly; a customer below the
     * first has no tier (a first tier at 0 is given at enrolment).
     *
     * @param benefits names of the tier's benefits ([A-Za-z0-9_.-])
     * @throws StateException once customers exist
     */
    public void addTier(String name, long threshold, String... benefits) {
        for (String b : benefits) {
            if (b == null || b.isEmpty() || b.indexOf(' ') >= 0) {
                throw new InvalidArgumentException("loyalty_program_add_tier: a benefit name is empty or has a space");
            }
        }
        String joined = String.join(" ", benefits);
        run(p -> p.addTier(name, threshold, joined));
    }

    /** The tiers, lowest first. */
    public List<Tier> tiers() {
        return read(p -> {
            int n = (int) p.tierCount();
            List<Tier> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String name = p.tierName(i);
                if (name == null) {
                    break; // fewer tiers than counted: never, tiers are fixed once customers exist
                }
                int m = (int) p.tierBenefitCount(name);
                List<String> benefits = new ArrayList<>(m);
                for (int j = 0; j < m; j++) {
                    benefits.add(p.tierBenefit(name, j));
                }
                out.add(new Tier(name, p.tierThreshold(i), benefits));
            }
            return Collections.unmodifiableList(out);
        });
    }

    /** Whether tier {@code tier} carries benefit {@code benefit}. */
    public boolean tierHasBenefit(String tier, String benefit) {
        return readInt(p -> p.tierHasBenefit(tier, benefit)) != 0;
    }

    /**
     * Adds a reward to the catalog (at any time).
     *
     * @throws InvalidArgumentException for a bad id, a cost of 0 or less, an
     *     unknown minimum tier, an empty validity window or a negative stock
     * @throws DuplicateException when the id is taken
     */
    public void addReward(Reward reward) {
        Objects.requireNonNull(reward, "reward");
        String name = reward.name().isEmpty() ? null : reward.name();
        String minTier = reward.minTier().orElse(null);
        long from = reward.validFrom().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
        long until = reward.validUntil().map(Instant::toEpochMilli).orElse(0L);
        long stock = reward.stock().orElse(-1);
        if (reward.stock().isPresent() && stock < 0) {
            throw new InvalidArgumentException("loyalty_program_add_reward: stock must be 0 or more (got " + stock + ")");
        }
        run(p -> p.addReward(reward.id(), name, reward.cost(), minTier, from, until, stock));
    }

    /** The catalog, in the order rewards were added, with the stock as it is now. */
    public List<Reward> rewards() {
        return read(p -> {
            int n = (int) p.rewardCount();
            List<Reward> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                try (org.libloyalty.swig.Reward r = p.rewardAt(i)) {
                    out.add(new Reward(r.id(), r.name(), r.cost(), Progress.text(r.minTier()),
                            r.validFrom() == Long.MIN_VALUE ? Optional.empty()
                                    : Optional.of(Instant.ofEpochMilli(r.validFrom())),
                            Progress.time(r.validUntil()),
                            r.stock() < 0 ? OptionalLong.empty() : OptionalLong.of(r.stock())));
                }
            }
            return Collections.unmodifiableList(out);
        });
    }

    /** Sets a reward's stock. */
    public void setRewardStock(String rewardId, long stock) {
        if (stock < 0) {
            throw new InvalidArgumentException("loyalty_program_set_reward_stock: stock must be 0 or more (got "
                    + stock + "); setRewardStockUnlimited makes it unlimited");
        }
        run(p -> p.setRewardStock(rewardId, stock));
    }

    /** Makes a reward's stock unlimited. */
    public void setRewardStockUnlimited(String rewardId) {
        run(p -> p.setRewardStock(rewardId, -1));
    }

    /** Adds an engagement action worth {@code points}, without a cap. */
    public void addAction(String name, long points) {
        addAction(name, points, 0, Period.NONE);
    }

    /**
     * Adds an engagement action ("review") worth {@code points}, at most
     * {@code capCount} times per customer per {@code capPeriod}.
     */
    public void addAction(String name, long points, int capCount, Period capPeriod) {
        run(p -> p.addAction(name, points, capCount, capPeriod.code()));
    }

    /** Adds a partner whose units convert at {@code rate} points per unit, rounded once. */
    public void addPartner(String name, Fraction rate) {
        long[] pair = rate.toPair();
        run(p -> p.addPartner(name, pair));
    }

    // ---- customers -------------------------------------------------------------------

    /** Enrols a customer without a referral code. See {@link #enroll(String, Customer, String, Instant)}. */
    public Customer enroll(String key, Customer profile, Instant at) {
        return enroll(key, profile, null, at);
    }

    /**
     * Enrols a customer: {@code profile} gives the id, external reference,
     * name, e-mail, birthday and tags (it is copied; its tier and balances
     * are ignored); joined-at becomes {@code at}.
     *
     * @param referralCode null, or an existing customer's code
     * @return a snapshot of the enrolled customer
     * @throws DuplicateException when the id or external reference is taken
     * @throws NotFoundException for an unknown referral code
     */
    public Customer enroll(String key, Customer profile, String referralCode, Instant at) {
        Objects.requireNonNull(profile, "profile");
        long ms = at.toEpochMilli();
        org.libloyalty.swig.Program p = lockRead();
        try {
            org.libloyalty.swig.Customer c = profile.lockRead();
            try {
                return Customer.wrap(p.enroll(key, c, referralCode, ms));
            } finally {
                profile.unlockRead();
            }
        } finally {
            unlockRead();
        }
    }

    /** A snapshot of a customer. @throws NotFoundException for an unknown id */
    public Customer customer(UUID id) {
        return Customer.wrap(read(p -> p.getCustomer(id)));
    }

    /** A snapshot of the customer with this external reference. @throws NotFoundException */
    public Customer customerByExternalRef(String externalRef) {
        return Customer.wrap(read(p -> p.findCustomer(externalRef)));
    }

    public long customerCount() {
        return readLong(p -> p.customerCount());
    }

    /** The customer's refund debt (refund policy DEBT); 0 otherwise. */
    public long debt(UUID customer) {
        return readLong(p -> p.debt(customer));
    }

    /** The customer's referral code ("LY-XXXXXXX"). */
    public String referralCode(UUID customer) {
        return read(p -> p.referralCode(customer));
    }

    // ---- earning ---------------------------------------------------------------------

    /**
     * Records a purchase: computes its points at the customer's tier, applies
     * caps, credits them (or holds them), updates lifetime figures and the
     * tier, pays referral bonuses, and appends the ledger entries,
     * atomically. The purchase's key is the idempotency key.
     *
     * @return the receipt, with what the program credited
     * @throws NotFoundException for an unknown customer
     * @throws CurrencyException for a purchase in another currency
     * @throws ConflictException when the key was used for another request
     * @throws RuntimeException what a custom strategy threw (nothing was recorded)
     */
    public Receipt recordPurchase(Purchase purchase) {
        Objects.requireNonNull(purchase, "purchase");
        org.libloyalty.swig.Program p = lockRead();
        try {
            org.libloyalty.swig.Purchase pu = purchase.lockRead();
            try {
                StrategyAdapter.clear();
                return new Receipt(p.recordPurchase(pu));
            } catch (LoyaltyException e) {
                throw StrategyAdapter.failure(e);
            } finally {
                purchase.unlockRead();
            }
        } finally {
            unlockRead();
        }
    }

    /**
     * Records purchases in order, each as {@link #recordPurchase} would, in
     * its own transaction: one refused purchase neither stops nor changes the
     * others. Each gets its receipt or its own exception (with its own
     * message, which C's batch call keeps only for the last failure).
     *
     * @throws IllegalStateException when the program is closed
     */
    public List<RecordedPurchase> recordPurchases(List<Purchase> purchases) {
        List<RecordedPurchase> out = new ArrayList<>(purchases.size());
        for (Purchase purchase : purchases) {
            try {
                out.add(new RecordedPurchase(purchase, recordPurchase(purchase), null));
            } catch (RuntimeException e) {
                if (isClosed()) {
                    throw e;
                }
                out.add(new RecordedPurchase(purchase, null, e));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Records a batch of purchases given as columns, crossing JNI once for the
     * whole batch (C {@code loyalty_program_record_columns}): each purchase is
     * built and recorded in order exactly as {@link #recordPurchase} would
     * record it (the product types serve as SKUs; no channel), and stands
     * alone: a refused purchase changes nothing and the others are recorded
     * (a later purchase sees the earlier ones of the batch; a key used earlier
     * is a replay or a conflict). The batch is committed as one step, one
     * journal record for a durable program; other threads' calls on the
     * program wait for the whole batch. The result gives each purchase the
     * points credited to the customer (the receipt's {@link Receipt#credited()}:
     * its points less what the program's caps removed; a replay gives the
     * first recording's) or its status and own message.
     *
     * @param purchases the batch, with keys
     * @param customers the customers its purchases refer to, with ids
     * @throws InvalidArgumentException when the purchases have no keys, the
     *     customers no ids, or a purchase refers to a customer beyond them:
     *     nothing is recorded
     * @throws IllegalStateException when the program is closed
     */
    public BatchResult recordColumns(PurchaseColumns purchases, CustomerColumns customers) {
        Objects.requireNonNull(purchases, "purchases");
        purchases.checkCustomers(customers);
        if (!purchases.hasKeys()) {
            throw new InvalidArgumentException("recordColumns: the purchases have no keys");
        }
        if (!customers.hasIds()) {
            throw new InvalidArgumentException("recordColumns: the customers have no ids");
        }
        int n = purchases.size();
        long[] points = new long[n];
        int[] status = new int[n];
        byte[] messages;
        org.libloyalty.swig.Program p = lockRead();
        try {
            StrategyAdapter.clear();
            messages = org.libloyalty.swig.LoyaltyJNI.recordColumns(org.libloyalty.swig.Program.getCPtr(p), n,
                    purchases.keys, purchases.customer, purchases.at, purchases.lineStart, purchases.lineType,
                    purchases.quantity, purchases.unitPrice, purchases.typeBlob, purchases.typeCount(),
                    customers.ids, customers.size(), purchases.currencyZ, status, points);
        } finally {
            StrategyAdapter.clear(); // a strategy's exception is reported by its purchase's status and message
            unlockRead();
            java.lang.ref.Reference.reachabilityFence(purchases);
            java.lang.ref.Reference.reachabilityFence(customers);
        }
        int failures = 0;
        for (int s : status) {
            if (s != 0) {
                failures++;
            }
        }
        return BatchResult.of(points, status, Columns.split(messages, failures));
    }

    /**
     * Refunds {@code amount} minor units of purchase {@code purchaseKey}: its
     * credited points are clawed back in proportion.
     *
     * @throws NotFoundException for an unknown purchase
     * @throws OutOfRangeException when more than was bought would be refunded
     */
    public RefundResult refund(String key, String purchaseKey, long amount, Instant at) {
        long ms = at.toEpochMilli();
        return RefundResult.of(read(p -> p.refund(key, purchaseKey, amount, ms)));
    }

    /**
     * Records an engagement action.
     *
     * @throws OutOfRangeException when the action's cap is reached
     */
    public LedgerEntry recordAction(String key, UUID customer, String action, Instant at) {
        long ms = at.toEpochMilli();
        return LedgerEntry.of(read(p -> p.recordAction(key, customer, action, ms)));
    }

    /** Credits {@code units} of a partner's currency at its rate. */
    public LedgerEntry creditPartner(String key, UUID customer, String partner, long units, Instant at) {
        long ms = at.toEpochMilli();
        return LedgerEntry.of(read(p -> p.creditPartner(key, customer, partner, units, ms)));
    }

    /**
     * Attaches a referrer after enrolment.
     *
     * @throws InvalidArgumentException for the customer's own code
     * @throws DuplicateException when already referred
     * @throws StateException when the customer has already purchased
     */
    public void setReferrer(String key, UUID customer, String referralCode, Instant at) {
        long ms = at.toEpochMilli();
        run(p -> p.setReferrer(key, customer, referralCode, ms));
    }

    // ---- spending ----------------------------------------------------------------------

    /**
     * Redeems a reward, spending from the points that expire soonest.
     * Nothing changes when it fails.
     *
     * @throws InsufficientPointsException when the customer cannot afford it
     * @throws OutOfRangeException when it is out of stock
     * @throws StateException outside its validity, or below its minimum tier
     */
    public Redemption redeem(String key, UUID customer, String reward, Instant at) {
        long ms = at.toEpochMilli();
        return Redemption.of(read(p -> p.redeem(key, customer, reward, ms)));
    }

    /**
     * Cancels a redemption once: the points go back with their expiry, and the stock.
     *
     * @throws StateException when already cancelled
     */
    public Redemption cancelRedemption(String key, UUID redemption, Instant at) {
        long ms = at.toEpochMilli();
        return Redemption.of(read(p -> p.cancelRedemption(key, redemption, ms)));
    }

    /** A redemption by its id (the coupon code). */
    public Redemption redemption(UUID redemption) {
        return Redemption.of(read(p -> p.getRedemption(redemption)));
    }

    /** Donates points to a named cause (spent like a redemption). */
    public LedgerEntry donate(String key, UUID customer, String cause, long points, Instant at) {
        long ms = at.toEpochMilli();
        return LedgerEntry.of(read(p -> p.donate(key, customer, cause, points, ms)));
    }

    /** Moves points between customers as one atomic step of two entries. */
    public void transfer(String key, UUID from, UUID to, long points, Instant at) {
        long ms = at.toEpochMilli();
        run(p -> p.transfer(key, from, to, points, ms));
    }

    /** A manual adjustment (positive or negative, not 0) with a reason. */
    public LedgerEntry adjust(String key, UUID customer, long points, String reason, Instant at) {
        long ms = at.toEpochMilli();
        return LedgerEntry.of(read(p -> p.adjust(key, customer, points, reason, ms)));
    }

    // ---- tiers and maintenance -----------------------------------------------------------

    /** Assigns a paid tier: the customer holds at least {@code tier} until {@code until} (exclusive). */
    public void assignTier(String key, UUID customer, String tier, Instant until, Instant at) {
        long u = until.toEpochMilli();
        long ms = at.toEpochMilli();
        run(p -> p.assignTier(key, customer, tier, u, ms));
    }

    /**
     * The maintenance sweep at {@code now}: matures held points, expires
     * points, reviews tiers. Running it twice at the same time changes
     * nothing more; {@code now} may not go back before the previous sweep.
     */
    public MaintenanceReport maintain(Instant now) {
        long ms = now.toEpochMilli();
        return MaintenanceReport.of(read(p -> p.maintain(ms)));
    }

    // ---- queries ---------------------------------------------------------------------------

    /** What a mobile app shows for a customer at {@code now}. */
    public Progress progress(UUID customer, Instant now) {
        long ms = now.toEpochMilli();
        return Progress.of(read(p -> p.progress(customer, ms)));
    }

    /** Points the customer still needs for a reward (0 when affordable now). */
    public long pointsMissing(UUID customer, String reward) {
        return readLong(p -> p.pointsMissing(customer, reward));
    }

    // ---- analytics ----------------------------------------------------------------------------

    /**
     * The metrics of the period {@code [start, end)} with no point value, a
     * margin of 1 and no lifespan cap: see {@link #metrics(Instant, Instant, Fraction, Fraction, long)}.
     */
    public Metrics metrics(Instant start, Instant end) {
        return metrics(start, end, null, Fraction.ONE, 0);
    }

    /**
     * The metrics of the period {@code [start, end)}, read from the ledger,
     * customers and purchases under the program's lock (docs/ANALYTICS.md).
     * Run {@link #maintain} up to {@code end} first.
     *
     * @param pointValue minor units one point is worth (&gt;= 0), for the liability's value; null: not declared
     * @param margin between 0 and 1, applied to the lifetime value
     * @param maxLifespan a cap in periods on the expected lifespan; 0: none (a churn of 0 leaves it undefined)
     * @throws InvalidArgumentException when end is not after start, or for a bad option (the message names it)
     * @throws OutOfRangeException when a figure overflows
     */
    public Metrics metrics(Instant start, Instant end, Fraction pointValue, Fraction margin, long maxLifespan) {
        long s = start.toEpochMilli();
        long e = end.toEpochMilli();
        long[] pv = pointValue == null ? new long[] {0, 0}
                : new long[] {pointValue.numerator(), pointValue.denominator()};
        long[] mg = new long[] {margin.numerator(), margin.denominator()};
        return Metrics.of(read(p -> org.libloyalty.swig.Loyalty.loyaltySwigProgramMetrics(p, s, e, pv, mg,
                maxLifespan)));
    }

    /**
     * Retention by enrolment month over {@code months} calendar months
     * (1..1200) from {@code from}, in the program's UTC offset.
     *
     * @throws InvalidArgumentException for a month count out of range
     */
    public CohortTable cohorts(java.time.YearMonth from, int months) {
        int y = from.getYear();
        int m = from.getMonthValue();
        return CohortTable.of(read(p -> org.libloyalty.swig.Loyalty.loyaltySwigProgramCohorts(p, y, m, months)));
    }

    // ---- the ledger ---------------------------------------------------------------------------

    /** The whole ledger, in the order of record (seq 1, 2, 3, ...). */
    public Ledger ledger() {
        return new Ledger(this, null);
    }

    /** A customer's entries, oldest first. @throws NotFoundException for an unknown customer */
    public Ledger ledger(UUID customer) {
        Objects.requireNonNull(customer, "customer");
        Ledger l = new Ledger(this, customer);
        l.size(); // an unknown customer throws now
        return l;
    }

    // ---- plumbing ---------------------------------------------------------------------------

    private void run(java.util.function.Consumer<org.libloyalty.swig.Program> f) {
        org.libloyalty.swig.Program p = lockRead();
        try {
            f.accept(p);
        } finally {
            unlockRead();
        }
    }

    @Override
    public String toString() {
        if (isClosed()) {
            return closedString();
        }
        return read(p -> "Program[currency=" + calculator.currency() + ", customers=" + p.customerCount()
                + ", entries=" + p.entryCount() + ", tiers=" + p.tierCount() + ", rewards=" + p.rewardCount() + "]");
    }
}
