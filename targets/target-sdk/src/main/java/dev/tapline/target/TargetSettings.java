package dev.tapline.target;

import dev.tapline.spec.config.Setting;

/**
 * The settings every target has, bound from the same config as the target's own settings record.
 * Names follow the Meltano SDK and the pipelinewise targets, so existing configs keep working.
 *
 * @param batchSizeRows a stream's batch is full at this many records; then every stream is flushed
 * @param batchSizeBytes all streams are flushed once the records received since the last flush
 *     reach this many bytes of input
 * @param batchMaxAgeSeconds all streams are flushed once the oldest uncommitted record is this old,
 *     so state keeps moving when a tap is slow; 0 turns the age limit off
 * @param validateRecords whether each record is checked against its stream's schema
 * @param addRecordMetadata whether the {@code _sdc_*} metadata properties are added to each record
 * @param flatteningEnabled whether nested objects are flattened into {@code parent__child}
 *     properties before they reach the sink
 * @param flatteningMaxDepth how many levels of nesting are flattened; deeper values stay JSON
 */
public record TargetSettings(
    @Setting(
            description = "Flush every stream once one stream has received this many records",
            defaultValue = "100000")
        int batchSizeRows,
    @Setting(
            description = "Flush every stream once this many bytes of records were received since the last flush",
            defaultValue = "67108864")
        long batchSizeBytes,
    @Setting(
            description = "Flush every stream once the oldest uncommitted record is this many seconds old (0: never)",
            defaultValue = "60",
            aliases = {"batch_wait_limit_seconds"})
        long batchMaxAgeSeconds,
    @Setting(description = "Check every record against its stream's JSON Schema", defaultValue = "true")
        boolean validateRecords,
    @Setting(
            description = "Add _sdc_extracted_at, _sdc_received_at, _sdc_batched_at, _sdc_deleted_at, _sdc_sequence and _sdc_table_version to each record",
            defaultValue = "false",
            aliases = {"add_metadata_columns"})
        boolean addRecordMetadata,
    @Setting(description = "Flatten nested objects into parent__child properties", defaultValue = "false")
        boolean flatteningEnabled,
    @Setting(description = "How many levels of nested objects are flattened", defaultValue = "1")
        int flatteningMaxDepth) {

  /** The defaults, as a config without any of these keys binds them. */
  public static TargetSettings defaults() {
    return new TargetSettings(100_000, 64L << 20, 60, true, false, false, 1);
  }
}
