/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.libloyalty.swig.LoyaltyConstants;

/** Value types, enums against the C constants, versions, currencies (tests/unit/test_types.c). */
class ValuesTest {
    @Test
    void fractionsAreReducedWithAPositiveDenominator() {
        assertEquals("3/2", Fraction.of(6, 4).toString());
        assertEquals("-3/2", Fraction.of(3, -2).toString());
        assertEquals("2", Fraction.of(4, 2).toString());
        assertEquals(Fraction.ZERO, Fraction.of(0, -5));
        assertEquals(Fraction.of(1), Fraction.of(Long.MIN_VALUE, Long.MIN_VALUE));
        assertThrows(ArithmeticException.class, () -> Fraction.of(1, 0));
        assertThrows(ArithmeticException.class, () -> Fraction.of(1, Long.MIN_VALUE));
    }

    @Test
    void fractionArithmeticIsExactOrThrows() {
        assertEquals(Fraction.of(5, 6), Fraction.of(1, 2).add(Fraction.of(1, 3)));
        assertEquals(Fraction.of(1, 6), Fraction.of(1, 2).subtract(Fraction.of(1, 3)));
        assertEquals(Fraction.of(18999, 1000), Fraction.of(18999, 100).multiply(Fraction.of(10, 100)));
        assertEquals(Fraction.of(3, 2), Fraction.of(3, 4).divide(Fraction.of(1, 2)));
        assertThrows(ArithmeticException.class, () -> Fraction.of(Long.MAX_VALUE).multiply(2));
        assertThrows(ArithmeticException.class, () -> Fraction.ONE.divide(Fraction.ZERO));
        assertTrue(Fraction.of(1, 3).compareTo(Fraction.of(1, 2)) < 0);
        assertEquals(List.of(Fraction.of(-1), Fraction.ZERO, Fraction.of(1, 3)),
                List.of(Fraction.of(1, 3), Fraction.of(-1), Fraction.ZERO).stream().sorted().toList());
    }

    @Test
    void fractionsConvertToAndFromDecimals() {
        assertEquals(new BigDecimal("1032.48"), Fraction.of(25812, 25).toBigDecimal());
        assertEquals(new BigDecimal("0.333"), Fraction.of(1, 3).toBigDecimal(3, RoundingMode.DOWN));
        assertThrows(ArithmeticException.class, () -> Fraction.of(1, 3).toBigDecimal());
        assertEquals(Fraction.of(5, 4), Fraction.of(new BigDecimal("1.250")));
        assertEquals(Fraction.of(120), Fraction.of(new BigDecimal("1.2E+2")));
        assertEquals(0.5, Fraction.of(1, 2).doubleValue());
    }

