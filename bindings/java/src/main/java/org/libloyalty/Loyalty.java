/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The library itself: versions, the registry of built-in strategy kinds,
 * currencies. {@code java -jar libloyalty.jar} prints the versions and where
 * the native library came from.
 */
public final class Loyalty {
    private Loyalty() {}

    /** The C library's version, "major.minor.patch". */
    public static String version() {
        return org.libloyalty.swig.Loyalty.loyaltyVersionString();
    }

    /** The C library's version as major * 10000 + minor * 100 + patch. */
    public static int versionNumber() {
        return org.libloyalty.swig.Loyalty.loyaltyVersionNumber();
    }

    /** The built-in strategy kinds ("base_rate", "product_type", ...). */
    public static List<String> strategyKinds() {
        int n = (int) org.libloyalty.swig.Loyalty.loyaltyStrategyKindCount();
        List<String> kinds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            kinds.add(org.libloyalty.swig.Loyalty.loyaltyStrategyKindName(i));
        }
        return Collections.unmodifiableList(kinds);
    }

    /** A one-paragraph description of a kind's parameters; empty for an unknown kind. */
    public static Optional<String> strategyKindHelp(String kind) {
        return Optional.ofNullable(org.libloyalty.swig.Loyalty.loyaltyStrategyKindHelp(kind));
    }

    /** Whether {@code code} is an active ISO 4217 alphabetic code. */
    public static boolean isValidCurrency(String code) {
        return org.libloyalty.swig.Loyalty.loyaltyCurrencyIsValid(code) != 0;
    }

    /**
     * The minor-unit digits of a currency: 2 for EUR, 0 for JPY, 3 for KWD.
     *
     * @throws CurrencyException for an unknown currency
     */
    public static int currencyMinorDigits(String code) {
        return org.libloyalty.swig.Loyalty.loyaltySwigCurrencyMinorDigits(code);
    }

    /** Minor units as an amount in major units: 3370 USD is 33.70. */
    public static BigDecimal toMajorUnits(long minorUnits, String currency) {
        return BigDecimal.valueOf(minorUnits, currencyMinorDigits(currency));
    }

    /**
     * An amount in major units as minor units: 33.70 USD is 3370.
     *
     * @throws ArithmeticException when it has more decimals than the currency or does not fit a long
     */
    public static long toMinorUnits(BigDecimal amount, String currency) {
        return amount.movePointRight(currencyMinorDigits(currency)).longValueExact();
    }

    /**
     * The instant of a civil date and time at a fixed UTC offset (C:
     * {@code loyalty_time_from_civil}); {@code java.time} does the same with
     * {@code OffsetDateTime.of(...).toInstant()}.
     */
    public static Instant timeFromCivil(int year, int month, int day, int hour, int minute, int second,
            int utcOffsetMinutes) {
        return Instant.ofEpochMilli(org.libloyalty.swig.Loyalty.loyaltySwigTimeFromCivil(year, month, day, hour,
                minute, second, utcOffsetMinutes));
    }

    /** Prints the versions and where the JNI library was loaded from. */
    public static void main(String[] args) {
        System.out.println("libloyalty " + version() + " (Java binding "
                + Optional.ofNullable(Loyalty.class.getPackage().getImplementationVersion()).orElse("dev")
                + ", JNI library " + org.libloyalty.swig.NativeLibrary.source() + ")");
        System.out.println("strategy kinds: " + String.join(", ", strategyKinds()));
    }
}
