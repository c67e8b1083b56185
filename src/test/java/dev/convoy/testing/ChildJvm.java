package dev.convoy.testing;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** The command line of a JVM like this one (same JDK, classpath and Spark flags) running another main class: for kill tests and benchmarks. */
public final class ChildJvm {

  private ChildJvm() {}

  public static List<String> command(Class<?> main, String maxHeap, String... args) {
    return command(main, maxHeap, List.of(), args);
  }

  /** As above, with {@code flags} for the child's JVM (a benchmark measuring one). */
  public static List<String> command(Class<?> main, String maxHeap, List<String> flags, String... args) {
    Properties jvm = jvmProperties();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(asThisJvmGotThem(jvm.getProperty("convoy.jvm.options").trim().split("\\s+")));
    // The driver's collector, as bin/convoy gives it, unless the flags measure another: two would stop the JVM.
    if (flags.stream().noneMatch(ChildJvm::namesCollector)) command.add(driverCollector());
    command.addAll(flags);
    command.addAll(List.of("-Xmx" + maxHeap, "-Dlog4j2.configurationFile=" + Path.of("conf/log4j2.properties").toAbsolutePath(),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return command;
  }

  /** The driver's collector flag in conf/jvm.properties, which bin/convoy gives the drivers it starts. */
  public static String driverCollector() {
    String collector = jvmProperties().getProperty("convoy.jvm.driver.gc", "").trim();
    if (!namesCollector(collector)) throw new IllegalStateException("conf/jvm.properties: convoy.jvm.driver.gc is not a collector flag: '" + collector + "'");
    return collector;
  }

  /** Whether a JVM flag picks a garbage collector ({@code -XX:+UseG1GC}, {@code -XX:+UseParallelGC}, …). */
  public static boolean namesCollector(String flag) {
    return flag.matches("-XX:\\+Use\\w+GC");
  }

  private static Properties jvmProperties() {
    Properties jvm = new Properties();
    try (var in = new FileInputStream("conf/jvm.properties")) {
      jvm.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("conf/jvm.properties (run from the project folder)", e);
    }
    return jvm;
  }

  /**
   * Spark's flags as this JVM got them. bin/convoy fits conf/jvm.properties to the running JDK
   * (bin/lib/run.sh: no {@code --add-opens} of a package the JDK lacks, Netty's sun.misc.Unsafe
   * allowed), so a child started with this JVM's choice prints no warning this one did not.
   */
  private static List<String> asThisJvmGotThem(String[] flags) {
    List<String> mine = ManagementFactory.getRuntimeMXBean().getInputArguments();
    List<String> out = new ArrayList<>(mine.stream().filter(f -> f.startsWith("--sun-misc-unsafe-memory-access=")).toList());
    for (String flag : flags) if (mine.contains(flag)) out.add(flag);
    return out;
  }
}
