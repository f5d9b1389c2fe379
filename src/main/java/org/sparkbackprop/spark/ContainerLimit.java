package org.sparkbackprop.spark;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.sparkbackprop.common.BadInputException;

/**
 * A container larger than YARN ever allocates, as Spark's YARN client refuses it when the
 * application is submitted, named as bad settings in one line: the setting, its value, and YARN's
 * limit (the same words as submit/yarn.sh's in cluster deploy mode).
 */
public final class ContainerLimit {
    private static final Pattern TOO_LARGE =
            Pattern.compile("Required ([A-Za-z]+) memory .* is above the max threshold \\(\\d+ MB\\) of this cluster");

    private ContainerLimit() {
    }

    /** {@code refused} as bad settings when it is YARN's refusal of a container's size; else itself. */
    public static RuntimeException named(IllegalArgumentException refused, SparkConf conf) {
        Matcher matcher = TOO_LARGE.matcher(String.valueOf(refused.getMessage()));
        if (!matcher.find()) {
            return refused;
        }
        // in client deploy mode, the one in which the driver meets this, the AM is not the driver
        String setting = matcher.group(1).equals("executor")
                ? "spark.executor.memory " + conf.get("spark.executor.memory", "1g") + " (EXECUTOR_MEMORY)"
                : "spark.yarn.am.memory " + conf.get("spark.yarn.am.memory", "512m");
        return new BadInputException(setting + ": YARN can never start such a container: " + matcher.group()
                + " (yarn.scheduler.maximum-allocation-mb)", refused);
    }
}
