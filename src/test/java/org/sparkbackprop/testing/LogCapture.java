package org.sparkbackprop.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log line this JVM prints while it is open, as the console would show it (the levels of
 * the logging configuration apply): what a user would read beside a command's own output.
 */
public final class LogCapture implements AutoCloseable {
    private final LoggerContext context;
    private final LoggerConfig root;
    private final Appender appender = new Appender();

    /** On the root logger, which every logger's lines reach, as they reach the console. */
    private LogCapture() {
        context = (LoggerContext) LogManager.getContext(LoggerContext.class.getClassLoader(), false);
        root = context.getConfiguration().getRootLogger();
        appender.start();
        root.addAppender(appender, null, null);
        context.updateLoggers();
    }

    /** Starts capturing. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** The lines so far: level, logger, message, and the first line of any exception. */
    public List<String> lines() {
        return List.copyOf(appender.lines);
    }

    @Override
    public void close() {
        root.removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }

    private static final class Appender extends AbstractAppender {
        private final List<String> lines = new CopyOnWriteArrayList<>();

        Appender() {
            super("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            lines.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getMessage().getFormattedMessage()
                    + (event.getThrown() == null ? "" : " | " + event.getThrown()));
        }
    }
}
