package dev.convoy.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hll_sketch_agg;
import static org.apache.spark.sql.functions.hll_sketch_estimate;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.window;

import dev.convoy.events.Decoded;
import dev.convoy.events.Event;
import dev.convoy.events.EventDecoder;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.job.CodedJob;
import dev.convoy.sink.Column;
import dev.convoy.sink.ColumnType;
import dev.convoy.sink.Values;
import java.io.Serializable;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * An example coded job: from email-clicked events, each campaign's clicks per quarter hour and about
 * how many distinct emails were clicked (HyperLogLog++, ±2 %). Its rules are code: a typed decode to
 * {@link Click}, a transform over {@code Dataset<Click>}, and the table's columns. In the config:
 *
 * <pre>
 *   - name: campaign-clicks
 *     code: dev.convoy.examples.CampaignClicks
 *     stream: convoy-email-clicked
 *     table: campaign_clicks_quarterly
 * </pre>
 */
public final class CampaignClicks implements CodedJob<CampaignClicks.Click, Row> {

  /** Bytes of UTF-8 a campaign id may take: the column's width (Redshift counts VARCHAR in bytes). */
  static final int CAMPAIGN_BYTES = 256;

  /** A decoded click: a Java bean, so Spark's bean encoder holds it. */
  public static final class Click implements Serializable {
    private String campaignId;
    private String emailId;
    private Timestamp eventTime;

    public Click() {}

    Click(String campaignId, String emailId, Timestamp eventTime) {
      this.campaignId = campaignId;
      this.emailId = emailId;
      this.eventTime = eventTime;
    }

    public String getCampaignId() {
      return campaignId;
    }

    public void setCampaignId(String campaignId) {
      this.campaignId = campaignId;
    }

    public String getEmailId() {
      return emailId;
    }

    public void setEmailId(String emailId) {
      this.emailId = emailId;
    }

    public Timestamp getEventTime() {
      return eventTime;
    }

    public void setEventTime(Timestamp eventTime) {
      this.eventTime = eventTime;
    }
  }

  /** Made on each executor when first needed: decoders are not serializable. */
  private transient EventDecoder decoder;

  @Override
  public Encoder<Click> events() {
    return Encoders.bean(Click.class);
  }

  @Override
  public Click decode(byte[] payload) {
    if (decoder == null) decoder = EventDecoder.forType(EventType.CLICKED, WireProtocol.COMPACT);
    return switch (decoder.decode(payload)) {
      case Decoded.Valid v -> click(v.event());
      case Decoded.Invalid i -> throw new IllegalArgumentException(i.error());
    };
  }

  private static Click click(Event e) {
    String campaign = Values.withoutTrailingSpaces(e.campaignId());
    int bytes = Values.utf8Bytes(campaign);
    if (bytes > CAMPAIGN_BYTES) {
      throw new IllegalArgumentException("campaign_id is " + bytes + " bytes of UTF-8; the table holds " + CAMPAIGN_BYTES);
    }
    return new Click(campaign, e.emailId(), new Timestamp(e.eventTimeMillis()));
  }

  @Override
  public Dataset<Row> transform(Dataset<Click> clicks) {
    // An HLL sketch: approx_count_distinct's buffer of 410 columns costs ~0.7 s of code generation a batch.
    return clicks.withWatermark("eventTime", "24 hours")
        .groupBy(window(col("eventTime"), "15 minutes"), col("campaignId"))
        .agg(count(lit(1)).as("clicks"), hll_sketch_estimate(hll_sketch_agg(col("emailId"), 12)).as("emails"))
        .select(col("window.start").as("quarter_start"), col("campaignId").as("campaign_id"), col("clicks"), col("emails"));
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.key("quarter_start", ColumnType.TIMESTAMP), Column.key("campaign_id", ColumnType.varchar(CAMPAIGN_BYTES)),
        Column.value("clicks", ColumnType.BIGINT), Column.value("emails", ColumnType.BIGINT));
  }
}
