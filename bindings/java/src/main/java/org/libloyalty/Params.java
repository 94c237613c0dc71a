/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A strategy's parameters as data: an ordered list of key=value pairs (C:
 * {@code loyalty_params}). A key may repeat where the strategy takes a list.
 * Values are checked by the strategy that consumes them
 * ({@link Calculator#add(String, String, Params)}), which copies them.
 *
 * <pre>{@code
 * try (Params p = new Params().add("multiplier", Fraction.of(2)).add("type", "electronics")) {
 *     calculator.add("campaign", "tech_week", p);
 * }
 * }</pre>
 */
public final class Params extends NativeHandle<org.libloyalty.swig.Params> {
    /** An empty list. */
    public Params() {
        super(new org.libloyalty.swig.Params(null));
    }

    private Params(org.libloyalty.swig.Params raw) {
        super(raw);
    }

    /**
     * Parses whitespace-separated pairs, e.g. {@code "points=1 per=100"}.
     *
     * @throws InvalidArgumentException for a malformed pair (the message names the offset)
     */
    public static Params parse(String text) {
        if (text == null) {
            throw new InvalidArgumentException("loyalty_params_parse: the text is null");
        }
        return new Params(new org.libloyalty.swig.Params(text));
    }

    /** The pairs of a map, in its iteration order; values are written with {@code toString()}. */
    public static Params of(Map<String, ?> pairs) {
        Params p = new Params();
        try {
            for (Map.Entry<String, ?> e : pairs.entrySet()) {
                Object v = e.getValue();
                if (v instanceof Fraction) {
                    p.add(e.getKey(), (Fraction) v);
                } else {
                    p.add(e.getKey(), String.valueOf(v));
                }
            }
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    public Params copy() {
        return new Params(read(p -> p.clone()));
    }

    public Params add(String key, String value) {
        write(p -> p.add(key, value));
        return this;
    }

    public Params add(String key, long value) {
        write(p -> p.addInt(key, value));
        return this;
    }

    public Params add(String key, Fraction value) {
        long[] pair = value.toPair();
        write(p -> p.addFraction(key, pair));
        return this;
    }

    public int size() {
        return (int) readLong(p -> p.count());
    }

    /** The first value for {@code key}. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(read(p -> p.get(key)));
    }

    /** Every pair, in order (a copy). */
    public List<Map.Entry<String, String>> entries() {
        return read(p -> {
            int n = (int) p.count();
            List<Map.Entry<String, String>> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(new AbstractMap.SimpleImmutableEntry<>(p.key(i), p.value(i)));
            }
            return Collections.unmodifiableList(out);
        });
    }

    /** The list as text, "k=v k=v": parsing it gives an equal list. */
    public String text() {
        return read(p -> p.text());
    }

    @Override
    public String toString() {
        return isClosed() ? closedString() : "Params[" + text() + "]";
    }
}
