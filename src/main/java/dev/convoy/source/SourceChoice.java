package dev.convoy.source;

import java.util.Locale;

/** A job's {@code source:} setting. */
public enum SourceChoice {
  /** The built-in source: it reads on the executors and costs nothing while a shard is idle. */
  AUTO,
  /** The AWS connector ({@code aws-kinesis}), bundled with EMR 7.1+. */
  AWS_KINESIS,
  /** Convoy's own source ({@code convoy-kinesis}). */
  BUILTIN;

  public static SourceChoice parse(String where, String text) {
    return switch (text == null ? "auto" : text.strip().toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "aws-kinesis" -> AWS_KINESIS;
      case "builtin" -> BUILTIN;
      default -> throw new IllegalArgumentException(where + ": '" + text + "' is not a source; use auto, aws-kinesis or builtin");
    };
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
