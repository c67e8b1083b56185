package dev.convoy.transform;

import java.util.Arrays;
import java.util.Locale;

/** What a job's buckets are keyed by, besides the hour. Each is a column of the decoded events and of the target table. */
public enum Dimension {
  EMAIL_ID, CAMPAIGN_ID, SUBSCRIBER_ID;

  public String column() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Dimension parse(String text) {
    return Arrays.stream(values()).filter(d -> d.column().equals(text.strip())).findFirst().orElseThrow(() ->
        new IllegalArgumentException("'" + text + "' is not a dimension; use email_id, campaign_id or subscriber_id"));
  }
}
