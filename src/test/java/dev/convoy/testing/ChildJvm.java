package dev.convoy.testing;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/** The command line of a JVM like this one (same JDK, classpath and Spark flags) running another main class: for kill tests and benchmarks. */
public final class ChildJvm {

  private ChildJvm() {}

  public static List<String> command(Class<?> main, String maxHeap, String... args) {
    return command(main, maxHeap, List.of(), args);
  }

  /** As above, with {@code flags} for the child's JVM (a benchmark measuring one). */
  public static List<String> command(Class<?> main, String maxHeap, List<String> flags, String... args) {
    Properties jvm = new Properties();
    try (var in = new FileInputStream("conf/jvm.properties")) {
      jvm.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("conf/jvm.properties (run from the project folder)", e);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(fitted(jvm.getProperty("convoy.jvm.options").trim().split("\\s+")));
    command.addAll(flags);
    command.addAll(List.of("-Xmx" + maxHeap, "-Dlog4j2.configurationFile=" + Path.of("conf/log4j2.properties").toAbsolutePath(),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Spark's flags fitted to this JDK, as bin/lib/run.sh fits them: no {@code --add-opens} of a package
   * java.base no longer has (JDK 24 dropped sun.security.action), and Netty's use of sun.misc.Unsafe
   * allowed on JDK 23+; otherwise the JVM prints a warning for each.
   */
  private static List<String> fitted(String[] flags) {
    Set<String> packages = Object.class.getModule().getPackages();
    List<String> out = new ArrayList<>();
    if (Runtime.version().feature() >= 23) out.add("--sun-misc-unsafe-memory-access=allow");
    for (String flag : flags) {
      String prefix = "--add-opens=java.base/";
      if (flag.startsWith(prefix) && !packages.contains(flag.substring(prefix.length(), flag.indexOf('=', prefix.length())))) continue;
      out.add(flag);
    }
    return out;
  }
}
