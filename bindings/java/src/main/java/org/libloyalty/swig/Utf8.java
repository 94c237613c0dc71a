/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty.swig;

import java.nio.charset.StandardCharsets;

/**
 * Strings cross JNI as UTF-8 bytes (the generated wrappers call these).
 * Internal: not part of the API.
 */
public final class Utf8 {
    private Utf8() {}

    /**
     * The UTF-8 bytes of {@code s} and a terminating NUL, or null for null.
     *
     * @throws IllegalArgumentException when {@code s} contains a NUL
     *     character, which C would take for the end of the string
     */
    public static byte[] encode(String s) {
        if (s == null) {
            return null;
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a string passed to libloyalty cannot contain NUL characters");
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        return out;
    }

    /** The string of UTF-8 {@code bytes} (no NUL), or null for null. */
    public static String decode(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
