package dev.convoy.testing;

import dev.convoy.sink.Warehouse;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real warehouse whose connections record every statement they run: its SQL, and the bytes of its
 * text and bound values. Tests read which tables a job touched and how large its statements were.
 */
public final class RecordingWarehouse implements Warehouse {

  /** One statement as sent: its text and its size with the values bound to it. */
  public record Executed(String sql, long bytes) {}

  private static final Pattern TABLE = Pattern.compile(
      "(?i)\\b(?:FROM|INTO|JOIN|USING|LIKE|TABLE(?:\\s+IF\\s+NOT\\s+EXISTS)?)\\s+([a-z_][a-z0-9_]*(?:\\.[a-z_][a-z0-9_]*)?)");

  private final Warehouse real;
  private final List<Executed> executed = new CopyOnWriteArrayList<>();

  public RecordingWarehouse(Warehouse real) {
    this.real = real;
  }

  public List<Executed> executed() {
    return List.copyOf(executed);
  }

  /** The tables named in the recorded statements, but for session-local temp tables and the catalog. */
  public Set<String> tablesTouched(Set<String> tempTables) {
    Set<String> tables = new TreeSet<>();
    for (Executed e : executed) {
      Matcher m = TABLE.matcher(e.sql());
      while (m.find()) {
        String t = m.group(1).toLowerCase(java.util.Locale.ROOT);
        if (!tempTables.contains(t) && !t.startsWith("information_schema.")) tables.add(t);
      }
    }
    return tables;
  }

  @Override
  public Connection connect() throws SQLException {
    Connection c = real.connect();
    return proxy(Connection.class, c, (method, args) -> {
      Object result = method.invoke(c, args);
      if (result instanceof PreparedStatement ps && method.getName().equals("prepareStatement")) return prepared(ps, (String) args[0]);
      if (result instanceof Statement s && method.getName().equals("createStatement")) return plain(s);
      return result;
    });
  }

  private Statement plain(Statement s) {
    return proxy(Statement.class, s, (method, args) -> {
      if (method.getName().startsWith("execute") && args != null && args.length > 0 && args[0] instanceof String sql) {
        executed.add(new Executed(sql, utf8(sql)));
      }
      return method.invoke(s, args);
    });
  }

  private PreparedStatement prepared(PreparedStatement ps, String sql) {
    long[] bound = {0};
    return proxy(PreparedStatement.class, ps, (method, args) -> {
      String name = method.getName();
      if (name.startsWith("set") && args != null && args.length >= 2) {
        bound[0] += args[1] instanceof String v ? utf8(v) : 8;
      } else if (name.equals("addBatch") || name.equals("executeUpdate") || name.equals("executeQuery") || name.equals("execute")) {
        executed.add(new Executed(sql, utf8(sql) + bound[0]));
        bound[0] = 0;
      }
      return method.invoke(ps, args);
    });
  }

  private static long utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  @FunctionalInterface
  private interface Call {
    Object on(java.lang.reflect.Method method, Object[] args) throws Throwable;
  }

  private static <T> T proxy(Class<T> type, T target, Call call) {
    InvocationHandler handler = (p, method, args) -> {
      try {
        return call.on(method, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(RecordingWarehouse.class.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