    @Test
    void fractionParseAndRoundUseTheCLibrary() {
        assertEquals(Fraction.of(3, 2), Fraction.parse("6/4"));
        assertEquals(Fraction.of(-7, 4), Fraction.parse("-7/4"));
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> Fraction.parse("1/0"));
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> Fraction.parse("x"));
        T.assertFails(OutOfRangeException.class, Status.ERANGE, () -> Fraction.parse("99999999999999999999"));
        // 2.5 and -2.5 in every mode (tests/unit/test_calculator.c, test_each_rounding_mode)
        Fraction half = Fraction.of(5, 2);
        assertEquals(List.of(2L, 3L, 2L, 3L), List.of(half.round(Rounding.FLOOR), half.round(Rounding.HALF_UP),
                half.round(Rounding.HALF_EVEN), half.round(Rounding.CEIL)));
        Fraction neg = half.negate();
        assertEquals(List.of(-3L, -3L, -2L, -2L), List.of(neg.round(Rounding.FLOOR), neg.round(Rounding.HALF_UP),
                neg.round(Rounding.HALF_EVEN), neg.round(Rounding.CEIL)));
    }

    @Test
    void enumsHaveTheCValues() {
        assertEquals(LoyaltyConstants.LOYALTY_ROUND_HALF_EVEN, Rounding.HALF_EVEN.code());
        assertEquals(LoyaltyConstants.LOYALTY_STACK_COMPOUND, Stacking.COMPOUND.code());
        assertEquals(LoyaltyConstants.LOYALTY_ROLE_BONUS, StrategyRole.BONUS.code());
        assertEquals(LoyaltyConstants.LOYALTY_ENTRY_DEBT_REPAY, EntryKind.DEBT_REPAY.code());
        assertEquals(LoyaltyConstants.LOYALTY_REFUND_DEBT, RefundPolicy.DEBT.code());
        assertEquals(LoyaltyConstants.LOYALTY_EXPIRY_INACTIVITY, ExpiryMode.INACTIVITY.code());
        assertEquals(LoyaltyConstants.LOYALTY_PERIOD_EVER, Period.EVER.code());
        assertEquals(LoyaltyConstants.LOYALTY_TIER_BY_POINTS, TierMetric.POINTS.code());
        assertEquals(LoyaltyConstants.LOYALTY_TIER_ROLLING_DAYS, TierWindow.ROLLING_DAYS.code());
        for (Rounding r : Rounding.values()) {
            assertEquals(org.libloyalty.swig.Loyalty.loyaltyRoundingName(r.code()), r.label());
        }
        for (StrategyRole r : StrategyRole.values()) {
            assertEquals(org.libloyalty.swig.Loyalty.loyaltyStrategyRoleName(r.code()), r.label());
        }
        for (EntryKind k : EntryKind.values()) {
            assertEquals(org.libloyalty.swig.Loyalty.loyaltyEntryKindName(k.code()), k.label());
        }
        assertThrows(IllegalArgumentException.class, () -> EntryKind.of(16));
    }

    @Test
    void everyStatusHasItsCNameAndDescription() {
        assertEquals(LoyaltyConstants.LOYALTY_ESTATE, Status.ESTATE.code());
        for (Status s : Status.values()) {
            assertEquals(org.libloyalty.swig.Loyalty.loyaltyStatusName(s.code()), s.cName());
            assertEquals(org.libloyalty.swig.Loyalty.loyaltyStrerror(s.code()), s.description());
            assertEquals(s, Status.of(s.code()));
        }
        assertEquals("not found", Status.ENOTFOUND.description());
        assertEquals(null, Status.of(-14)); // the first code this version does not know
        assertEquals(null, Status.of(1));
    }

    @Test
    void versionsAgree() {
        assertEquals("0.1.0", Loyalty.version());
        assertEquals(100, Loyalty.versionNumber());
        assertEquals(List.of("base_rate", "product_type", "tier_multiplier", "campaign", "birthday", "threshold",
                "first_purchase"), Loyalty.strategyKinds());
        assertTrue(Loyalty.strategyKindHelp("base_rate").orElseThrow().contains("per"));
        assertTrue(Loyalty.strategyKindHelp("nope").isEmpty());
    }

    @Test
    void currencies() {
        assertTrue(Loyalty.isValidCurrency("EUR"));
        assertFalse(Loyalty.isValidCurrency("XYZ"));
        assertEquals(2, Loyalty.currencyMinorDigits("EUR"));
        assertEquals(0, Loyalty.currencyMinorDigits("JPY"));
        assertEquals(3, Loyalty.currencyMinorDigits("KWD"));
        T.assertFails(CurrencyException.class, Status.ECURRENCY, () -> Loyalty.currencyMinorDigits("XYZ"));
        assertEquals(new BigDecimal("33.70"), Loyalty.toMajorUnits(3370, "USD"));
        assertEquals(new BigDecimal("3370"), Loyalty.toMajorUnits(3370, "JPY"));
        assertEquals(3370, Loyalty.toMinorUnits(new BigDecimal("33.7"), "USD"));
        assertThrows(ArithmeticException.class, () -> Loyalty.toMinorUnits(new BigDecimal("0.001"), "USD"));
    }

    @Test
    void civilTimes() {
        assertEquals(T.utc(2026, 12, 24, 17, 30), Loyalty.timeFromCivil(2026, 12, 24, 18, 30, 0, 60));
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> Loyalty.timeFromCivil(2026, 2, 30, 0, 0, 0, 0));
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> Loyalty.timeFromCivil(2026, 1, 1, 0, 0, 0, 15 * 60));
    }
}
