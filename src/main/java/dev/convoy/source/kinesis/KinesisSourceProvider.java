package dev.convoy.source.kinesis;

import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** {@code spark.readStream().format("convoy-kinesis")}: registered through META-INF/services. */
public final class KinesisSourceProvider implements TableProvider, DataSourceRegister {

  public static final String SHORT_NAME = "convoy-kinesis";

  /** The AWS connector's schema, so a job does not care which source ran. */
  public static final StructType SCHEMA = new StructType()
      .add("data", DataTypes.BinaryType, false)
      .add("streamName", DataTypes.StringType, false)
      .add("partitionKey", DataTypes.StringType, false)
      .add("sequenceNumber", DataTypes.StringType, false)
      .add("approximateArrivalTimestamp", DataTypes.TimestampType, false);

  @Override
  public String shortName() {
    return SHORT_NAME;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return SCHEMA;
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    KinesisSourceOptions options = KinesisSourceOptions.from(properties);
    return new KinesisTable(options);
  }

  private record KinesisTable(KinesisSourceOptions options) implements Table, SupportsRead {
    @Override
    public String name() {
      return SHORT_NAME + ":" + options.streamName();
    }

    @Override
    public StructType schema() {
      return SCHEMA;
    }

    @Override
    public Set<TableCapability> capabilities() {
      return Set.of(TableCapability.MICRO_BATCH_READ);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap ignored) {
      return () -> new Scan() {
        @Override
        public StructType readSchema() {
          return SCHEMA;
        }

        @Override
        public MicroBatchStream toMicroBatchStream(String checkpointLocation) {
          return new KinesisMicroBatchStream(options, checkpointLocation, SparkSession.active());
        }
      };
    }
  }
}
