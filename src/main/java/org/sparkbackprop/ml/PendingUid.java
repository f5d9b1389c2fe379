package org.sparkbackprop.ml;

/**
 * The uid of a Spark ML stage while its constructor runs. Spark's Scala base classes create
 * their params ({@code featuresCol}, {@code thresholds}, ...) in their own constructors, and a
 * param asks its parent for {@code uid()} then: before a Java subclass has set any field. So a
 * constructor hands its uid here first (in the arguments of its {@code this(...)} call, which
 * run before {@code super()}), {@code uid()} answers from here until the field is set, and the
 * constructor releases it at its end.
 */
final class PendingUid {
    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    private PendingUid() {
    }

    /** Holds {@code uid} for the constructor about to run on this thread; returns it. */
    static String hold(String uid) {
        if (uid == null || uid.isEmpty()) {
            throw new IllegalArgumentException("a Spark ML stage needs a non-empty uid");
        }
        PENDING.set(uid);
        return uid;
    }

    /** The uid held for the constructor running on this thread. */
    static String held() {
        String uid = PENDING.get();
        if (uid == null) {
            throw new IllegalStateException("uid() called during construction without a held uid");
        }
        return uid;
    }

    static void release() {
        PENDING.remove();
    }
}
