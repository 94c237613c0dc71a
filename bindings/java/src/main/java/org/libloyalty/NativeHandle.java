/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * The base of every object that holds a C handle: the lifetime and the
 * locking rules, in one place.
 *
 * <ul>
 *   <li><b>Owning.</b> An owned handle frees its C object exactly once:
 *       {@link #close()}, or a {@link Cleaner} when the object becomes
 *       unreachable unclosed (no finalizers). The cleaning action holds the
 *       SWIG proxy, never this object.
 *   <li><b>Locking.</b> Every call takes the handle's read lock (many
 *       threads at once), every change its write lock, and {@code close()}
 *       the write lock too: closing waits for calls in flight on other
 *       threads, and a call after close throws {@link IllegalStateException}
 *       instead of touching freed memory. The C rule "read from many
 *       threads, never changed while read" is thereby enforced, not only
 *       documented.
 *   <li><b>Re-entry.</b> A thread that holds a read lock (a custom strategy
 *       runs inside a computation that reads the calculator, customer and
 *       purchase) cannot take the write lock: a change or a close from there
 *       throws ({@link StateException}, {@link IllegalStateException})
 *       instead of deadlocking.
 *   <li><b>Owners.</b> A handle owned by another (the calculator of a
 *       program) locks its owner too, and keeps it reachable: it never
 *       outlives the C object it points into.
 *   <li><b>Views.</b> A borrowed, read-only view (what a custom strategy
 *       sees) owns nothing and is closed when the borrowing ends.
 * </ul>
 */
abstract class NativeHandle<R extends AutoCloseable> implements AutoCloseable {
    static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread t = new Thread(runnable, "libloyalty-cleaner");
        t.setDaemon(true);
        return t;
    });

    /** Frees the C object once. Holds the proxy, never the handle object. */
    private static final class Release implements Runnable {
        private AutoCloseable raw;

        Release(AutoCloseable raw) {
            this.raw = raw;
        }

        synchronized void handOver() {
            raw = null;
        }

        @Override
        public synchronized void run() {
            AutoCloseable r = raw;
            raw = null;
            if (r != null) {
                try {
                    r.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** The SWIG proxy. Only touched under {@link #lockRead()} or {@link #lockWrite()}. */
    private final R raw;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Release release;
    private final Cleaner.Cleanable cleanable;
    private final boolean view;
    private volatile NativeHandle<?> owner;
    private boolean closed; // guarded by lock

    /** An owned handle: frees {@code raw} on close or when unreachable. */
    NativeHandle(R raw) {
        this(raw, false);
    }

    /**
     * An owned handle, or (view) a borrowed read-only view of {@code raw},
     * valid until {@link #expire()}.
     */
    NativeHandle(R raw, boolean view) {
        if (raw == null) {
            throw new IllegalStateException("libloyalty returned no handle");
        }
        this.raw = raw;
        this.view = view;
        this.release = view ? null : new Release(raw);
        this.cleanable = view ? null : CLEANER.register(this, release);
    }

    /** The class name used in messages ("Customer"). */
    String what() {
        return getClass().getSimpleName();
    }

    // ---- locking -------------------------------------------------------------

    final R lockRead() {
        NativeHandle<?> o = owner;
        if (o != null) {
            o.lockRead();
        }
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            if (o != null) {
                o.unlockRead();
            }
            throw closedError();
        }
        return raw;
    }

    final void unlockRead() {
        lock.readLock().unlock();
        NativeHandle<?> o = owner;
        if (o != null) {
            o.unlockRead();
        }
        Reference.reachabilityFence(this);
    }

    final R lockWrite() {
        if (view) {
            throw new StateException(what() + " is a read-only view: a custom strategy cannot change what it reads");
        }
        if (lock.getReadHoldCount() > 0) {
            throw new StateException("this " + what() + " is being read by a computation on this thread: "
                    + "it cannot change until the computation returns (a custom strategy cannot change it)");
        }
        NativeHandle<?> o = owner;
        if (o != null) {
            o.lockRead();
        }
        lock.writeLock().lock();
        if (closed) {
            lock.writeLock().unlock();
            if (o != null) {
                o.unlockRead();
            }
            throw closedError();
        }
        return raw;
    }

    final void unlockWrite() {
        lock.writeLock().unlock();
        NativeHandle<?> o = owner;
        if (o != null) {
            o.unlockRead();
        }
        Reference.reachabilityFence(this);
    }

    /** True when this thread holds this handle's read lock (it is inside a call that reads it). */
    final boolean readByThisThread() {
        return lock.getReadHoldCount() > 0;
    }

    final <T> T read(Function<R, T> f) {
        R r = lockRead();
        try {
            return f.apply(r);
        } finally {
            unlockRead();
        }
    }

    final long readLong(ToLongFunction<R> f) {
        R r = lockRead();
        try {
            return f.applyAsLong(r);
        } finally {
            unlockRead();
        }
    }

    final int readInt(ToIntFunction<R> f) {
        R r = lockRead();
        try {
            return f.applyAsInt(r);
        } finally {
            unlockRead();
        }
    }

    final void write(Consumer<R> f) {
        R r = lockWrite();
        try {
            f.accept(r);
        } finally {
            unlockWrite();
        }
    }

    // ---- ownership -----------------------------------------------------------

    /**
     * Something in C took the C object over (a program, its calculator):
     * stop freeing it. Called with this handle's write lock held.
     */
    final void disown() {
        release.handOver();
    }

    /**
     * From now on, lock (and keep reachable) {@code newOwner}, which owns the
     * C object: this handle never outlives it.
     */
    final void setOwner(NativeHandle<?> newOwner) {
        owner = newOwner;
    }

    final NativeHandle<?> owner() {
        return owner;
    }

    // ---- closing -------------------------------------------------------------

    IllegalStateException closedError() {
        return new IllegalStateException(view
                ? what() + " was only valid during the custom strategy call that received it: copy what you need"
                : "this " + what() + " is closed");
    }

    /** True once closed (or, for a view, once its call has returned). */
    public final boolean isClosed() {
        lock.readLock().lock();
        try {
            return closed;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Frees the C object now. Waits for calls that other threads are making
     * with this object; closing twice does nothing.
     *
     * @throws IllegalStateException when called from inside a call that uses
     *     this object on the same thread (a custom strategy)
     */
    @Override
    public void close() {
        if (lock.getReadHoldCount() > 0) {
            throw new IllegalStateException("this " + what()
                    + " cannot be closed by a computation that is using it (a custom strategy)");
        }
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
        if (cleanable != null) {
            cleanable.clean();
        }
    }

    /** Ends a view: its borrowed pointer is no longer valid. */
    final void expire() {
        lock.writeLock().lock();
        try {
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** toString of a closed or expired handle. */
    final String closedString() {
        return what() + (view ? "[expired]" : "[closed]");
    }
}
