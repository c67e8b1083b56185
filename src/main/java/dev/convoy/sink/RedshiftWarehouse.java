package dev.convoy.sink;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Connections to Redshift (or the local stand-in) with the real {@code redshift-jdbc42} driver. */
public final class RedshiftWarehouse implements Warehouse {

  private static final Pattern JSON_FIELD = Pattern.compile("\"(username|password)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final RedshiftSettings settings;
  private final Map<String, String> env;
  private final Function<String, String> secrets;

  /** @param secrets secret id → secret string; used for {@link RedshiftSettings.Credentials.Secret} */
  public RedshiftWarehouse(RedshiftSettings settings, Map<String, String> env, Function<String, String> secrets) {
    this.settings = settings;
    this.env = Map.copyOf(env);
    this.secrets = secrets;
  }

  public RedshiftWarehouse(RedshiftSettings settings, Map<String, String> env) {
    this(settings, env, RedshiftWarehouse::fromSecretsManager);
  }

  @Override
  public Connection connect() throws SQLException {
    Properties props = new Properties();
    switch (settings.credentials()) {
      case RedshiftSettings.Credentials.Environment e -> {
        props.setProperty("user", required(e.userVariable()));
        props.setProperty("password", required(e.passwordVariable()));
      }
      case RedshiftSettings.Credentials.Secret s -> {
        String json = secrets.apply(s.secretId());
        props.setProperty("user", field(json, "username", s.secretId()));
        props.setProperty("password", field(json, "password", s.secretId()));
      }
      case RedshiftSettings.Credentials.Iam iam -> { }
    }
    if (!settings.tlsDisabled()) props.setProperty("ssl", "true");
    // Fail fast when the endpoint is unreachable instead of hanging a micro-batch.
    props.setProperty("loginTimeout", "30");
    props.setProperty("tcpKeepAlive", "true");
    // Redshift puts "Serializable isolation violation" (error 1023) in the DETAIL; Failure reads it from the message.
    props.setProperty("logServerErrorDetail", "true");
    return DriverManager.getConnection(settings.url(), props);
  }

  private String required(String variable) {
    String value = env.get(variable);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException("redshift: environment variable " + variable + " is not set "
          + "(locally: eval \"$(bin/convoy stack env)\"; on EMR: use a Secrets Manager secret)");
    }
    return value;
  }

  static String field(String json, String name, String secretId) {
    Matcher m = JSON_FIELD.matcher(json == null ? "" : json);
    while (m.find()) {
      if (m.group(1).equals(name)) return m.group(2).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    throw new IllegalStateException("redshift: secret " + secretId + " has no \"" + name + "\" field");
  }

  private static String fromSecretsManager(String secretId) {
    try (SecretsManagerClient client = SecretsManagerClient.create()) {
      return client.getSecretValue(b -> b.secretId(secretId)).secretString();
    }
  }
}
