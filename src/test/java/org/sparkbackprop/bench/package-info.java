/**
 * {@code submit/bench.sh}: the performance figures of the README, each a ratio of two things
 * measured in the same run (Spark against in-process, ours against Spark MLlib, a step against
 * a trivial Spark job), so that a shared, noisy machine slows both sides alike. Test scope:
 * MLlib, the baseline, never reaches the application jar.
 */
package org.sparkbackprop.bench;
