package dev.convoy.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's CPU samples went, by what Convoy's batches do: each sample goes to the first
 * category, in this order, that a frame of its stack belongs to (the more specific work first).
 */
final class Profile {

  private record Category(String name, List<String> prefixes) {}

  private static final List<Category> CATEGORIES = List.of(
      new Category("code generation and compilation", List.of("org.codehaus.janino", "org.codehaus.commons",
          "org.apache.spark.sql.catalyst.expressions.codegen", "org.apache.spark.sql.execution.CodegenSupport",
          "org.apache.spark.sql.execution.WholeStageCodegenExec")),
      new Category("checkpoint file I/O (Hadoop file system and its shell commands)", List.of("org.apache.hadoop.util.Shell", "org.apache.hadoop.fs",
          "java.lang.ProcessImpl", "java.lang.ProcessBuilder")),
      new Category("state store", List.of("org.apache.spark.sql.execution.streaming.state")),
      new Category("offset and commit logs", List.of("org.apache.spark.sql.execution.streaming.HDFSMetadataLog",
          "org.apache.spark.sql.execution.streaming.OffsetSeqLog", "org.apache.spark.sql.execution.streaming.CommitLog",
          "org.apache.spark.sql.execution.streaming.CheckpointFileManager")),
      new Category("progress reporting and listeners", List.of("org.apache.spark.sql.execution.streaming.ProgressReporter.finishTrigger",
          "org.apache.spark.sql.execution.streaming.ProgressReporter.updateProgress",
          "org.apache.spark.sql.execution.streaming.ProgressReporter.extract", "org.apache.spark.sql.streaming.StreamingQueryProgress",
          "org.apache.spark.util.ListenerBus", "org.apache.spark.scheduler.AsyncEventQueue", "org.apache.spark.status", "org.json4s",
          "dev.convoy.run.ProgressTracker")),
      new Category("warehouse writes (JDBC)", List.of("dev.convoy.sink", "com.amazon.redshift")),
      new Category("Kinesis source", List.of("dev.convoy.source", "software.amazon")),
      new Category("task and closure serialisation", List.of("java.io.ObjectOutputStream", "java.io.ObjectInputStream",
          "org.apache.spark.util.ClosureCleaner", "org.apache.xbean.asm9", "org.apache.spark.serializer")),
      new Category("tasks (decode, aggregation, shuffle)", List.of("org.apache.spark.executor.Executor$TaskRunner")),
      new Category("query planning (analysis, optimisation, physical plan)", List.of("org.apache.spark.sql.catalyst",
          "org.apache.spark.sql.execution.QueryExecution", "org.apache.spark.sql.execution.SparkPlan",
          "org.apache.spark.sql.execution.SparkStrategies", "org.apache.spark.sql.execution.streaming.IncrementalExecution")),
      new Category("scheduler and other Spark", List.of("org.apache.spark", "scala.")));

  private Profile() {}

  /** Share of CPU samples per category (percent), the rest as "other (JVM, GC threads' Java, JDK)". */
  static Map<String, Double> breakdown(Path recording) throws IOException {
    Map<String, Long> counts = new LinkedHashMap<>();
    CATEGORIES.forEach(c -> counts.put(c.name(), 0L));
    counts.put("other", 0L);
    long total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) continue;
      total++;
      counts.merge(categorise(e.getStackTrace().getFrames()), 1L, Long::sum);
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    for (var c : counts.entrySet()) shares.put(c.getKey(), total == 0 ? 0 : Math.round(1000.0 * c.getValue() / total) / 10.0);
    shares.put("samples", (double) total);
    return shares;
  }

  private static String categorise(List<RecordedFrame> frames) {
    for (Category c : CATEGORIES) {
      for (RecordedFrame f : frames) {
        if (f.getMethod() == null || f.getMethod().getType() == null) continue;
        String type = f.getMethod().getType().getName();
        for (String prefix : c.prefixes()) if (type.startsWith(prefix)) return c.name();
      }
    }
    return "other";
  }
}
