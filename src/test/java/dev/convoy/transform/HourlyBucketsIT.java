package dev.convoy.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoy.sink.TableName;
import dev.convoy.testing.SyntheticEvents;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bucket metrics in a real local Spark: exact and approximate distinct subscribers side by side. */
class HourlyBucketsIT {

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder().master("local[2]").appName("convoy-hourly-buckets-it")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void theApproximateCountIsWithinItsErrorOfTheExactOneWhichIsExact() {
    var aggregation = new Aggregation(Duration.ofHours(1), Duration.ofHours(24), List.of(Dimension.CAMPAIGN_ID),
        List.of(Metric.EVENTS, Metric.DISTINCT_SUBSCRIBERS, Metric.APPROX_DISTINCT_SUBSCRIBERS));

    Row bucket = new HourlyBuckets(aggregation, spark.sparkContext().longAccumulator()).apply(SyntheticEvents.oneHour(spark, 20_000, 3)).collectAsList().getFirst();

    assertThat(bucket.<Long>getAs("events")).isEqualTo(60_000);
    assertThat(bucket.<Long>getAs("distinct_subscribers")).isEqualTo(20_000);
    // Three standard deviations: a true estimator misses this one time in 370.
    assertThat(bucket.<Long>getAs("approx_distinct_subscribers")).isBetween(
        Math.round(20_000 * (1 - 3 * Metric.APPROX_RSD)), Math.round(20_000 * (1 + 3 * Metric.APPROX_RSD)));
    assertThat(dev.convoy.job.BucketSink.table(aggregation, TableName.parse("table", "t")).columns())
        .extracting(c -> c.name().value()).contains("approx_distinct_subscribers");
  }

  @Test
  void anUnknownMetricNamesTheThreeThatExist() {
    assertThatThrownBy(() -> Metric.parse("unique_subscribers")).hasMessageContaining("approx_distinct_subscribers");
  }
}
