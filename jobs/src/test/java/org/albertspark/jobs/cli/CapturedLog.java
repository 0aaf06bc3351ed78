package org.albertspark.jobs.cli;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * The WARN and ERROR events logged in this JVM (Spark's included) while open: what a user's driver
 * console would show, as "LEVEL Logger: message" lines.
 */
final class CapturedLog implements AutoCloseable {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
  private final AbstractAppender appender =
      new AbstractAppender("captured-driver-log", null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent e) {
          lines.add(
              e.getLevel() + " " + e.getLoggerName() + ": " + e.getMessage().getFormattedMessage());
        }
      };

  CapturedLog() {
    appender.start();
    context.getConfiguration().getRootLogger().addAppender(appender, Level.WARN, null);
    context.updateLoggers();
  }

  /** The captured lines that contain {@code text}. */
  List<String> containing(String text) {
    return lines.stream().filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() {
    context.getConfiguration().getRootLogger().removeAppender(appender.getName());
    context.updateLoggers();
    appender.stop();
  }
}
