package dev.convoy.sink;

import java.sql.Types;

/** The column types Convoy writes: the ones Redshift and PostgreSQL share (no BYTEA, VARBYTE, SERIAL). */
public record ColumnType(Kind kind, int length) {

  public enum Kind { VARCHAR, TIMESTAMP, BIGINT, DOUBLE, BOOLEAN }

  public static final ColumnType TIMESTAMP = new ColumnType(Kind.TIMESTAMP, 0);
  public static final ColumnType BIGINT = new ColumnType(Kind.BIGINT, 0);
  public static final ColumnType DOUBLE = new ColumnType(Kind.DOUBLE, 0);
  public static final ColumnType BOOLEAN = new ColumnType(Kind.BOOLEAN, 0);

  public ColumnType {
    if (kind == Kind.VARCHAR && (length < 1 || length > 65535)) {
      throw new IllegalArgumentException("VARCHAR length must be 1..65535, got " + length);
    }
  }

  public static ColumnType varchar(int length) {
    return new ColumnType(Kind.VARCHAR, length);
  }

  public String ddl() {
    return switch (kind) {
      case VARCHAR -> "VARCHAR(" + length + ")";
      case TIMESTAMP -> "TIMESTAMP";
      case BIGINT -> "BIGINT";
      case DOUBLE -> "DOUBLE PRECISION";
      case BOOLEAN -> "BOOLEAN";
    };
  }

  int sqlType() {
    return switch (kind) {
      case VARCHAR -> Types.VARCHAR;
      case TIMESTAMP -> Types.TIMESTAMP;
      case BIGINT -> Types.BIGINT;
      case DOUBLE -> Types.DOUBLE;
      case BOOLEAN -> Types.BOOLEAN;
    };
  }

  /** Whether information_schema's {@code data_type} (Redshift and PostgreSQL spell them alike) is this type. */
  boolean matchesCatalog(String dataType) {
    String t = dataType.toLowerCase(java.util.Locale.ROOT);
    return switch (kind) {
      case VARCHAR -> t.equals("character varying");
      case TIMESTAMP -> t.equals("timestamp without time zone");
      case BIGINT -> t.equals("bigint");
      case DOUBLE -> t.equals("double precision");
      case BOOLEAN -> t.equals("boolean");
    };
  }
}
