package dev.convoy.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Decoded events as the bucket stage sees them, made by Spark itself: no emulator, no Thrift. */
public final class SyntheticEvents {

  private SyntheticEvents() {}

  /** {@code subscribers} distinct subscribers, each with {@code perSubscriber} events, in one hour of one email and campaign. */
  public static Dataset<Row> oneHour(SparkSession spark, long subscribers, int perSubscriber) {
    return spark.range(subscribers * perSubscriber)
        .select(expr("timestamp_seconds(1795770000 + id % 3000)").as("event_time"), lit("email-1").as("email_id"),
            lit("campaign-1").as("campaign_id"), concat(lit("subscriber-"), col("id").mod(subscribers).cast("string")).as("subscriber_id"));
  }
}
