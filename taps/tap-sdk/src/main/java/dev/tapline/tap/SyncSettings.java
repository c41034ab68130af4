package dev.tapline.tap;

import dev.tapline.spec.config.Setting;

/**
 * Settings every tap accepts besides its own, read from the same config.
 *
 * @param stateIntervalRows how many records of a sorted stream pass between two STATE messages
 * @param metricsIntervalSeconds how often the record count is logged as a metric during a stream
 */
public record SyncSettings(
    @Setting(
            description = "Records between two STATE messages of a sorted stream",
            defaultValue = "10000")
        int stateIntervalRows,
    @Setting(
            description = "Seconds between two record_count metrics of a stream",
            defaultValue = "60")
        int metricsIntervalSeconds) {

  public SyncSettings {
    if (stateIntervalRows < 1) {
      throw new IllegalArgumentException("state_interval_rows must be at least 1");
    }
    if (metricsIntervalSeconds < 1) {
      throw new IllegalArgumentException("metrics_interval_seconds must be at least 1");
    }
  }
}
