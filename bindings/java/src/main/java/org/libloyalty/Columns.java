/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Helpers of {@link PurchaseColumns} and {@link CustomerColumns}: direct buffers in native order. */
final class Columns {
    private Columns() {
    }

    /** A direct buffer of {@code bytes} bytes (at least 1: a buffer of 0 bytes may have no address). */
    static ByteBuffer direct(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new InvalidArgumentException("columns: a column needs " + bytes + " bytes, more than a buffer holds");
        }
        return ByteBuffer.allocateDirect((int) Math.max(1, bytes)).order(ByteOrder.nativeOrder());
    }

    static ByteBuffer ints(int[] values, int from, int count) {
        ByteBuffer b = direct(4L * count);
        b.asIntBuffer().put(values, from, count);
        return b;
    }

    static ByteBuffer longs(long[] values, int from, int count) {
        ByteBuffer b = direct(8L * count);
        b.asLongBuffer().put(values, from, count);
        return b;
    }

    static ByteBuffer bytes(byte[] values, int from, int count) {
        ByteBuffer b = direct(count);
        b.put(values, from, count);
        b.clear();
        return b;
    }

    /** The strings as NUL-terminated UTF-8, one after the other. */
    static ByteBuffer texts(String[] values, int from, int count, String what) {
        byte[][] enc = new byte[count][];
        long size = 0;
        for (int i = 0; i < count; i++) {
            String s = values[from + i];
            if (s == null) {
                throw new InvalidArgumentException("columns: " + what + "[" + (from + i) + "] is null");
            }
            if (s.indexOf('\0') >= 0) {
                throw new InvalidArgumentException("columns: " + what + "[" + (from + i)
                        + "] contains a NUL character");
            }
            enc[i] = s.getBytes(StandardCharsets.UTF_8);
            size += enc[i].length + 1;
        }
        ByteBuffer b = direct(size);
        for (byte[] e : enc) {
            b.put(e).put((byte) 0);
        }
        b.clear();
        return b;
    }

    static byte[] utf8z(String s) {
        byte[] e = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[e.length + 1];
        System.arraycopy(e, 0, z, 0, e.length);
        return z;
    }

    static void length(String what, int got, int want) {
        if (got != want) {
            throw new InvalidArgumentException("columns: " + what + " has " + got + " values, " + want + " expected");
        }
    }

    /** The NUL-terminated strings of {@code blob}, in order. */
    static String[] split(byte[] blob, int count) {
        String[] out = new String[count];
        int at = 0;
        for (int i = 0; i < count && at < blob.length; i++) {
            int end = at;
            while (end < blob.length && blob[end] != 0) {
                end++;
            }
            out[i] = new String(blob, at, end - at, StandardCharsets.UTF_8);
            at = end + 1;
        }
        return out;
    }
}
