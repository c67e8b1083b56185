package dev.convoy.config;

import dev.convoy.time.Durations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML mapping read field by field, remembering where it is ({@code job 'emails-sent' field 'trigger'}),
 * so every error names the job and the field. {@link #done()} refuses keys nobody asked for, which
 * catches typos at start-up. String values may use {@code ${VARIABLE}} to take a value from the environment.
 */
public final class ConfigTree {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private final String where;
  private final Map<String, Object> values;
  private final Map<String, String> env;
  private final Set<String> read;

  public ConfigTree(String where, Map<String, Object> values, Map<String, String> env) {
    this(where, values, env, new TreeSet<>());
  }

  private ConfigTree(String where, Map<String, Object> values, Map<String, String> env, Set<String> read) {
    this.where = where;
    this.values = values == null ? Map.of() : values;
    this.env = env;
    this.read = read;
  }

  /** The same mapping under a better name, once it is known (a job's name). */
  public ConfigTree renamed(String newWhere) {
    return new ConfigTree(newWhere, values, env, read);
  }

  /** Whether the mapping sets {@code key} (a key that must be absent is checked with this). */
  public boolean has(String key) {
    return values.containsKey(key);
  }

  public String field(String key) {
    return where + (where.isEmpty() ? "" : " ") + "field '" + key + "'";
  }

  public String string(String key, String fallback) {
    read.add(key);
    Object v = values.get(key);
    if (v == null) return fallback;
    if (v instanceof Map || v instanceof List) throw error(key, "expected a single value, got " + describe(v));
    return interpolate(key, v.toString());
  }

  /** A declared key of this mapping (its last part), with its declared default. */
  public String string(Key key) {
    return string(Keys.leaf(key), key.literalDefault());
  }

  public int integer(Key key, int min, int max) {
    return integer(Keys.leaf(key), Integer.parseInt(key.literalDefault()), min, max);
  }

  public java.time.Duration duration(Key key) {
    return duration(Keys.leaf(key), key.literalDefault());
  }

  /** A list key whose declared default is written {@code [a, b]}. */
  public List<String> strings(Key key) {
    String d = key.literalDefault();
    List<String> fallback = java.util.Arrays.stream(d.substring(1, d.length() - 1).split(",")).map(String::strip).toList();
    return strings(Keys.leaf(key), fallback);
  }

  public String requiredString(String key) {
    String v = string(key, null);
    if (v == null || v.isBlank()) throw new ConfigException(field(key) + " is required");
    return v;
  }

  public int integer(String key, int fallback, int min, int max) {
    String v = string(key, null);
    if (v == null) return fallback;
    try {
      int n = Integer.parseInt(v.strip());
      if (n < min || n > max) throw error(key, n + " is out of range [" + min + ", " + max + "]");
      return n;
    } catch (NumberFormatException e) {
      throw error(key, "'" + v + "' is not a whole number");
    }
  }

  public java.time.Duration duration(String key, String fallback) {
    String v = string(key, fallback);
    try {
      java.time.Duration d = Durations.parse(field(key), v);
      if (d.isNegative()) throw error(key, "'" + v + "' is negative");
      return d;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  public <T> T parsed(String key, String fallback, Function<String, T> parser) {
    String v = string(key, fallback);
    try {
      return parser.apply(v);
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw error(key, e.getMessage());
    }
  }

  public List<String> strings(String key, List<String> fallback) {
    read.add(key);
    Object v = values.get(key);
    if (v == null) return fallback;
    if (!(v instanceof List<?> list)) throw error(key, "expected a list such as [a, b], got " + describe(v));
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (o instanceof Map || o instanceof List || o == null) throw error(key, "expected plain values in the list");
      out.add(interpolate(key, o.toString()));
    }
    return out;
  }

  /** A nested mapping; absent gives an empty one. */
  public ConfigTree child(String key, String childWhere) {
    read.add(key);
    Object v = values.get(key);
    if (v == null) return new ConfigTree(childWhere, Map.of(), env);
    if (!(v instanceof Map<?, ?> map)) throw error(key, "expected a mapping (key: value lines), got " + describe(v));
    return new ConfigTree(childWhere, stringKeys(key, map), env);
  }

  /** A flat mapping of strings, e.g. Spark settings or source options. */
  public Map<String, String> stringMap(String key) {
    ConfigTree c = child(key, where.isEmpty() ? key : where + " " + key);
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : c.values.keySet()) out.put(k, c.string(k, null));
    return out;
  }

  public List<ConfigTree> list(String key, Function<Integer, String> itemWhere) {
    read.add(key);
    Object v = values.get(key);
    if (v == null) return List.of();
    if (!(v instanceof List<?> list)) throw error(key, "expected a list of mappings (lines starting with '- ')");
    List<ConfigTree> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> map)) throw error(key, "item " + (i + 1) + " is not a mapping");
      out.add(new ConfigTree(itemWhere.apply(i), stringKeys(key, map), env));
    }
    return out;
  }

  /** Refuses keys that were never read: a misspelt key must not silently mean "use the default". */
  public void done() {
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(read);
    if (!unknown.isEmpty()) {
      throw new ConfigException((where.isEmpty() ? "" : where + ": ") + "unknown key" + (unknown.size() > 1 ? "s " : " ")
          + String.join(", ", unknown.stream().map(k -> "'" + k + "'").toList()) + "; known keys here: " + String.join(", ", new TreeSet<>(read)));
    }
  }

  private Map<String, Object> stringKeys(String key, Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private String interpolate(String key, String text) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null) throw error(key, "environment variable " + m.group(1) + " is not set (for the local stack: eval \"$(bin/convoy stack env)\")");
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private ConfigException error(String key, String message) {
    return new ConfigException(field(key) + ": " + message);
  }

  private static String describe(Object v) {
    return v instanceof Map ? "a mapping" : v instanceof List ? "a list" : "'" + v + "'";
  }
}
