/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * An exact fraction of 64-bit integers, always reduced with a positive
 * denominator: how libloyalty counts points before the single rounding of
 * a purchase (C: {@code loyalty_fraction}). Immutable.
 *
 * <p>Arithmetic is exact or throws {@link ArithmeticException} on overflow.
 */
public final class Fraction implements Comparable<Fraction> {
    /** 0/1. */
    public static final Fraction ZERO = new Fraction(0, 1);
    /** 1/1. */
    public static final Fraction ONE = new Fraction(1, 1);

    private final long num;
    private final long den;

    private Fraction(long num, long den) {
        this.num = num;
        this.den = den;
    }

    /** The whole number {@code n}. */
    public static Fraction of(long n) {
        return n == 0 ? ZERO : new Fraction(n, 1);
    }

    /**
     * {@code num/den}, reduced.
     *
     * @throws ArithmeticException when {@code den} is 0, or the reduced
     *     fraction does not fit (e.g. {@code Long.MIN_VALUE} over a negative)
     */
    public static Fraction of(long num, long den) {
        if (den == 0) {
            throw new ArithmeticException("a fraction's denominator cannot be 0");
        }
        long g = gcd(num, den);
        if (g != 1 && g != 0) {
            num /= g;
            den /= g;
        }
        if (den < 0) {
            num = Math.negateExact(num);
            den = Math.negateExact(den);
        }
        return new Fraction(num, den);
    }

    /** A fraction from C: already reduced (a {long num, long den} pair). */
    static Fraction ofPair(long[] pair) {
        return of(pair[0], pair[1]);
    }

    long[] toPair() {
        return new long[] {num, den};
    }

    /**
     * Parses "3/2", "2" or "-7/4" (the C library's syntax).
     *
     * @throws InvalidArgumentException when the text is malformed or the denominator 0
     * @throws OutOfRangeException when it does not fit 64 bits
     */
    public static Fraction parse(String text) {
        return ofPair(org.libloyalty.swig.Loyalty.loyaltySwigFractionParse(text));
    }

    /**
     * The exact value of a decimal, e.g. 1.25 is 5/4.
     *
     * @throws ArithmeticException when it does not fit 64-bit integers
     */
    public static Fraction of(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() <= 0) {
            return of(stripped.toBigIntegerExact().longValueExact());
        }
        BigInteger den = BigInteger.TEN.pow(stripped.scale());
        BigInteger num = stripped.unscaledValue();
        BigInteger g = num.gcd(den);
        return of(num.divide(g).longValueExact(), den.divide(g).longValueExact());
    }

    public long numerator() {
        return num;
    }

    public long denominator() {
        return den;
    }

    public int signum() {
        return Long.signum(num);
    }

    public boolean isZero() {
        return num == 0;
    }

    public boolean isWhole() {
        return den == 1;
    }

    public Fraction negate() {
        return new Fraction(Math.negateExact(num), den);
    }

    public Fraction add(Fraction other) {
        long g = gcd(den, other.den);
        long left = Math.multiplyExact(num, other.den / g);
        long right = Math.multiplyExact(other.num, den / g);
        return of(Math.addExact(left, right), Math.multiplyExact(den, other.den / g));
    }

    public Fraction subtract(Fraction other) {
        return add(other.negate());
    }

    public Fraction multiply(Fraction other) {
        long g1 = gcd(num, other.den);
        long g2 = gcd(other.num, den);
        g1 = g1 == 0 ? 1 : g1;
        g2 = g2 == 0 ? 1 : g2;
        return of(Math.multiplyExact(num / g1, other.num / g2), Math.multiplyExact(den / g2, other.den / g1));
    }

    public Fraction multiply(long n) {
        return multiply(of(n));
    }

    /** {@code this / other}; throws ArithmeticException when other is 0. */
    public Fraction divide(Fraction other) {
        if (other.num == 0) {
            throw new ArithmeticException("division by zero");
        }
        return multiply(of(other.den, other.num));
    }

    /**
     * Rounds to a whole number the way the C library does.
     *
     * @throws OutOfRangeException when the result does not fit
     */
    public long round(Rounding mode) {
        return org.libloyalty.swig.Loyalty.loyaltySwigFractionRound(toPair(), mode.code());
    }

    /** The exact decimal value when there is one (the denominator has only 2 and 5 as factors). */
    public BigDecimal toBigDecimal() {
        return new BigDecimal(num).divide(new BigDecimal(den));
    }

    /** The decimal value rounded to {@code scale} places. */
    public BigDecimal toBigDecimal(int scale, RoundingMode mode) {
        return new BigDecimal(num).divide(new BigDecimal(den), scale, mode);
    }

    public BigDecimal toBigDecimal(MathContext context) {
        return new BigDecimal(num).divide(new BigDecimal(den), context);
    }

    public double doubleValue() {
        return (double) num / (double) den;
    }

    @Override
    public int compareTo(Fraction other) {
        return BigInteger.valueOf(num).multiply(BigInteger.valueOf(other.den))
                .compareTo(BigInteger.valueOf(other.num).multiply(BigInteger.valueOf(den)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fraction && ((Fraction) o).num == num && ((Fraction) o).den == den;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(num) * 31 + Long.hashCode(den);
    }

    /** "3/2", or "2" when whole (the C library's format). */
    @Override
    public String toString() {
        return den == 1 ? Long.toString(num) : num + "/" + den;
    }

    private static long gcd(long a, long b) {
        // on magnitudes as negatives, so that Long.MIN_VALUE works
        a = a > 0 ? -a : a;
        b = b > 0 ? -b : b;
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a == Long.MIN_VALUE ? Long.MIN_VALUE : -a;
    }
}
